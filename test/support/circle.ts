import { enrolCustodianKey, foundCircle } from '../../app/custody/circle';
import type { Session } from '../../app/ports';
import type { KeySource } from '../../app/presence/key-sources';

/**
 * Custodians as a room has them: the first two found the circle together, every later one is
 * enrolled with the first two's approval.
 */
export async function custodiansOf(session: Session, keys: KeySource, names: readonly string[]): Promise<void> {
  const [first, second, ...rest] = names;
  await foundCircle(session, keys, { first, second });
  for (const name of rest) await enrolCustodianKey(session, keys, { name, approvers: [first, second] });
}
