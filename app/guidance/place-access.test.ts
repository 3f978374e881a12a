import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHead } from '../../db/ledger';
import { entriesOfKinds } from '../../db/ledger';
import { ACCOUNT_1, openTestSession, steppingClock } from '../../test/support/session';
import { listFindings } from '../findings/findings';
import { addAccount, addAuthenticator, addPlace } from '../inventory/inventory';
import { verifyStoredLedger } from '../ledger/ledger';
import { assessPosture } from './posture';
import { readPlaceAccess, recordPlaceAccess } from './place-access';

describe('who can open each storage place', () => {
  let s: ReturnType<typeof openTestSession>;
  beforeEach(() => {
    s = openTestSession();
    addAccount(s, ACCOUNT_1);
    addPlace(s, { name: 'HQ safe A' });
    addPlace(s, { name: 'DR safe B' });
    addAuthenticator(s, { kind: 'fido2', label: 'YK-01', place: 'HQ safe A', account: ACCOUNT_1.upn });
  });
  afterEach(() => s.close());
  const rule = () => assessPosture(s).find((r) => r.id === 'device-reachable')!;

  it('refuses a list it cannot keep, with the field and the reason, and changes nothing', () => {
    const head = readHead(s.db);
    expect(() => recordPlaceAccess(s, { place: 'Cellar', people: ['Carol Example'] })).toThrow(/no storage place named "Cellar"/);
    expect(() => recordPlaceAccess(s, { place: 'HQ safe A', people: [] })).toThrow(/name at least one person who can open HQ safe A/);
    expect(() => recordPlaceAccess(s, { place: 'HQ safe A', people: 'Carol Example' })).toThrow(/name at least one person/);
    expect(() => recordPlaceAccess(s, { place: 'HQ safe A', people: ['Carol Example', 'carol example'] })).toThrow(/carol example is named twice \(as "Carol Example"\)/);
    expect(() => recordPlaceAccess(s, { place: 'HQ safe A', people: ['Carol Example', ''] })).toThrow(/people\[2\] is required/);
    expect(() => recordPlaceAccess(s, { place: 'HQ safe A', people: Array.from({ length: 51 }, (_, i) => `P${i}`) })).toThrow(/at most 50 names/);
    expect(() => recordPlaceAccess(s, { people: ['Carol Example'] })).toThrow(/place is required/);
    expect(readHead(s.db)).toEqual(head);
  });

  it('records each list as a ledger entry naming who was added and removed, and posture follows the newest', () => {
    expect(rule()).toMatchObject({ result: 'fail', evidence: expect.stringContaining('nobody is recorded with access to HQ safe A') });
    recordPlaceAccess(s, { place: 'HQ safe A', people: ['Carol Example', 'Dan Example'] });
    expect(rule()).toMatchObject({ result: 'pass', sources: [{ file: 'access list of HQ safe A' }] });
    const changed = recordPlaceAccess(s, { place: 'HQ safe A', people: ['Dan Example', 'Erin Example'] });
    const entries = entriesOfKinds(s.db, ['posture.place_access']);
    expect(entries.map((e) => e.payload)).toEqual([
      { placeId: 1, place: 'HQ safe A', people: ['Carol Example', 'Dan Example'], added: ['Carol Example', 'Dan Example'], removed: [] },
      { placeId: 1, place: 'HQ safe A', people: ['Dan Example', 'Erin Example'], added: ['Erin Example'], removed: ['Carol Example'] },
    ]);
    expect(entries[1]!.actors).toEqual([s.actor]);
    expect(readPlaceAccess(s)).toEqual([
      { place: 'DR safe B', items: [], access: null },
      { place: 'HQ safe A', items: ['YK-01'], access: { placeId: 1, place: 'HQ safe A', people: ['Dan Example', 'Erin Example'], seq: changed.seq, recordedAt: changed.recordedAt, by: 'test-operator' } },
    ]);
    recordPlaceAccess(s, { place: 'HQ safe A', people: ['Dan Example'] });
    expect(rule()).toMatchObject({ result: 'fail', evidence: expect.stringContaining('only Dan Example can open HQ safe A') });
    expect(verifyStoredLedger(s.db).ok).toBe(true);
  });

  it('goes stale once the list is older than the evidence interval, and says to record it again rather than to import from Entra', () => {
    recordPlaceAccess(s, { place: 'HQ safe A', people: ['Carol Example', 'Dan Example'] });
    const later = { ...s, clock: steppingClock('2027-03-15T09:00:00.000Z') };
    expect(assessPosture(later).find((r) => r.id === 'device-reachable')).toMatchObject({ result: 'stale' });
    const stale = listFindings(later).find((f) => f.id === 'posture-stale:device-reachable');
    expect(stale).toMatchObject({ severity: 'warning', nextStep: expect.stringContaining('keyward place access --place NAME --person NAME') });
    expect(stale!.nextStep).not.toMatch(/import entra/);
  });
});
