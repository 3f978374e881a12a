import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerSeal } from '../../app/inventory/inventory';
import { openTestSession } from '../../test/support/session';
import { tamper } from '../../test/support/tamper';
import { createIpcRouter, type IpcRouter } from './router';

const APP = { url: 'app://keyward/index.html' };

describe('status:get and findings:list over IPC', () => {
  let s: ReturnType<typeof openTestSession>;
  let router: IpcRouter;
  beforeEach(() => {
    s = openTestSession();
    router = createIpcRouter({ session: s, trustedOrigin: 'app://keyward' });
  });
  afterEach(() => s.close());

  const header = async () => ((await router.handle('status:get', undefined, APP)) as { value: { ledger: { entries: number }; findings: { ledgerVerified: boolean; ledgerProblem: string | null } } }).value;

  it('shows the ledger verified as it grows, and not verified once another process changed an old entry', async () => {
    for (const serial of ['S-1', 'S-2', 'S-3']) registerSeal(s, { serial });
    expect((await header()).findings).toMatchObject({ ledgerVerified: true, ledgerProblem: null });
    registerSeal(s, { serial: 'S-4' });
    const grown = await header();
    expect(grown.findings.ledgerVerified).toBe(true);
    const seq = s.db.prepare('SELECT seq FROM ledger_entries WHERE body LIKE ?').pluck().get('%"S-2"%') as number;
    tamper(s.path, (other) => other.prepare("UPDATE ledger_entries SET body = replace(body, 'S-2', 'S-9') WHERE seq = ?").run(seq));
    expect((await header()).findings).toMatchObject({ ledgerVerified: false, ledgerProblem: expect.stringContaining(`entry ${seq} was changed`) });
  });

  it('gives the Attention screen the same verdict as the header: the ledger finding appears once another process changed an old entry', async () => {
    const findings = async () => ((await router.handle('findings:list', {}, APP)) as { value: { kind: string; detail: string }[] }).value;
    for (const serial of ['S-1', 'S-2']) registerSeal(s, { serial });
    expect((await findings()).map((f) => f.kind)).not.toContain('ledger-unverified');
    registerSeal(s, { serial: 'S-3' });
    expect((await findings()).map((f) => f.kind)).not.toContain('ledger-unverified');
    const seq = s.db.prepare('SELECT seq FROM ledger_entries WHERE body LIKE ?').pluck().get('%"S-1"%') as number;
    tamper(s.path, (other) => other.prepare("UPDATE ledger_entries SET body = replace(body, 'S-1', 'S-9') WHERE seq = ?").run(seq));
    expect(await findings()).toContainEqual(expect.objectContaining({ kind: 'ledger-unverified', detail: expect.stringContaining(`entry ${seq}`) }));
  });
});
