import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killAfter } from '../support/children';
import { custodiansOf } from '../support/circle';
import { recordCheckpoint } from '../../app/ledger/checkpoints';
import { checkOut, countersign, returnItem, type CustodySources } from '../../app/custody/custody';
import { enrolKey } from '../../app/presence/enrolment';
import { addAccount, addPlace, registerSeal } from '../../app/inventory/inventory';
import { drillKeySource } from '../../app/presence/key-sources';
import { drillCardSource } from '../../app/cards/card-sources';
import { enrolCard } from '../../app/cards/card-enrolment';
import { ledgerHead } from '../../app/ledger/ledger';
import { runPresenceCheck } from '../../app/presence/presence-check';
import { proveNetworkPaths } from '../../app/netpath/prove';
import { loadDrillKey, saveDrillKey } from '../../db/drill-keys';
import { buildCustodyReport, gatherCustodyReport } from '../../app/reports/report';
import { rowCount } from '../../core/reports/report';
import { appendEntry } from '../../db/ledger';
import { writeReportPdf } from '../../app/reports/report-pdf';
import { importSignIns } from '../../app/guidance/signins';
import { roomWithHistory } from '../support/custody-history';
import { openTestSession } from '../support/session';

const available = spawnSync('pdftotext', ['-v']).status === 0;
if (!available) console.warn('[report] SKIPPED on this machine: pdftotext (poppler-utils) is not installed');

const text = (pdf: string) => execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', ...killAfter(20_000) });
const pageSize = (pdf: string) => /Page size:\s+([\d.]+) x ([\d.]+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8', ...killAfter(20_000) }))!.slice(1).map(Number);
const zbarAvailable = spawnSync('zbarimg', ['--version']).status === 0;
if (!zbarAvailable) console.warn('[report] QR read-back SKIPPED on this machine: zbarimg (zbar-tools) is not installed');
/** Renders a page and reads its QR codes with an independent decoder. */
const qrCodesOn = (pdf: string, page: number, dir: string) => {
  const png = join(dir, `qr-page-${page}`);
  execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', '-f', String(page), '-l', String(page), pdf, png], killAfter(20_000));
  const read = execFileSync('zbarimg', ['-q', '--raw', '--set', '*.enable=0', '--set', 'qrcode.enable=1', `${png}.png`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], ...killAfter(20_000) });
  return [...new Set(read.trim().split('\n'))];
};
/** A verdict the report must set in the alert red (#b00000): the words of ANOMALY, OVERDUE, NOT MET, an incident, a torn seal, a missing witness, a critical finding. */
const VERDICT = /^\W*(ANOMALY|OVERDUE|INCIDENT|TAMPERED|CRITICAL|MET|WITNESS)\W*$/;
const VERDICT_PAIRS: Record<string, string> = { MET: 'NOT', WITNESS: 'NO' };
/**
 * Every verdict word of the PDF with the pixels of alert red inside its own box (pdftotext -bbox,
 * the page drawn at 150 dpi), so that a verdict left black on any page is found, however much
 * red the rest of its page holds; and the same count for each section heading, which is never red.
 */
const verdictColours = (pdf: string, pages: number) => {
  const found: { text: string; page: number; red: number }[] = [];
  const headings: { text: string; page: number; red: number }[] = [];
  for (let page = 1; page <= pages; page += 1) {
    const html = execFileSync('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), pdf, '-'], { encoding: 'utf8', ...killAfter(20_000) });
    const words = [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({ text: m[5]!, box: m.slice(1, 5).map(Number) as [number, number, number, number] }));
    const ppm = execFileSync('pdftoppm', ['-r', '150', '-singlefile', '-f', String(page), '-l', String(page), pdf], { maxBuffer: 1 << 26, ...killAfter(20_000) });
    const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'))!;
    const width = Number(header[1]);
    const redIn = ([x0, y0, x1, y1]: [number, number, number, number]) => {
      let red = 0;
      const scale = 150 / 72;
      for (let y = Math.floor(y0 * scale); y < Math.ceil(y1 * scale); y += 1) {
        for (let x = Math.floor(x0 * scale); x < Math.ceil(x1 * scale); x += 1) {
          const i = header[0].length + (y * width + x) * 3;
          if (ppm[i]! > 140 && ppm[i + 1]! < 80 && ppm[i + 2]! < 80) red += 1;
        }
      }
      return red;
    };
    words.forEach((word, i) => {
      const verdict = VERDICT.exec(word.text)?.[1];
      const pair = verdict && VERDICT_PAIRS[verdict];
      if (verdict && (!pair || words[i - 1]?.text === pair)) found.push({ text: pair ? `${pair} ${verdict}` : verdict, page, red: redIn(word.box) });
      const heading = SECTIONS.find((title) => title === words.slice(i, i + title.split(' ').length).map((w) => w.text).join(' '));
      if (heading) headings.push({ text: heading, page, red: redIn(word.box) });
    });
  }
  return { found, headings };
};
/** No page ends on a section heading whose content went to the next page. */
const expectNoHeadingAtFootOfPage = (pdf: string, pages: number) => {
  const byPage = text(pdf).split('\f'); // one reading, each page ended by a form feed
  for (let page = 1; page <= pages; page += 1) {
    const lines = byPage[page - 1]!.split('\n').map((l) => l.trim()).filter(Boolean);
    const body = lines.filter((l) => !l.startsWith('Keyward report ') && !l.startsWith('ledger head '));
    expect(SECTIONS, `page ${page} of ${pdf} ends on a heading`).not.toContain(body.at(-1));
  }
};
const SECTIONS = ['Findings', 'Emergency access accounts', 'Authenticators', 'Out now and overdue', 'Transactions in the period', 'Smartcard certificates', 'Presence checks', 'Network path proofs', 'Posture against the guidance', 'Validation status', 'Signed checkpoints', 'Signatures', 'How to verify this report'];

describe.skipIf(!available)(`the custody report PDF${available ? '' : ' — SKIPPED: pdftotext not installed'}`, () => {
  let s: ReturnType<typeof openTestSession>;
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  it('holds every section, the head hash on every page, and every transaction of the period', async () => {
    const sources: CustodySources = { custodianKeys: drillKeySource(s.db, { store: 'custodians' }), emergencyKeys: drillKeySource(s.db), emergencyCards: drillCardSource(s.db) };
    addAccount(s, { upn: 'bg1@contoso.onmicrosoft.com', objectId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', label: 'Break glass 1' });
    addPlace(s, { name: 'HQ safe A', site: 'Zürich HQ' });
    // Items are bound to the account while the room is set up, before the circle of custodians is founded.
    const yk01 = await enrolKey(s, sources.emergencyKeys, { label: 'YK-01', place: 'HQ safe A', account: 'bg1@contoso.onmicrosoft.com' });
    await enrolKey(s, sources.emergencyKeys, { label: 'YK-02', place: 'HQ safe A' });
    const card = await enrolCard(s, drillCardSource(s.db), { label: 'SC-01', place: 'HQ safe A', account: 'bg1@contoso.onmicrosoft.com' });
    await custodiansOf(s, sources.custodianKeys, ['Alice Müller', 'Bob Østergaard']);
    for (const serial of ['S-1', 'S-2', 'S-3', 'S-4', 'S-5']) registerSeal(s, { serial });
    const out = await checkOut(s, sources, { item: 'YK-01', custodian: 'Alice Müller', witness: 'Bob Østergaard', reason: 'drill', ticket: 'CHG-1042', expectedReturn: '4h', brokenSeal: 'S-1', sealIntact: true });
    const back = await returnItem(s, sources, { item: 'YK-01', custodian: 'Bob Østergaard', witness: 'Alice Müller', newSeal: 'S-2' });
    // Due back in seconds: overdue by the time the report is made.
    const emergency = await checkOut(s, sources, { item: 'YK-02', custodian: 'Alice Müller', reason: 'emergency', expectedReturn: '0.001h', brokenSeal: 'S-3', sealIntact: false, withoutWitness: true });
    const counter = await countersign(s, sources, { item: 'YK-02', custodian: 'Bob Østergaard' });
    await runPresenceCheck(s, sources.emergencyKeys, { key: 'YK-01' });
    // Someone guessed at YK-01's PIN since: the next check is an anomaly.
    saveDrillKey(s.db, yk01.id, { ...(loadDrillKey(s.db, yk01.id) as object), pinRetries: 5 });
    expect((await runPresenceCheck(s, sources.emergencyKeys, { key: 'YK-01' }))[0]?.result).toBe('anomaly');
    await checkOut(s, sources, { item: 'SC-01', custodian: 'Alice Müller', witness: 'Bob Østergaard', reason: 'maintenance', expectedReturn: '1h', brokenSeal: 'S-4', sealIntact: true });
    const cardBack = await returnItem(s, sources, { item: 'SC-01', custodian: 'Alice Müller', witness: 'Bob Østergaard', newSeal: 'S-5' });
    expect(cardBack.presence).toMatchObject({ result: 'ok', kind: 'smartcard' });
    // A sign-in of the account long after every checkout ended: an incident.
    const signIns = join(s.dir, 'signins.json');
    writeFileSync(signIns, JSON.stringify({ value: [{ id: 'si-0001', createdDateTime: '2026-11-26T03:14:00Z', userId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', userPrincipalName: 'bg1@contoso.onmicrosoft.com', appDisplayName: 'Azure Portal', ipAddress: '203.0.113.9', status: { errorCode: 0 }, conditionalAccessStatus: 'notApplied' }] }));
    importSignIns(s, signIns);
    // A proof with no interface to probe: requirement not met.
    expect((await proveNetworkPaths(s, { site: 'Zürich HQ' }, async () => [])).verdict).toBe('not_met');
    const checkpoint = await recordCheckpoint(s, sources.custodianKeys, { custodian: 'Alice Müller', witness: 'Bob Østergaard' });

    const report = buildCustodyReport(s, { from: '2026-11-01', to: '2026-11-30', organisation: 'Contoso Ltd', site: 'Zürich HQ', signatories: ['Carol Ng|Security officer', 'Alice Müller|Custodian'] });
    const pdf = join(s.dir, 'report.pdf');
    const { pages } = await writeReportPdf(report, pdf);
    const content = text(pdf);
    for (const section of SECTIONS) expect(content, section).toContain(section);
    for (const fact of ['Contoso Ltd', 'Zürich HQ', report.id, 'Carol Ng — Security officer', 'Alice Müller — Custodian', '(UTC+01:00)']) expect(content).toContain(fact);
    const head = ledgerHead(s.db).hash;
    expect(report.headHash).toBe(head);
    // Every page is footed with the report id, its number, and the head hash.
    for (let page = 1; page <= pages; page += 1) expect(content).toContain(`page ${page} of ${pages}`);
    expect(content.split(`ledger head ${head}`).length - 1).toBe(pages);
    expect(content).toContain(`keyward ledger verify --expect-head`);
    expectNoHeadingAtFootOfPage(pdf, pages);
    // No result word is split across lines in the posture table.
    expect(content).toMatch(/\bUNKNOWN\b/);
    expect(content).not.toMatch(/\bUNKNOW\s*\n/);
    // The QR code on every page reads back, with zbar, as the head hash.
    if (zbarAvailable) for (let page = 1; page <= pages; page += 1) expect(qrCodesOn(pdf, page, s.dir), `page ${page}`).toEqual([head]);
    // The new sections say what they hold: the incident, the custodians' keys, the seals, the verification.
    expect(content).toMatch(/INCIDENT\s+2026-11-26 04:14\s+bg1@contoso\.\S*\s+sign-in si-0001/);
    expect(content).toMatch(/Alice Müller\s+active\s+Keyward drill key/);
    expect(content).toMatch(/S-5\s+sealing an item\s+SC-01/);
    expect(content).toMatch(/Verified 2026-11-25 \d\d:\d\d \(UTC\+01:00\): \d+ entries/);
    // Each network proof names the site whose paths it proved.
    expect(content).toMatch(/Zürich HQ\s+NOT MET\s+/);
    // Tagged for assistive technology (PDF/UA structure), with its title and language.
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8', ...killAfter(20_000) });
    expect(info).toMatch(/Tagged:\s+yes/);
    expect(info).toContain(`Title:           Keyward custody report ${report.id}`);
    expect(readFileSync(pdf, 'latin1')).toContain('/Lang (en-GB)');
    const structure = execFileSync('pdfinfo', ['-struct', pdf], { encoding: 'utf8', ...killAfter(20_000) });
    for (const element of ['H1 (block)', 'Sect "Sign-in incidents"', 'Table (block)', '/Scope /Column', 'TD', 'Figure']) expect(structure).toContain(element);
    // Every ANOMALY, OVERDUE, NOT MET and incident (and torn seal, missing witness, critical finding) is red, each in its own place on whichever page it falls; headings are not.
    const colours = verdictColours(pdf, pages);
    for (const verdict of ['ANOMALY', 'OVERDUE', 'NOT MET', 'INCIDENT', 'TAMPERED', 'NO WITNESS']) expect(colours.found.map((v) => v.text), verdict).toContain(verdict);
    for (const verdict of colours.found) expect(verdict.red, `${verdict.text} on page ${verdict.page} is not red`).toBeGreaterThan(10);
    expect(colours.headings.length).toBeGreaterThan(5);
    for (const heading of colours.headings) expect(heading.red, `heading ${heading.text} on page ${heading.page}`).toBe(0);
    // Every transaction of the period, with its ledger entry number.
    for (const [seq, words] of [
      [out.entry.seq, /checked out\s+YK-01 \(drill\)\s+Alice Müller\s+Bob Østergaard\s+broke S-1 \(intact\)/],
      [back.entry.seq, /returned\s+YK-01 \(drill\)\s+Bob Østergaard\s+Alice Müller\s+sealed S-2; presence OK/],
      [emergency.entry.seq, /checked out\s+YK-02 \(drill\)\s+Alice Müller\s+NO WITNESS\s+broke S-3 \(TAMPERED\)/],
      [counter.entry.seq, /countersigned\s+YK-02 \(drill\)\s+Bob Østergaard/],
      [cardBack.entry.seq, /returned\s+SC-01 \(drill\)\s+Alice Müller\s+Bob Østergaard\s+sealed S-5; presence OK/],
    ] as const) {
      expect(content).toMatch(new RegExp(`\\n\\s*${seq}\\s+2026-11-25`));
      expect(content).toMatch(words);
    }
    expect(content).toMatch(/YK-02 \(drill\)\s+Alice Müller\s+NO WITNESS\s+emergency/); // out now
    // The card's certificate, by serial and expiry, in the smartcard section.
    expect(content).toContain('Certificates expiring within 90 days are flagged');
    expect(content).toContain(card.authenticator.serial.slice(0, 12));
    expect(content).toMatch(/SC-01 \(drill\)\s+O=Keyward drill,/);
    expect(content).toMatch(/2027-11-25\s+valid, 364 days/);
    expect(content).toMatch(new RegExp(`\\n\\s*1\\s+${checkpoint.seq}\\s+2026-11-25 \\d\\d:\\d\\d\\s+Alice Müller, Bob Østergaard\\s+${checkpoint.headHash.slice(0, 24)}`));
  }, 120_000);

  it('writes a long history whole, read from the ledger as it is written: every transaction up to the printed head, and its own page N of M and the head on every page', async () => {
    // Many windows of the ledger reader (256 seqs each): the rows come from several reads on each pass.
    await roomWithHistory(s, 1200);
    const report = gatherCustodyReport(s, { from: '2026-11-01', to: '2026-12-31' });
    const pdf = join(s.dir, 'history.pdf');
    const heard: [string, number, number][] = [];
    let late: number | null = null;
    const { pages } = await writeReportPdf(report, pdf, 'A4', (step, rows, of) => {
      heard.push([step, rows, of]);
      // An entry of the period appended while the report is written is not in it: the report stops at the head it prints.
      late ??= step === 'writing' ? appendEntry(s.db, { kind: 'custody.countersigned', actors: [s.actor], payload: { label: 'YK-01', checkoutSeq: 1, drill: true } }, { recordedAt: '2026-11-30T12:00:00.000Z', utcOffset: '+01:00' }).seq : null;
    });
    expect(late).toBeGreaterThan(report.headSeq);
    const head = report.headHash;
    const content = text(pdf);
    const byPage = content.split('\f').slice(0, -1); // pdftotext ends every page with a form feed
    expect(byPage).toHaveLength(pages);
    expect(pages).toBeGreaterThan(30);
    byPage.forEach((page, i) => {
      expect(page.match(/page \d+ of \d+/g), `page ${i + 1}`).toEqual([`page ${i + 1} of ${pages}`]);
      expect(page.split(`ledger head ${head}`), `page ${i + 1}`).toHaveLength(2);
    });
    const listed = [...content.matchAll(/^\s*(\d+)\s+2026-\d\d-\d\d \d\d:\d\d\s+(?:checked out|returned|countersigned)\s+YK-01 \(drill\)/gm)].map((m) => Number(m[1]));
    const recorded = s.db.prepare("SELECT seq FROM ledger_entries WHERE kind IN ('custody.checked_out', 'custody.returned') ORDER BY seq").pluck().all() as number[];
    expect(recorded).toHaveLength(1200);
    expect(listed).toEqual(recorded);
    // Progress: every row measured, then every row written, never going back.
    const rows = report.sections.reduce((n, section) => n + (section.table ? rowCount(section.table.rows) : 0), 0);
    expect(heard.filter(([step]) => step === 'measuring').at(-1)).toEqual(['measuring', rows, rows]);
    expect(heard.at(-1)).toEqual(['writing', rows, rows]);
    const written = heard.filter(([step]) => step === 'writing').map(([, done]) => done);
    expect(written).toEqual([...written].sort((a, b) => a - b));
  }, 120_000);

  it('breaks long tables across pages with the header repeated, and prints on US Letter when asked', async () => {
    for (let i = 0; i < 90; i += 1) addAccount(s, { upn: `bg${i}@contoso.onmicrosoft.com`, objectId: `3f2504e0-4f89-11d3-9a0c-${String(i).padStart(12, '0')}`, label: `Account ${i}` });
    const report = buildCustodyReport(s, { from: '2026-11-01', to: '2026-11-30' });
    const pdf = join(s.dir, 'long.pdf');
    const { pages } = await writeReportPdf(report, pdf, 'LETTER');
    expect(pages).toBeGreaterThan(2);
    const content = text(pdf);
    for (let i = 0; i < 90; i += 1) expect(content).toContain(`bg${i}@contoso.onmicrosoft.com`);
    expect((content.match(/UPN\s+Entra object id\s+Label/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(pageSize(pdf)).toEqual([612, 792]);
  });

  it('keeps every heading with the start of its section, however the pages fall', async () => {
    // Each step adds two accounts, pushing everything after the accounts table down by two rows
    // (less than a heading and what it keeps with it), so each later heading comes near the foot
    // of page 1 or 2 at least once.
    addPlace(s, { name: 'HQ safe A' });
    await enrolKey(s, drillKeySource(s.db), { label: 'YK-01', place: 'HQ safe A' });
    await runPresenceCheck(s, drillKeySource(s.db), {});
    for (let i = 0; i < 44; i += 1) {
      addAccount(s, { upn: `bg${i}@contoso.onmicrosoft.com`, objectId: `3f2504e0-4f89-11d3-9a0c-${String(i).padStart(12, '0')}` });
      if (i % 2 === 0) continue;
      const pdf = join(s.dir, `sweep-${i}.pdf`);
      const { pages } = await writeReportPdf(buildCustodyReport(s, { from: '2026-11-01', to: '2026-11-30' }), pdf);
      expectNoHeadingAtFootOfPage(pdf, pages);
    }
  }, 120_000);

  it('makes a valid report of an empty database that says there is nothing yet', async () => {
    const report = buildCustodyReport(s, { from: '2026-11-01', to: '2026-11-30' });
    const pdf = join(s.dir, 'empty.pdf');
    await writeReportPdf(report, pdf);
    const content = text(pdf);
    for (const line of ['No emergency accounts are recorded yet.', 'No authenticators are recorded yet.', 'Everything is in the safe: nothing is out.', 'No checkouts or returns in this period.', 'No presence checks in this period.', 'No network path proofs in this period.']) {
      expect(content).toContain(line);
    }
    expect(pageSize(pdf)).toEqual([595.28, 841.89]);
  });

  it('refuses a period that is not one, with a clear message', () => {
    expect(() => buildCustodyReport(s, { from: '2026-13-45', to: '2026-11-30' })).toThrow(/is not a date/);
    expect(() => buildCustodyReport(s, { from: '2026-12-01', to: '2026-11-30' })).toThrow(/ends before it starts/);
    expect(() => buildCustodyReport(s, { from: '2026-11-01', to: '2026-11-30', signatories: ['Carol Ng'] })).toThrow(/write "Name\|Role"/);
  });
});
