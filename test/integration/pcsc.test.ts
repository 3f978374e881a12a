import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftwarePivCard, newPivCardState, type PivCardMisbehaviour } from '../../native/piv-card/software-piv-card';
import { keywardAt } from '../support/cli';
import { killAfter } from '../support/children';
import { VPCD_PORTS, VPCD_READERS, VpcdCard, pcscUnavailable, startPcscd } from '../support/pcsc-lab';
import { steppingClock, temporaryDirectory } from '../support/session';

const unavailable = pcscUnavailable();
if (unavailable) console.warn(`[pcsc] SKIPPED on this machine: ${unavailable}`);

const UPN = 'bg1@contoso.onmicrosoft.com';
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-25T09:00:00Z');
const newCard = (days: number, misbehaviour?: PivCardMisbehaviour, keyKind: 'ec-p256' | 'rsa-2048' = 'ec-p256') =>
  new SoftwarePivCard(newPivCardState({ holder: { commonName: 'Break Glass 1', organisation: 'Contoso' }, upn: UPN, notBefore: new Date(NOW - 30 * DAY), notAfter: new Date(NOW + days * DAY), keyKind }), misbehaviour);

describe.skipIf(unavailable)('smartcards through a real PC/SC stack (pcscd + vpcd virtual reader)', () => {
  const dir = temporaryDirectory('keyward-pcsc-');
  const db = join(dir.path, 'keyward.db');
  const keyward = keywardAt(db, dir.path);
  let pcscd = { stop: async () => undefined as void, started: false };
  let inserted: VpcdCard | undefined;
  const healthy = newCard(400);

  const insert = async (card: SoftwarePivCard, port: number = VPCD_PORTS[0]) => {
    await inserted?.remove();
    inserted = await VpcdCard.insert(card, port);
    return inserted;
  };
  const head = () => {
    const d = new Database(db, { readonly: true });
    try {
      return d.prepare('SELECT seq, hash FROM ledger_entries ORDER BY seq DESC LIMIT 1').get();
    } finally {
      d.close();
    }
  };
  const lastEntry = () => {
    const d = new Database(db, { readonly: true });
    try {
      return JSON.parse(d.prepare('SELECT body FROM ledger_entries ORDER BY seq DESC LIMIT 1').pluck().get() as string) as { kind: string; payload: Record<string, unknown> };
    } finally {
      d.close();
    }
  };

  beforeAll(async () => {
    pcscd = await startPcscd();
    await keyward('init');
    await keyward('account', 'add', '--upn', UPN, '--object-id', '3f2504e0-4f89-11d3-9a0c-0305e82c3301', '--label', 'Break glass 1');
    await keyward('place', 'add', '--name', 'HQ safe A');
  }, 30_000);
  afterAll(async () => {
    await inserted?.remove();
    await pcscd.stop();
    dir.remove();
  });

  it('lists the readers from the command line, as a person runs it', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(process.cwd(), 'cli/bin/keyward.mjs'), '--db', db, 'card', 'readers', '--json'], killAfter(25_000));
    const readers = JSON.parse(stdout) as { name: string; cardPresent: boolean }[];
    expect(readers.map((r) => [r.name, r.cardPresent])).toEqual(VPCD_READERS.map((name) => [name, false]));
  });

  it('enrols a healthy card read through pcscd, binding it to its account', async () => {
    await insert(healthy);
    const listed = await keyward('card', 'readers');
    expect(listed.stdout).toContain(`GUID ${healthy.state.guid}`);
    expect(listed.stdout).toContain('not enrolled');
    const enrolled = await keyward('card', 'enroll', '--label', 'SC-01', '--account', UPN, '--place', 'HQ safe A');
    expect(enrolled).toMatchObject({ code: 0, stdout: expect.stringContaining(`enrolled smartcard "SC-01" from ${VPCD_READERS[0]}`) });
    expect(enrolled.stderr).toContain('no PIN is asked for');
    expect(lastEntry()).toMatchObject({ kind: 'smartcard.enrolled', payload: { guid: healthy.state.guid, account: UPN, drill: false, possession: { valid: true } } });
    expect((await keyward('card', 'readers')).stdout).toMatch(/SC-01/);
    // Never a PIN: no VERIFY (INS 20) ever reached the card.
    expect(inserted!.commands.some((c) => c.slice(2, 4) === '20')).toBe(false);
  });

  it('checks it: present, the same card, possession proven', async () => {
    const check = await keyward('check');
    expect(check.code).toBe(0);
    expect(check.stderr).toContain('1 of 1 — insert the card labelled SC-01 into a reader');
    expect(check.stdout).toMatch(/SC-01\s+OK/);
    expect(lastEntry()).toMatchObject({ kind: 'presence.checked', payload: { kind: 'smartcard', result: 'ok', reader: VPCD_READERS[0], possession: { valid: true, slot: '9E' } } });
  });

  it('finds a different card with the same label an anomaly, in either reader', async () => {
    await insert(newCard(400), VPCD_PORTS[1]);
    const check = await keyward('check', '--json');
    expect(check.code).toBe(2);
    const report = JSON.parse(check.stdout) as { results: { result: string; findings: { code: string; text: string }[] }[] };
    expect(report.results[0]).toMatchObject({ result: 'anomaly', findings: [{ code: 'different_card', text: expect.stringContaining('not the card that was enrolled') }] });
  });

  it('notes a certificate expiring within the window, fails an expired one, and posture follows', async () => {
    await insert(newCard(30, undefined, 'rsa-2048'));
    expect((await keyward('card', 'enroll', '--label', 'SC-02', '--account', UPN, '--place', 'HQ safe A')).stdout).toMatch(/WARNING: the PIV Authentication certificate expires in 29 day\(s\)/);
    const soon = await keyward('check', '--key', 'SC-02');
    expect(soon, JSON.stringify(soon)).toMatchObject({ code: 0 });
    expect(soon.stdout).toMatch(/SC-02\s+OK\s+the PIV Authentication certificate expires on \d{4}-\d\d-\d\d, in 30 day\(s\)/);
    expect((await keyward('posture')).stdout).toMatch(/WARN\s+No credential that expires unnoticed/);

    const later = keywardAt(db, dir.path, steppingClock('2027-01-01T09:00:00.000Z'));
    const expired = await later('check', '--key', 'SC-02');
    expect(expired.code).toBe(2);
    expect(expired.stdout).toMatch(/SC-02\s+ANOMALY\s+the PIV Authentication certificate expired on/);
    const posture = await later('posture', '--json');
    expect(JSON.parse(posture.stdout).rules.find((r: { id: string }) => r.id === 'no-expiry')).toMatchObject({ result: 'fail' });
  });

  it('records a card pulled out mid-read as missing and keeps what it knew', async () => {
    const card = await insert(healthy);
    card.removeAfter(3);
    const check = await keyward('check', '--key', 'SC-01');
    expect(check, JSON.stringify(check)).toMatchObject({ code: 2 });
    expect(check.stdout).toMatch(/SC-01\s+MISSING\s+no answer from the card: .*(removed|failed to communicate)/);
    await insert(healthy);
    expect((await keyward('check', '--key', 'SC-01')).code).toBe(0);
  });

  it.each([
    ['garbage', /could not be read: GET DATA 5FC102: tag DE has a 45-byte length field/],
    ['truncated', /could not be read: .*(truncated answer|failed to communicate|SCardTransmit)/],
    ['short-object', /could not be read: GET DATA 5FC102: .*truncated answer/],
  ] as const)('refuses to enrol a card answering %s, with a clear error and nothing written', async (misbehaviour, message) => {
    await insert(newCard(400, misbehaviour));
    const before = head();
    const enrolled = await keyward('card', 'enroll', '--label', 'SC-09');
    expect(enrolled.code).toBe(1);
    expect(enrolled.stderr).toMatch(message);
    expect(head()).toEqual(before);
    expect((await keyward('inventory', '--json')).stdout).not.toContain('SC-09');
  });

  it('says how to start the PC/SC service when it is not running', async (context) => {
    if (!pcscd.started) context.skip();
    await inserted?.remove();
    inserted = undefined;
    await pcscd.stop();
    const readers = await keyward('card', 'readers');
    expect(readers).toMatchObject({ code: 1, stderr: expect.stringContaining('the PC/SC service is not running (pcscd on Linux, the Smart Card service on Windows): start it') });
  });
});
