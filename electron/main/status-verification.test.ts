import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerSeal } from '../../app/inventory/inventory';
import { openTestSession } from '../../test/support/session';
import { tamper } from '../../test/support/tamper';
import { createIpcRouter, type IpcRouter } from './router';

const APP = { url: 'app://keyward/index.html' };

describe('status:get over IPC', () => {
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
});
