import { describe, expect, it } from 'vitest';
import { summariseEntry } from './entry-summary';
import { LEDGER_ENTRY_KINDS } from './ledger';

describe('the human summary of a ledger entry', () => {
  it('says every kind of entry in words, never by its kind name', () => {
    for (const kind of LEDGER_ENTRY_KINDS) expect(summariseEntry({ kind, payload: {}, actors: [] }), kind).not.toBe(kind);
  });

  it('names the item, the people, the reason, the seal and when a checkout is due back', () => {
    const summary = summariseEntry({
      kind: 'custody.checked_out',
      actors: [
        { role: 'custodian', name: 'Alice Example' },
        { role: 'witness', name: 'Bob Example' },
      ],
      payload: { label: 'YK-01', reason: 'maintenance', ticket: 'CHG-1042', brokenSeal: 'S-1', sealIntact: false, expectedReturnAt: '2026-11-25T17:00:00.000Z', drill: true },
    });
    expect(summary).toBe('YK-01 checked out by Alice Example, witness Bob Example; maintenance CHG-1042; seal S-1 broken (NOT intact); due back 2026-11-25 17:00 UTC (drill)');
  });

  it('puts a failed result, incidents and waivers in capitals', () => {
    expect(summariseEntry({ kind: 'presence.checked', actors: [], payload: { label: 'YK-02', result: 'anomaly', findings: [{}, {}] } })).toBe('Presence check of YK-02: ANOMALY, 2 findings');
    expect(summariseEntry({ kind: 'signins.reconciled', actors: [], payload: { explained: 3, incidents: [{}], incompleteDrills: [] } })).toBe('Sign-ins reconciled: 3 explained, 1 INCIDENT');
    expect(summariseEntry({ kind: 'validation.waived', actors: [], payload: { step: 'two-paths', by: 'Carol Example', reason: 'modem in repair' } })).toBe('Validation step "two-paths" WAIVED by Carol Example: modem in repair');
  });

  it('falls back to the kind for a kind it does not know (an entry from a newer Keyward)', () => {
    expect(summariseEntry({ kind: 'future.kind', payload: {}, actors: [] })).toBe('future.kind');
  });
});
