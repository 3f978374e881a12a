/** Keyward's own relying party: credentials it enrols never touch the account's Entra credential. */
export const KEYWARD_RP_ID = 'keyward.invalid';
export const KEYWARD_ORIGIN = `https://${KEYWARD_RP_ID}`;

/** What Keyward knows about a key after enrolment or its last presence check. */
export interface KnownKeyState {
  readonly aaguid: string;
  readonly firmwareVersion: number | null;
  readonly versions: readonly string[];
  readonly options: Readonly<Record<string, boolean>>;
  readonly pinRetries: number | null;
  /** Retries left for built-in user verification (a fingerprint); present only for keys that have it. */
  readonly uvRetries?: number;
  readonly signCount: number;
}

export type PresenceFinding =
  | { readonly code: 'pin_retries_dropped'; readonly before: number; readonly after: number }
  | { readonly code: 'uv_retries_dropped'; readonly before: number; readonly after: number }
  | { readonly code: 'counter_unexplained'; readonly before: number; readonly after: number; readonly explainedUses: number }
  | { readonly code: 'counter_went_back'; readonly before: number; readonly after: number }
  | { readonly code: 'getinfo_changed'; readonly field: 'aaguid' | 'firmwareVersion' | 'versions' | 'options'; readonly before: string; readonly after: string }
  | { readonly code: 'credential_missing' }
  | { readonly code: 'signature_invalid'; readonly detail: string }
  | { readonly code: 'no_answer'; readonly detail: string }
  | { readonly code: 'non_canonical_encoding'; readonly detail: string };

/** Findings that record a fact of the key without making the check's result an anomaly. */
export const isPresenceNote = (finding: PresenceFinding): boolean => finding.code === 'non_canonical_encoding';

export type PresenceResult = 'ok' | 'anomaly' | 'missing';

const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));

/**
 * Compares what the key says now with what Keyward knew. `explainedUses` is how many signatures
 * the ledger accounts for since then (this check's own assertion counts as one).
 */
export function compareWithKnown(known: KnownKeyState, now: KnownKeyState, explainedUses: number): PresenceFinding[] {
  const findings: PresenceFinding[] = [];
  if (known.pinRetries !== null && now.pinRetries !== null && now.pinRetries < known.pinRetries) {
    findings.push({ code: 'pin_retries_dropped', before: known.pinRetries, after: now.pinRetries });
  }
  if (known.uvRetries !== undefined && now.uvRetries !== undefined && now.uvRetries < known.uvRetries) {
    findings.push({ code: 'uv_retries_dropped', before: known.uvRetries, after: now.uvRetries });
  }
  // A key that reports 0 does not keep a counter; only a counting key can show unlogged use.
  if (now.signCount !== 0 || known.signCount !== 0) {
    if (now.signCount <= known.signCount) findings.push({ code: 'counter_went_back', before: known.signCount, after: now.signCount });
    else if (now.signCount - known.signCount > explainedUses) findings.push({ code: 'counter_unexplained', before: known.signCount, after: now.signCount, explainedUses });
  }
  const fields = [
    ['aaguid', known.aaguid, now.aaguid],
    ['firmwareVersion', known.firmwareVersion, now.firmwareVersion],
    ['versions', [...known.versions].sort(), [...now.versions].sort()],
    ['options', known.options, now.options],
  ] as const;
  for (const [field, before, after] of fields) {
    if (stable(before) !== stable(after)) findings.push({ code: 'getinfo_changed', field, before: stable(before), after: stable(after) });
  }
  return findings;
}

export function presenceResult(findings: readonly PresenceFinding[]): PresenceResult {
  if (findings.some((f) => f.code === 'no_answer')) return 'missing';
  return findings.some((f) => !isPresenceNote(f)) ? 'anomaly' : 'ok';
}

/** One sentence per finding, for screens, the CLI and reports. */
export function describeFinding(finding: PresenceFinding): string {
  switch (finding.code) {
    case 'pin_retries_dropped':
      return `PIN retries dropped from ${finding.before} to ${finding.after}: someone tried wrong PINs since the last check`;
    case 'uv_retries_dropped':
      return `fingerprint retries dropped from ${finding.before} to ${finding.after}: someone tried a finger the key does not know since the last check`;
    case 'counter_unexplained':
      return `signature counter went from ${finding.before} to ${finding.after}, ${finding.after - finding.before - finding.explainedUses} use(s) more than the ledger explains`;
    case 'counter_went_back':
      return `signature counter went back from ${finding.before} to ${finding.after}: possibly a different or cloned key`;
    case 'getinfo_changed':
      return `the key's ${finding.field} changed from ${finding.before} to ${finding.after}`;
    case 'credential_missing':
      return "Keyward's enrolled credential is not on this key: it is not the key that was enrolled";
    case 'signature_invalid':
      return `the key's signature did not verify: ${finding.detail}`;
    case 'no_answer':
      return `no answer from the key: ${finding.detail}`;
    case 'non_canonical_encoding':
      return `note: the key's responses are not canonical CBOR, read tolerantly (${finding.detail})`;
  }
}
