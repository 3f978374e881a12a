import type { PresenceResult } from '../presence/presence';

/** What Keyward records about one certificate on a card. */
export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  /** Serial number, upper-case hex. */
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** User principal names in the subject alternative name, lower case. */
  readonly upns: readonly string[];
  /** SHA-256 of the DER certificate, hex. */
  readonly fingerprint: string;
  /** e.g. "ec-p256", "rsa-2048". */
  readonly keyAlgorithm: string;
}

/** What Keyward knows about an enrolled smartcard: the card's identity and its certificates. */
export interface KnownCardState {
  /** The CHUID GUID, 32 hex digits. */
  readonly guid: string;
  readonly authentication: CertificateFacts;
  readonly cardAuthentication: CertificateFacts | null;
}

export type CardFinding =
  | { readonly code: 'different_card'; readonly guid: string; readonly serial: string }
  | { readonly code: 'certificate_changed'; readonly slot: '9A' | '9E'; readonly before: string; readonly after: string }
  | { readonly code: 'possession_failed'; readonly detail: string }
  | { readonly code: 'possession_not_proven'; readonly detail: string }
  | { readonly code: 'certificate_expired'; readonly notAfter: string }
  | { readonly code: 'certificate_expiring'; readonly notAfter: string; readonly days: number }
  | { readonly code: 'no_answer'; readonly detail: string }
  | { readonly code: 'retries_dropped'; readonly counter: 'PIN' | 'PUK'; readonly before: number; readonly after: number }
  | { readonly code: 'card_serial_changed'; readonly before: string; readonly after: string };

/** A card's PIN and PUK retry counters as last read (without a PIN); null where the card does not say. */
export interface CardRetries {
  readonly pin: number | null;
  readonly puk: number | null;
}

/**
 * A counter lower than at the last reading means wrong PINs (or PUKs) were tried since: an
 * anomaly. A higher one is a correct PIN used (it resets the counter), e.g. during a checkout.
 */
export function compareRetries(known: CardRetries, now: CardRetries): CardFinding[] {
  const findings: CardFinding[] = [];
  for (const [counter, before, after] of [['PIN', known.pin, now.pin], ['PUK', known.puk, now.puk]] as const) {
    if (before !== null && after !== null && after < before) findings.push({ code: 'retries_dropped', counter, before, after });
  }
  return findings;
}

/** A card that published one serial at enrolment and another now carries the enrolled card's CHUID but is another card: a copy. */
export function compareCardSerial(known: string | null, now: string | null): CardFinding[] {
  return known !== null && now !== null && known !== now ? [{ code: 'card_serial_changed', before: known, after: now }] : [];
}

/** Findings that record a fact without making the card's result an anomaly. */
const NOTES: ReadonlySet<CardFinding['code']> = new Set(['possession_not_proven', 'certificate_expiring']);

export const isNote = (finding: CardFinding): boolean => NOTES.has(finding.code);

export function cardResult(findings: readonly CardFinding[]): PresenceResult {
  if (findings.some((f) => f.code === 'no_answer')) return 'missing';
  return findings.some((f) => !isNote(f)) ? 'anomaly' : 'ok';
}

/** One validation cycle: certificates expiring within it are a finding. */
export const DEFAULT_EXPIRY_WINDOW_DAYS = 90;
const DAY = 86_400_000;

export type ExpiryState = { readonly state: 'valid' | 'expiring' | 'expired'; readonly days: number };

/** Whole days from `now` until `notAfter` (negative once expired) and what that means. */
export function expiryState(notAfter: string, now: Date, windowDays: number = DEFAULT_EXPIRY_WINDOW_DAYS): ExpiryState {
  const left = Date.parse(notAfter) - now.getTime();
  const days = Math.floor(left / DAY);
  if (left <= 0) return { state: 'expired', days };
  return { state: days < windowDays ? 'expiring' : 'valid', days };
}

function expiryFindings(certificate: CertificateFacts, now: Date, windowDays: number): CardFinding[] {
  const { state, days } = expiryState(certificate.notAfter, now, windowDays);
  if (state === 'expired') return [{ code: 'certificate_expired', notAfter: certificate.notAfter }];
  if (state === 'expiring') return [{ code: 'certificate_expiring', notAfter: certificate.notAfter, days }];
  return [];
}

/** Compares the card in the reader with the enrolled one: same GUID, same certificates, and in date. */
export function compareCard(known: KnownCardState, now: KnownCardState, at: Date, windowDays: number = DEFAULT_EXPIRY_WINDOW_DAYS): CardFinding[] {
  const findings: CardFinding[] = [];
  if (now.guid !== known.guid) findings.push({ code: 'different_card', guid: now.guid, serial: now.authentication.serial });
  if (now.authentication.fingerprint !== known.authentication.fingerprint) {
    findings.push({ code: 'certificate_changed', slot: '9A', before: known.authentication.serial, after: now.authentication.serial });
  }
  if ((known.cardAuthentication?.fingerprint ?? null) !== (now.cardAuthentication?.fingerprint ?? null)) {
    findings.push({ code: 'certificate_changed', slot: '9E', before: known.cardAuthentication?.serial ?? 'none', after: now.cardAuthentication?.serial ?? 'none' });
  }
  findings.push(...expiryFindings(now.authentication, at, windowDays));
  return findings;
}

const day = (iso: string) => iso.slice(0, 10);

export function describeCardFinding(finding: CardFinding): string {
  switch (finding.code) {
    case 'different_card':
      return `a different card is in the reader (GUID ${finding.guid}, certificate serial ${finding.serial}): not the card that was enrolled`;
    case 'certificate_changed':
      return `the certificate in slot ${finding.slot} changed from serial ${finding.before} to ${finding.after}`;
    case 'possession_failed':
      return `the card did not prove it holds its Card Authentication key: ${finding.detail}`;
    case 'possession_not_proven':
      return `present, possession not proven: ${finding.detail}`;
    case 'certificate_expired':
      return `the PIV Authentication certificate expired on ${day(finding.notAfter)}`;
    case 'certificate_expiring':
      return `the PIV Authentication certificate expires on ${day(finding.notAfter)}, in ${finding.days} day(s)`;
    case 'no_answer':
      return `no answer from the card: ${finding.detail}`;
    case 'card_serial_changed':
      return `the card's serial is ${finding.after}, not ${finding.before} as enrolled: another card carries the enrolled card's identity (GUID)`;
    case 'retries_dropped':
      return `${finding.counter} retries dropped from ${finding.before} to ${finding.after}: someone tried a wrong ${finding.counter} since the last check`;
  }
}

/** Whether the certificate names the account: a mismatch is warned about at enrolment. */
export function upnMismatch(certificate: CertificateFacts, accountUpn: string | null): string | null {
  if (!accountUpn) return null;
  if (certificate.upns.includes(accountUpn.toLowerCase())) return null;
  return certificate.upns.length === 0
    ? `the certificate names no user principal name; the account is ${accountUpn}`
    : `the certificate is for ${certificate.upns.join(', ')}, not for the account ${accountUpn}`;
}

/** A smartcard reader and what is in it, as the readers list shows it. */
export interface ReaderView {
  readonly name: string;
  readonly cardPresent: boolean;
  readonly atr: string | null;
  /** The PIV card in it, when one could be read. */
  readonly card: {
    readonly guid: string;
    readonly subject: string;
    readonly serial: string;
    readonly notAfter: string;
    readonly upns: readonly string[];
    /** The serial the card publishes (a YubiKey's GET SERIAL), where it does. */
    readonly cardSerial: string | null;
    /** Retry counters read without a PIN; null where the card does not say. */
    readonly retries: CardRetries;
    /** The inventory label when the card is enrolled. */
    readonly enrolledAs: string | null;
  } | null;
  /** Why the card in it could not be read. */
  readonly error: string | null;
}
