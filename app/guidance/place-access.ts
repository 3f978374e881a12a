import { KeywardError } from '../../core/errors';
import { parseText } from '../../core/inventory/inventory';
import { PEOPLE_MAX, PERSON_NAME_MAX, accessChanges, latestAccessLists, type AccessList, type PlaceAccessView } from '../../core/guidance/place-access';
import { listAuthenticators } from '../../db/authenticators';
import { appendEntry, entriesOfKinds } from '../../db/ledger';
import { findPlaceByName, listPlaces } from '../../db/places';
import { recorded, type Session } from '../ports';

/** The newest access list of each place, keyed by the place's name as it is now. */
export function accessListsByPlace(session: Pick<Session, 'db'>): Map<string, AccessList> {
  const lists = latestAccessLists(entriesOfKinds(session.db, ['posture.place_access']));
  return new Map(listPlaces(session.db).flatMap((p) => {
    const list = lists.get(p.id);
    return list ? [[p.name, { ...list, place: p.name }] as const] : [];
  }));
}

/** Every storage place with what it holds and who can open it. */
export function readPlaceAccess(session: Pick<Session, 'db'>): PlaceAccessView[] {
  const lists = accessListsByPlace(session);
  const items = listAuthenticators(session.db).filter((a) => !a.simulated && a.accountUpn !== null && a.state !== 'retired' && a.state !== 'lost');
  return listPlaces(session.db).map((p) => ({ place: p.name, items: items.filter((a) => a.placeName === p.name).map((a) => a.label), access: lists.get(p.name) ?? null }));
}

function parsePeople(value: unknown, place: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new KeywardError('invalid_input', `people: name at least one person who can open ${place}`, 'people');
  if (value.length > PEOPLE_MAX) throw new KeywardError('invalid_input', `people: at most ${PEOPLE_MAX} names per place (got ${value.length})`, 'people');
  const people = value.map((v, i) => parseText(v, `people[${i + 1}]`, { required: true, max: PERSON_NAME_MAX }));
  const seen = new Map<string, string>();
  for (const person of people) {
    const twice = seen.get(person.toLowerCase());
    if (twice) throw new KeywardError('invalid_input', `people: ${person} is named twice${twice === person ? '' : ` (as "${twice}")`}`, 'people');
    seen.set(person.toLowerCase(), person);
  }
  return people;
}

/**
 * Records the whole list of people who can open a place (the list replaces the last one; the same
 * list again confirms it, which keeps it fresh). The entry says who was added and who removed.
 */
export function recordPlaceAccess(session: Session, input: Record<string, unknown>): AccessList {
  const name = parseText(input.place, 'place', { required: true, max: 80 });
  return recorded(session, (at) => {
    const place = findPlaceByName(session.db, name);
    if (!place) throw new KeywardError('not_found', `no storage place named "${name}"`, 'place');
    const people = parsePeople(input.people, place.name);
    const before = accessListsByPlace(session).get(place.name)?.people ?? [];
    const { added, removed } = accessChanges(before, people);
    const entry = appendEntry(session.db, { kind: 'posture.place_access', actors: [session.actor], payload: { placeId: place.id, place: place.name, people, added, removed } }, at);
    return { placeId: place.id, place: place.name, people, seq: entry.seq, recordedAt: entry.recordedAt, by: session.actor.name };
  });
}
