/**
 * "Ensure that the device is accessible to all administrators who might need to use it during an
 * emergency": per storage place, the named people who can open it, recorded by hand (each record a
 * ledger entry holding the whole list and what changed). The rule: every place that holds an
 * emergency account's working key has at least two named people with access (one absence does not
 * put the key out of reach), and every active custodian can reach a working key of every account.
 */
import type { AccountFacts, BoundItem, Outcome } from './posture';
import type { EvidenceSource } from './tenant-evidence';
import type { ValidationEvent } from './validation';

/** Fewer named people than this at a place holding a key, and one absence puts the key out of reach. */
export const MIN_PEOPLE_PER_PLACE = 2;
export const PEOPLE_MAX = 50;
export const PERSON_NAME_MAX = 80;

export interface AccessList {
  readonly placeId: number;
  readonly place: string;
  readonly people: readonly string[];
  readonly seq: number;
  readonly recordedAt: string;
  readonly by: string;
}

/** A storage place as the access screens show it: what it holds and who can open it. */
export interface PlaceAccessView {
  readonly place: string;
  /** The real keys and cards kept there, bound to an emergency account and in service. */
  readonly items: readonly string[];
  /** The newest list recorded; null when nobody has been recorded yet. */
  readonly access: AccessList | null;
}

/** The newest list of each place (by its id), from the ledger's posture.place_access entries, oldest first. */
export function latestAccessLists(events: readonly (ValidationEvent & { readonly actors?: readonly { readonly name: string }[] })[]): Map<number, AccessList> {
  const lists = new Map<number, AccessList>();
  for (const e of events) {
    if (e.kind !== 'posture.place_access') continue;
    const people = Array.isArray(e.payload.people) ? e.payload.people.filter((p): p is string => typeof p === 'string') : [];
    lists.set(Number(e.payload.placeId), { placeId: Number(e.payload.placeId), place: String(e.payload.place ?? ''), people, seq: e.seq, recordedAt: e.recordedAt, by: e.actors?.[0]?.name ?? '' });
  }
  return lists;
}

const key = (name: string) => name.trim().toLowerCase();

/** Who was added and who removed between two lists of the same place, compared without regard to case. */
export function accessChanges(before: readonly string[], after: readonly string[]): { readonly added: string[]; readonly removed: string[] } {
  const was = new Set(before.map(key));
  const is = new Set(after.map(key));
  return { added: after.filter((p) => !was.has(key(p))), removed: before.filter((p) => !is.has(key(p))) };
}

export const accessSource = (list: AccessList): EvidenceSource => ({ file: `access list of ${list.place}`, seq: list.seq, recordedAt: list.recordedAt });

/** A key that can still be used: not lost (retired and drill items never reach the rules). */
const working = (k: BoundItem) => k.lost !== true;

export function deviceReachableRule(accounts: readonly AccountFacts[], lists: ReadonlyMap<string, AccessList>, custodians: readonly string[]): Outcome {
  if (accounts.length === 0) return { result: 'unknown', evidence: 'no emergency accounts are recorded' };
  const problems: string[] = [];
  const unknown: string[] = [];
  const placesUsed = new Map<string, string[]>();
  for (const a of accounts) {
    const keys = a.authenticators.filter(working);
    if (keys.length === 0) {
      unknown.push(`${a.upn}: no working authenticator bound`);
      continue;
    }
    const places = [...new Set(keys.flatMap((k) => (k.place ? [k.place] : [])))];
    if (places.length === 0) {
      problems.push(`${a.upn}: no working key is kept at a recorded place`);
      continue;
    }
    for (const p of places) placesUsed.set(p, [...(placesUsed.get(p) ?? []), ...keys.filter((k) => k.place === p).map((k) => k.label)]);
    const reach = new Set(places.flatMap((p) => (lists.get(p)?.people ?? []).map(key)));
    const cut = custodians.filter((c) => !reach.has(key(c)));
    if (cut.length) problems.push(`${cut.join(', ')} ${cut.length === 1 ? 'has' : 'have'} access to no place holding a key of ${a.upn} (${places.join(', ')})`);
  }
  const sources: EvidenceSource[] = [];
  const placeTexts = [...placesUsed].map(([place, labels]) => {
    const list = lists.get(place);
    if (!list) {
      problems.push(`nobody is recorded with access to ${place}`);
      return `${place} (${labels.join(', ')}): no access list recorded`;
    }
    sources.push(accessSource(list));
    if (list.people.length < MIN_PEOPLE_PER_PLACE) problems.push(`only ${list.people.length === 0 ? 'nobody' : list.people.join(', ')} can open ${place}: name at least ${MIN_PEOPLE_PER_PLACE} people with access`);
    return `${place} (${labels.join(', ')}): ${list.people.join(', ') || 'nobody'}`;
  });
  const evidence = [
    placeTexts.join('; ') || 'no key kept at a recorded place',
    problems.length ? `OUT OF REACH: ${problems.join('; ')}` : '',
    unknown.join('; '),
    custodians.length ? `custodians: ${custodians.join(', ')}` : 'no active custodian with a real key',
  ].filter(Boolean).join('; ');
  return { result: problems.length ? 'fail' : unknown.length ? 'unknown' : 'pass', evidence, sources, judged: [...placesUsed.keys(), ...accounts.map((a) => a.upn)] };
}
