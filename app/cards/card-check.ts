import { KeywardError } from '../../core/errors';
import type { Authenticator } from '../../core/inventory/inventory';
import type { PresenceResult } from '../../core/presence/presence';
import { cardResult, compareCard, compareCardSerial, compareRetries, describeCardFinding, type CardFinding, type KnownCardState } from '../../core/cards/smartcard';
import { listAuthenticators } from '../../db/authenticators';
import { readOrganisationFacts } from '../../db/posture-facts';
import { findSmartcard, findSmartcardByGuid, recordCardCheck, type SmartcardRecord } from '../../db/smartcards';
import { ApduStatusError } from '../../native/pcsc/errors';
import { proveCardAuthentication, type PossessionProof } from '../../native/pcsc/possession';
import type { CardReaders } from '../../native/pcsc/readers';
import { cardEvidence, cardFailure, countersEvidence, knownStateOf, scanReaders, type CardInReader } from './card-reading';
import type { PivCardContents } from '../../native/pcsc/read-card';
import type { CardSource } from './card-sources';
import { isCheckable, recordNow, type CheckProgress, type CheckRecorder } from '../presence/presence-check';
import type { Session } from '../ports';

export interface CardCheckResult {
  readonly authenticatorId: number;
  readonly label: string;
  readonly kind: 'smartcard';
  readonly result: PresenceResult;
  readonly findings: readonly CardFinding[];
  readonly drill: boolean;
  readonly ledgerSeq: number;
  /** The reader the card was found in. */
  readonly reader: string | null;
}

export interface CardCheckOptions {
  /** One card by id or label; all enrolled cards of the source's kind when absent. */
  readonly card?: string;
  /** How long to wait for the expected card to be inserted (0: look once). */
  readonly insertTimeoutMs?: number;
  /** Where this part of a larger check starts, for "3 of 8" progress. */
  readonly position?: { readonly offset: number; readonly total: number };
  /** How each card's result is written; by default at once, in a transaction of its own. */
  readonly record?: CheckRecorder;
}

/** Which cards a check expects: enrolled smartcards of the source's kind that are neither lost nor retired. */
export function cardsToCheck(session: Pick<Session, 'db'>, simulated: boolean, card?: string): Authenticator[] {
  const candidates = listAuthenticators(session.db).filter((a) => isCheckable(a, 'smartcard', simulated));
  if (card === undefined || card === '') return candidates;
  const match = candidates.filter((a) => String(a.id) === card || a.label.toLowerCase() === card.toLowerCase());
  if (match.length === 0) throw new KeywardError('not_found', `no enrolled ${simulated ? 'drill ' : ''}smartcard with id or label "${card}"`, 'card');
  return match;
}

/**
 * The presence check of smartcards: each expected card must be in a reader, be the same card
 * (GUID and certificates unchanged) and sign a fresh challenge with its Card Authentication key.
 * No PIN is ever sent. Each card's result goes into the ledger; one card's failure does not stop
 * the others, and what Keyward knows about a card is never overwritten by a check.
 */
export async function runCardCheck(session: Session, source: CardSource, options: CardCheckOptions = {}, onProgress: (progress: CheckProgress) => void = () => undefined): Promise<CardCheckResult[]> {
  const targets = cardsToCheck(session, source.simulated, options.card);
  if (targets.length === 0) return [];
  const { offset, total } = options.position ?? { offset: 0, total: targets.length };
  const windowDays = readOrganisationFacts(session.db).expiryWindowDays;
  const { readers } = await source.open();
  const results: CardCheckResult[] = [];
  try {
    for (const [position, card] of targets.entries()) {
      const progress = (step: CheckProgress['step'], result?: PresenceResult) => onProgress({ index: offset + position + 1, total, label: card.label, step, result });
      const record = findSmartcard(session.db, card.id)!;
      progress('connecting');
      const observed = await observeCard(session, readers, record, options.insertTimeoutMs ?? 0, windowDays, progress);
      const result = cardResult(observed.findings);
      const entry = (options.record ?? recordNow(session))({
        entry: {
          kind: 'presence.checked',
          actors: [session.actor],
          payload: {
            authenticatorId: card.id,
            label: card.label,
            kind: 'smartcard',
            result,
            findings: observed.findings.map((f) => ({ ...f, text: describeCardFinding(f) })),
            before: { ...cardEvidence(record.known), pinRetries: record.retries.pin, pukRetries: record.retries.puk, cardSerial: record.cardSerial },
            after: observed.state ? { ...cardEvidence(observed.state), ...(observed.contents ? countersEvidence(observed.contents) : {}) } : null,
            reader: observed.reader ?? null,
            possession: observed.proof ? { ...observed.proof } : null,
            drill: source.simulated,
          },
        },
        apply: (at) => recordCardCheck(session.db, card.id, at.recordedAt, result, observed.contents && { retries: observed.contents.retries, cardSerial: observed.contents.serial }),
      });
      progress('done', result);
      results.push({ authenticatorId: card.id, label: card.label, kind: 'smartcard', result, findings: observed.findings, drill: source.simulated, ledgerSeq: entry.seq, reader: observed.reader ?? null });
    }
  } finally {
    await readers.close().catch(() => undefined);
  }
  return results;
}

interface CardObservation {
  readonly findings: CardFinding[];
  readonly state?: KnownCardState;
  /** What the enrolled card said this time, when it was the one found. */
  readonly contents?: PivCardContents;
  readonly reader?: string;
  readonly proof?: PossessionProof;
}

/** Looks for the card until it turns up or the wait is over. */
async function findCard(readers: CardReaders, guid: string, waitMs: number): Promise<{ match?: CardInReader; seen: CardInReader[] }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const seen = await scanReaders(readers);
    const match = seen.find((c) => c.contents?.chuid.guid === guid);
    if (match || Date.now() >= deadline) return { match, seen };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function observeCard(
  session: Session,
  readers: CardReaders,
  record: SmartcardRecord,
  waitMs: number,
  windowDays: number,
  progress: (step: CheckProgress['step']) => void,
): Promise<CardObservation> {
  let found: { match?: CardInReader; seen: CardInReader[] };
  try {
    found = await findCard(readers, record.guid, waitMs);
  } catch (error) {
    return { findings: [{ code: 'no_answer', detail: cardFailure(error) }] };
  }
  const { match, seen } = found;
  if (!match) {
    const failed = seen.filter((c) => c.error);
    // A lone card that is not any enrolled card, in place of the expected one: a different card with the same label.
    const strangers = seen.filter((c) => c.contents && findSmartcardByGuid(session.db, c.contents.chuid.guid) === undefined);
    if (seen.length === 1 && strangers.length === 1) {
      const contents = strangers[0]!.contents!;
      return { findings: [{ code: 'different_card', guid: contents.chuid.guid, serial: contents.authentication.facts.serial }], state: knownStateOf(contents), reader: strangers[0]!.reader };
    }
    if (failed.length) return { findings: [{ code: 'no_answer', detail: failed.map((c) => `${c.reader}: ${c.error}`).join('; ') }] };
    return { findings: [{ code: 'no_answer', detail: seen.length ? `the card is not in any reader (${seen.length} other card(s) seen)` : 'the card is not in any reader' }] };
  }
  const contents = match.contents!;
  const now = knownStateOf(contents);
  const findings = [...compareCardSerial(record.cardSerial, contents.serial), ...compareCard(record.known, now, session.clock.now(), windowDays), ...compareRetries(record.retries, contents.retries)];
  if (!record.cardAuthenticationCertificate) {
    findings.push({ code: 'possession_not_proven', detail: 'the card has no Card Authentication key (9E) and Keyward never asks for a PIN' });
    return { findings, state: now, contents, reader: match.reader };
  }
  progress('verifying');
  let proof: PossessionProof | undefined;
  try {
    const connection = await readers.connect(match.reader);
    try {
      proof = await proveCardAuthentication(connection, Buffer.from(record.cardAuthenticationCertificate, 'base64'));
    } finally {
      await connection.close().catch(() => undefined);
    }
  } catch (error) {
    if (error instanceof ApduStatusError && (error.sw === 0x6982 || error.sw === 0x6a88)) {
      findings.push({ code: 'possession_not_proven', detail: error.message });
      return { findings, state: now, contents, reader: match.reader };
    }
    return { findings: [{ code: 'no_answer', detail: cardFailure(error) }], state: now, reader: match.reader };
  }
  if (!proof.valid) findings.unshift({ code: 'possession_failed', detail: 'the signature over a fresh challenge does not verify with the enrolled Card Authentication certificate' });
  return { findings, state: now, contents, reader: match.reader, proof };
}
