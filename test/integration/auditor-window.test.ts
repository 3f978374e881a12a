import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME } from '../../app/paths';
import { IPC_INVOKE } from '../../electron/common/bridge';
import { APP_ORIGIN } from '../../electron/common/security';
import { auditorOfTwoSites } from '../support/auditor-sites';
import { killAfter } from '../support/children';
import { createFakeElectron, installFakeElectron, type FakeElectron } from '../support/fake-electron';

// The main process as built (dist/main/main.cjs), launched under Node with the recording stand-in
// for Electron that test/integration/main-process.test.ts uses, on an auditor database.

const root = fileURLToPath(new URL('../..', import.meta.url));
const requireHere = createRequire(import.meta.url);
const TRUSTED_FRAME = { senderFrame: { url: `${APP_ORIGIN}/index.html?mode=auditor` } };
let stage: string;
let sites: Awaited<ReturnType<typeof auditorOfTwoSites>>;

beforeAll(async () => {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  stage = mkdtempSync(join(root, '.tmp', 'auditor-window-'));
  const built = spawnSync(process.execPath, ['build/scripts/build.mjs', '--only=main,preload', `--out=${stage}/dist`], { cwd: root, encoding: 'utf8', ...killAfter(60_000) });
  if (built.status !== 0) throw new Error(`build/scripts/build.mjs failed: ${built.stderr || built.error?.message}`);
  const sqlite = join(stage, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release');
  mkdirSync(sqlite, { recursive: true });
  cpSync(join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), join(sqlite, 'better_sqlite3.node'));
  sites = await auditorOfTwoSites(mkdtempSync(join(stage, 'sites-')));
}, 120_000);

afterAll(() => {
  if (stage) rmSync(stage, { recursive: true, force: true });
});

/** Loads main as a packaged app with KEYWARD_AUDITOR_DB set; resolves when it opened its window or exited. */
async function launch(auditorPath: string) {
  const userData = mkdtempSync(join(stage, 'user-data-'));
  const fake: FakeElectron = createFakeElectron({ packaged: true, userData });
  const resolved: string[] = [];
  const uninstall = installFakeElectron(fake, (_request, filename) => resolved.push(filename));
  const savedEnv = { ...process.env };
  delete process.env.KEYWARD_DB;
  process.env.KEYWARD_AUDITOR_DB = auditorPath;
  const resourcesPath = Object.getOwnPropertyDescriptor(process, 'resourcesPath');
  Object.defineProperty(process, 'resourcesPath', { value: join(stage, 'resources'), configurable: true, writable: true });
  const errors: unknown[][] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  const mainPath = join(stage, 'dist', 'main', 'main.cjs');
  delete requireHere.cache[mainPath];
  try {
    requireHere(mainPath);
    const outcome = await Promise.race([fake.launched, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('main did not open its window within 10 s')), 10_000).unref())]);
    const handler = fake.recording.ipcHandlers.get(IPC_INVOKE);
    const invoke = async (channel: unknown, args: unknown, event: unknown = TRUSTED_FRAME) => (await handler!(event, channel, args)) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
    return { fake, outcome, userData, resolved, errors, invoke };
  } finally {
    console.error = consoleError;
    uninstall();
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
    if (resourcesPath) Object.defineProperty(process, 'resourcesPath', resourcesPath);
    else delete (process as { resourcesPath?: string }).resourcesPath;
  }
}

describe('the main process as built, opened on an auditor database', () => {
  it("opens the same locked-down window in Auditor mode, no site's database, and answers only the auditor's channels", async () => {
    const { fake, outcome, userData, resolved, invoke } = await launch(sites.auditor);
    expect(outcome).toEqual({ loaded: `${APP_ORIGIN}/index.html?mode=auditor` });
    const [window] = fake.recording.windows;
    expect(window!.options).toMatchObject({ title: 'Keyward — Auditor', webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, devTools: false } });
    expect(existsSync(join(userData, DATABASE_FILE_NAME))).toBe(false);
    expect(await invoke('auditor:sites', {})).toMatchObject({ ok: true, value: { sites: [{ siteName: 'Branch' }, { siteName: 'HQ', findings: [{ kind: 'fork' }, { kind: 'unknown-site' }] }] } });
    expect(await invoke('account:add', { upn: 'bg9@contoso.onmicrosoft.com', objectId: '3f2504e0-4f89-11d3-9a0c-0305e82c3309' })).toMatchObject({ ok: false, error: { code: 'read_only' } });
    expect(await invoke('status:get', {})).toMatchObject({ ok: false, error: { code: 'not_in_auditor_mode' } });
    expect(await invoke('auditor:sites', {}, { senderFrame: { url: 'https://evil.example/' } })).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    // SQLite comes from the app's own unpacked copy, as for a site's database.
    expect(resolved.filter((file) => file.endsWith('.node'))).toEqual([join(stage, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')]);
  });

  it('refuses to start on a file that is not an auditor database, saying so, and leaves it untouched', async () => {
    const notes = join(stage, 'notes.db');
    writeFileSync(notes, 'not a database');
    const { outcome, fake, errors } = await launch(notes);
    expect(outcome).toEqual({ exitCode: 1 });
    expect(fake.recording.windows).toHaveLength(0);
    expect(errors.flat().join(' ')).toMatch(/could not start/);
    expect(readFileSync(notes, 'utf8')).toBe('not a database');
    const missing = await launch(join(stage, 'missing.db'));
    expect(missing.outcome).toEqual({ exitCode: 1 });
    expect(missing.errors.flat().join(' ')).toContain('no auditor database at');
    expect(existsSync(join(stage, 'missing.db'))).toBe(false);
  });
});
