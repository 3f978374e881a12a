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
const newCard = (days: number, misbehaviour?: PivCardMisbehaviour, keyKind: 'ec-p256' | 'rsa-2048' = 'ec-p256', serial?: number) =>
  new SoftwarePivCard(newPivCardState({ holder: { commonName: 'Break Glass 1', organisation: 'Contoso' }, upn: UPN, notBefore: new Date(NOW - 30 * DAY), notAfter: new Date(NOW + days * DAY), keyKind, serial }), misbehaviour);

describe.skipIf(unavailable)('smartcards through a real PC/SC stack (pcscd + vpcd virtual reader)', () => {
  const dir = temporaryDirectory('keyward-pcsc-');
  const db = join(dir.path, 'keyward.db');
  const keyward = keywardAt(db, dir.path);
  let pcscd = { stop: async () => undefined as void, started: false };
  let inserted: VpcdCard | undefined;
  // Publishes its serial as a YubiKey 5 does (GET SERIAL).
  const healthy = newCard(400, undefined, 'ec-p256', 11409355);

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
    expect(enrolled.stdout).toContain('; card serial 11409355; PIN retries 3, PUK retries 3)');
    expect(enrolled.stderr).toContain('no PIN is asked for');
    expect(lastEntry()).toMatchObject({ kind: 'smartcard.enrolled', payload: { guid: healthy.state.guid, account: UPN, drill: false, possession: { valid: true }, pinRetries: 3, pukRetries: 3, cardSerial: '11409355' } });
    expect((await keyward('card', 'readers')).stdout).toMatch(/card serial 11409355.*SC-01/);
    // Never a PIN: every VERIFY (INS 20) that reached the card was the bare four bytes that ask for the PIN (80) or PUK (81) counter.
    const verifies = inserted!.commands.filter((c) => c.slice(2, 4) === '20');
    expect(verifies.length).toBeGreaterThan(0);
    expect(new Set(verifies)).toEqual(new Set(['00200080', '00200081']));
  });

  it('checks it: present, the same card, possession proven', async () => {
    const check = await keyward('check');
    expect(check.code).toBe(0);
    expect(check.stderr).toContain('1 of 1 — insert the card labelled SC-01 into a reader');
    expect(check.stdout).toMatch(/SC-01\s+OK/);
    expect(lastEntry()).toMatchObject({ kind: 'presence.checked', payload: { kind: 'smartcard', result: 'ok', reader: VPCD_READERS[0], possession: { valid: true, slot: '9E' } } });
  });

  it('reads the PIN retry counter at each check: wrong PINs tried in between are an anomaly and a critical finding', async () => {
    healthy.state.pinRetries = 1;
    const check = await keyward('check', '--key', 'SC-01');
    expect(check, JSON.stringify(check)).toMatchObject({ code: 2 });
    expect(check.stdout).toMatch(/SC-01\s+ANOMALY\s+PIN retries dropped from 3 to 1: someone tried a wrong PIN since the last check/);
    expect(lastEntry()).toMatchObject({ kind: 'presence.checked', payload: { result: 'anomaly', before: { pinRetries: 3 }, after: { pinRetries: 1, pukRetries: 3, cardSerial: '11409355' } } });
    expect((await keyward('findings', 'list')).stdout).toMatch(/critical\s+open\s+\S+\s+SC-01: the key is not as it was/);
    expect(inserted!.commands.filter((c) => c.slice(2, 4) === '20').every((c) => c.length === 8)).toBe(true);
    healthy.state.pinRetries = 3;
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
