import { KeywardError } from '../../core/errors';
import { describeFinding } from '../../core/presence/presence';
import { describeCardFinding } from '../../core/cards/smartcard';
import { listAuthenticators } from '../../db/authenticators';
import { runCardCheck, type CardCheckResult } from '../cards/card-check';
import type { CardSource } from '../cards/card-sources';
import type { KeySource } from './key-sources';
import { isCheckable, runPresenceCheck, type CheckProgress, type KeyCheckResult } from './presence-check';
import type { Session } from '../ports';

export type CheckResult = (KeyCheckResult & { readonly kind: 'fido2' }) | CardCheckResult;

export interface FullCheckOptions {
  /** One key or card by id or label; every enrolled key and card when absent. */
  readonly item?: string;
  readonly touchTimeoutMs?: number;
  readonly insertTimeoutMs?: number;
}

/**
 * The quarterly check of everything enrolled: the FIDO2 keys first, then the smartcards, numbered
 * as one list. Drill mode checks the drill keys and drill cards instead.
 */
export async function runFullCheck(
  session: Session,
  sources: { readonly keys: KeySource; readonly cards: CardSource },
  options: FullCheckOptions = {},
  onProgress: (progress: CheckProgress & { readonly kind: 'fido2' | 'smartcard' }) => void = () => undefined,
): Promise<CheckResult[]> {
  const simulated = sources.keys.simulated;
  const wanted = (a: { id: number; label: string }) => !options.item || String(a.id) === options.item || a.label.toLowerCase() === options.item.toLowerCase();
  const all = listAuthenticators(session.db).filter(wanted);
  const keys = all.filter((a) => isCheckable(a, 'fido2', simulated));
  const cards = all.filter((a) => isCheckable(a, 'smartcard', simulated));
  const what = simulated ? 'drill key or drill card' : 'FIDO2 key or smartcard';
  if (keys.length + cards.length === 0) {
    throw new KeywardError('not_found', options.item ? `no enrolled ${what} with id or label "${options.item}"` : `there is no enrolled ${what} to check; enrol one first`, 'key');
  }
  const total = keys.length + cards.length;
  const results: CheckResult[] = [];
  if (keys.length) {
    const checked = await runPresenceCheck(session, sources.keys, { key: options.item, touchTimeoutMs: options.touchTimeoutMs, position: { offset: 0, total } }, (p) => onProgress({ ...p, kind: 'fido2' }));
    results.push(...checked.map((r) => ({ ...r, kind: 'fido2' as const })));
  }
  if (cards.length) {
    const checked = await runCardCheck(session, sources.cards, { card: options.item, insertTimeoutMs: options.insertTimeoutMs, position: { offset: keys.length, total } }, (p) => onProgress({ ...p, kind: 'smartcard' }));
    results.push(...checked);
  }
  return results;
}

/** Each finding of a key or card result, in words. */
export const findingTexts = (r: CheckResult): string[] => (r.kind === 'smartcard' ? r.findings.map(describeCardFinding) : r.findings.map(describeFinding));
