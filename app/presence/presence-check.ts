import { randomBytes } from 'node:crypto';
import { KeywardError, isKeywardError } from '../../core/errors';
import type { Authenticator } from '../../core/inventory/inventory';
import { KEYWARD_ORIGIN, KEYWARD_RP_ID, compareWithKnown, describeFinding, presenceResult, type KnownKeyState, type PresenceFinding, type PresenceResult } from '../../core/presence/presence';
import { listAuthenticators } from '../../db/authenticators';
import { saveDrillKey } from '../../db/drill-keys';
import { findFidoCredential, setKeyNotes, recordPresenceState, type FidoCredential } from '../../db/fido-credentials';
import { appendEntry, type LedgerTimestamp, type NewLedgerEntry } from '../../db/ledger';
import { getAssertion } from '../../native/client/webauthn-client';
import { CtapStatus } from '../../native/ctap2/constants';
import { CtapError } from '../../native/ctap2/errors';
import { readKeyState } from './fido-key-state';
import { touchPrompt, withEncodingNote } from './keyward-credential';
import { personAnswer } from './touch-answers';
import type { KeySource, OpenedKey } from './key-sources';
import { recorded, type Session } from '../ports';

export type CheckStep = 'connecting' | 'reading' | 'touch' | 'verifying' | 'done';

export interface CheckProgress {
  /** 1-based position of this key in the check. */
  readonly index: number;
  readonly total: number;
  readonly label: string;
  readonly step: CheckStep;
  readonly result?: PresenceResult;
}

export interface KeyCheckResult {
  readonly authenticatorId: number;
  readonly label: string;
  readonly result: PresenceResult;
  readonly findings: readonly PresenceFinding[];
  readonly drill: boolean;
  readonly ledgerSeq: number;
  /** How far the signature counter moved since the last known state, when the key answered. */
  readonly signCountDelta?: number;
}

export interface PresenceCheckOptions {
  /** One key by id or label; all enrolled keys of the source's kind when absent. */
  readonly key?: string;
  /** How long to wait for each touch. */
  readonly touchTimeoutMs?: number;
  /** Signatures the ledger accounts for since the last check, besides this check's own (a checkout explains any number). */
  readonly loggedUses?: number;
  /** Where this part of a larger check starts, for "3 of 8" progress. */
  readonly position?: { readonly offset: number; readonly total: number };
  /** How each key's result is written; by default at once, in a transaction of its own. */
  readonly record?: CheckRecorder;
}

/** One item's check result as it will be written: its ledger entry and the inventory change that goes with it. */
export interface PendingCheck {
  readonly entry: NewLedgerEntry;
  readonly apply: (at: LedgerTimestamp) => void;
}

/** Writes a pending check (or holds it back, for a caller that writes it together with its own entry). */
export type CheckRecorder = (check: PendingCheck) => { readonly seq: number };

/** The default: the check's state change and its entry in one transaction, now. */
export const recordNow = (session: Session): CheckRecorder => (check) =>
  recorded(session, (at) => {
    check.apply(at);
    return appendEntry(session.db, check.entry, at);
  });

/** Whether an item is one a presence check expects: enrolled, of the check's kind, neither lost nor retired. */
export const isCheckable = (a: Authenticator, kind: Authenticator['kind'], simulated: boolean): boolean =>
  a.kind === kind && a.enrolled && a.simulated === simulated && a.state !== 'retired' && a.state !== 'lost';

/** Which keys a check expects: enrolled FIDO2 keys of the source's kind that are neither lost nor retired. */
export function keysToCheck(session: Pick<Session, 'db'>, simulated: boolean, key?: string): Authenticator[] {
  const candidates = listAuthenticators(session.db).filter((a) => isCheckable(a, 'fido2', simulated));
  if (key === undefined || key === '') {
    if (candidates.length === 0) throw new KeywardError('not_found', `there are no enrolled ${simulated ? 'drill' : 'FIDO2'} keys to check; enrol one first`, 'key');
    return candidates;
  }
  const match = candidates.filter((a) => String(a.id) === key || a.label.toLowerCase() === key.toLowerCase());
  if (match.length === 0) throw new KeywardError('not_found', `no enrolled ${simulated ? 'drill' : 'FIDO2'} key with id or label "${key}"`, 'key');
  return match;
}

/**
 * The presence check (the quarterly check): for each expected key, read what it says about
 * itself (no PIN), ask for a touch and an assertion with the enrolled credential, verify it, and
 * compare with the last known state. Every key's result goes into the ledger with its evidence;
 * one key that fails to answer does not stop the others.
 */
export async function runPresenceCheck(
  session: Session,
  source: KeySource,
  options: PresenceCheckOptions = {},
  onProgress: (progress: CheckProgress) => void = () => undefined,
): Promise<KeyCheckResult[]> {
  const targets = keysToCheck(session, source.simulated, options.key);
  const results: KeyCheckResult[] = [];
  const { offset, total } = options.position ?? { offset: 0, total: targets.length };
  for (const [position, authenticator] of targets.entries()) {
    const progress = (step: CheckStep, result?: PresenceResult) => onProgress({ index: offset + position + 1, total, label: authenticator.label, step, result });
    const credential = findFidoCredential(session.db, authenticator.id)!;
    progress('connecting');
    const observed = await observeKey(source, authenticator, credential, options.touchTimeoutMs ?? 60_000, 1 + (options.loggedUses ?? 0), progress);
    const result = presenceResult(observed.findings);
    const entry = (options.record ?? recordNow(session))({
      entry: {
        kind: 'presence.checked',
        actors: [session.actor],
        payload: {
          authenticatorId: authenticator.id,
          label: authenticator.label,
          result,
          findings: observed.findings.map((f) => ({ ...f, text: describeFinding(f) })),
          before: knownAsJson(credential.known),
          after: observed.state ? knownAsJson(observed.state) : null,
          drill: source.simulated,
        },
      },
      apply: (at) => {
        const counterExplained = !observed.findings.some((f) => f.code === 'counter_unexplained' || f.code === 'counter_went_back');
        recordPresenceState(session.db, authenticator.id, observed.state, at.recordedAt, result, counterExplained);
        if (observed.notes) setKeyNotes(session.db, authenticator.id, observed.notes);
        if (observed.drillState) saveDrillKey(session.db, authenticator.id, observed.drillState);
      },
    });
    progress('done', result);
    const signCountDelta = observed.state ? observed.state.signCount - credential.known.signCount : undefined;
    results.push({ authenticatorId: authenticator.id, label: authenticator.label, result, findings: observed.findings, drill: source.simulated, ledgerSeq: entry.seq, signCountDelta });
  }
  return results;
}

const knownAsJson = (state: KnownKeyState) => ({ ...state, versions: [...state.versions], options: { ...state.options } });

interface Observation {
  readonly findings: PresenceFinding[];
  /** What the key said now; absent when it did not answer. */
  readonly state?: KnownKeyState;
  readonly drillState?: unknown;
  /** The key's notes with what this check learnt, when it learnt something. */
  readonly notes?: readonly string[];
}

async function observeKey(
  source: KeySource,
  authenticator: Authenticator,
  credential: FidoCredential,
  touchTimeoutMs: number,
  explainedUses: number,
  progress: (step: CheckStep) => void,
): Promise<Observation> {
  // Imported when a signature is to be checked: it takes about half a second to load, and most
  // commands (status, lists, reports) never check one.
  const { verifyAuthenticationResponse } = await import('@simplewebauthn/server');
  let key: OpenedKey;
  try {
    key = await source.open({ authenticatorId: authenticator.id, label: authenticator.label });
  } catch (error) {
    return { findings: [{ code: 'no_answer', detail: reason(error) }] };
  }
  try {
    progress('reading');
    const { state } = await readKeyState(key.ctap2);
    const challenge = new Uint8Array(randomBytes(32));
    let authentication;
    try {
      ({ authentication } = await getAssertion(
        key.ctap2,
        { rpId: credential.rpId, origin: KEYWARD_ORIGIN, challenge, credentialId: new Uint8Array(Buffer.from(credential.credentialId, 'base64url')) },
        { timeoutMs: touchTimeoutMs, ...touchPrompt(() => progress('touch')) },
      ));
    } catch (error) {
      if (error instanceof CtapError && error.status === CtapStatus.NO_CREDENTIALS) {
        // getInfo answered, so a key is here, but not the one Keyward enrolled.
        const findings: PresenceFinding[] = [{ code: 'credential_missing' }, ...compareWithKnown(credential.known, { ...state, signCount: credential.known.signCount + 1 }, 1), ...encodingFindings(key)];
        return { findings, drillState: key.drillState?.(), notes: learntNotes(credential, key) };
      }
      throw error;
    }
    progress('verifying');
    const signCount = Buffer.from(authentication.response.authenticatorData, 'base64url').readUInt32BE(33);
    const now: KnownKeyState = { ...state, signCount };
    const findings = compareWithKnown(credential.known, now, explainedUses);
    try {
      // The counter is judged by compareWithKnown, which also names a counter that went back.
      const verified = await verifyAuthenticationResponse({
        response: authentication,
        expectedChallenge: Buffer.from(challenge).toString('base64url'),
        expectedOrigin: KEYWARD_ORIGIN,
        expectedRPID: KEYWARD_RP_ID,
        credential: { id: credential.credentialId, publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')), counter: 0 },
        requireUserVerification: false,
      });
      if (!verified.verified) findings.unshift({ code: 'signature_invalid', detail: 'the assertion did not verify against the enrolled public key' });
    } catch (error) {
      findings.unshift({ code: 'signature_invalid', detail: (error as Error).message });
    }
    findings.push(...encodingFindings(key));
    return { findings, state: now, drillState: key.drillState?.(), notes: learntNotes(credential, key) };
  } catch (error) {
    return { findings: [{ code: 'no_answer', detail: reason(error) }], drillState: key.drillState?.() };
  } finally {
    await key.close().catch(() => undefined);
  }
}

/** A key whose responses were not canonical CBOR: a note in the check's result, never a reason to call it missing. */
const encodingFindings = (key: OpenedKey): PresenceFinding[] => {
  const notes = key.ctap2.encodingNotes;
  return notes.length ? [{ code: 'non_canonical_encoding', detail: notes.join('; ') }] : [];
};

/** The key's notes with this check's encoding note merged in; undefined when nothing changed. */
function learntNotes(credential: FidoCredential, key: OpenedKey): string[] | undefined {
  const notes = withEncodingNote(credential.notes, key.ctap2);
  return notes.length === credential.notes.length && notes.every((n, i) => n === credential.notes[i]) ? undefined : notes;
}

function reason(error: unknown): string {
  if (isKeywardError(error)) return error.message;
  const person = personAnswer(error);
  if (person) return person;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
