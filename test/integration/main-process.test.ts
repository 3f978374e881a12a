import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME, defaultDataDirectory } from '../../app/paths';
import { IPC_EVENT, IPC_INVOKE } from '../../electron/common/bridge';
import { CHANNELS } from '../../electron/common/channels';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from '../../electron/common/security';
import { killAfter } from '../support/children';
import { createFakeElectron, fakeWebContents, installFakeElectron, type FakeElectron } from '../support/fake-electron';
import { ensureRendererBuilt } from '../support/renderer-harness';

// The main process as `npm run build` bundles it (build/scripts/build.mjs → dist/main/main.cjs),
// loaded under Node with a recording stand-in for the `electron` module: what a launch wires up,
// checked by calling what it registered. Only Electron is a stand-in; the database is a real
// SQLite file and the renderer is the built one.

const root = fileURLToPath(new URL('../..', import.meta.url));
const requireHere = createRequire(import.meta.url);
const TRUSTED_FRAME = { senderFrame: { url: `${APP_ORIGIN}/index.html` } };
// Paths the environment names must never be what main loads (it once took KEYWARD_SQLITE_BINDING).
const HOSTILE_ENV = { KEYWARD_SQLITE_BINDING: '/nonexistent/hostile/better_sqlite3.node', KEYWARD_PCSCLITE_MODULE: '/nonexistent/hostile/pcsclite' };

let stage: string;

/** A stand-in for the PC/SC binding: a service with no readers (no hardware is touched). */
function writePcscStandIn(folder: string): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'pcsclite', main: 'index.js' }));
  writeFileSync(
    join(folder, 'index.js'),
    "const { EventEmitter } = require('node:events');\nmodule.exports = () => Object.assign(new EventEmitter(), { close() {} });\n",
  );
}

/** The native modules where each layout has them: the Node builds of node_modules stand in for Electron's. */
function placeNativeModules(modules: string): void {
  const sqlite = join(modules, 'better-sqlite3', 'build', 'Release');
  mkdirSync(sqlite, { recursive: true });
  cpSync(join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), join(sqlite, 'better_sqlite3.node'));
  writePcscStandIn(join(modules, 'pcsclite'));
}

beforeAll(async () => {
  await ensureRendererBuilt();
  mkdirSync(join(root, '.tmp'), { recursive: true });
  // Inside the repository, so that the bundle finds node_modules as dist/main/main.cjs does.
  stage = mkdtempSync(join(root, '.tmp', 'main-process-'));
  const built = spawnSync(process.execPath, ['build/scripts/build.mjs', '--only=main,preload', `--out=${stage}/dist`], { cwd: root, encoding: 'utf8', ...killAfter(60_000) });
  if (built.status !== 0) throw new Error(`build/scripts/build.mjs failed: ${built.stderr || built.error?.message}`);
  cpSync(join(root, 'dist/renderer'), join(stage, 'dist/renderer'), { recursive: true });
  placeNativeModules(join(stage, 'resources', 'app.asar.unpacked', 'node_modules'));
  placeNativeModules(join(stage, 'dist', 'native'));
  console.log(`[main-process] Electron itself was a stand-in: ${stage}/dist/main/main.cjs ran under Node ${process.version} with a recording fake of the electron module`);
}, 120_000);

afterAll(() => {
  if (stage) rmSync(stage, { recursive: true, force: true });
});

interface Launch {
  readonly fake: FakeElectron;
  readonly userData: string;
  /** Every file Node resolved while main loaded and ran. */
  readonly resolved: string[];
  invoke(channel: unknown, args: unknown, event?: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
  close(): void;
}

async function launch(packaged: boolean): Promise<Launch> {
  const userData = mkdtempSync(join(stage, 'user-data-'));
  const fake = createFakeElectron({ packaged, userData });
  const resolved: string[] = [];
  const uninstall = installFakeElectron(fake, (_request, filename) => resolved.push(filename));
  const savedEnv = { ...process.env };
  delete process.env.KEYWARD_DB;
  Object.assign(process.env, HOSTILE_ENV);
  const resourcesPath = Object.getOwnPropertyDescriptor(process, 'resourcesPath');
  Object.defineProperty(process, 'resourcesPath', { value: join(stage, 'resources'), configurable: true, writable: true });
  const errors: unknown[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  const restore = () => {
    console.error = consoleError;
    uninstall();
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
    if (resourcesPath) Object.defineProperty(process, 'resourcesPath', resourcesPath);
    else delete (process as { resourcesPath?: string }).resourcesPath;
  };
  const mainPath = join(stage, 'dist', 'main', 'main.cjs');
  delete requireHere.cache[mainPath];
  let slow: ReturnType<typeof setTimeout> | undefined;
  try {
    requireHere(mainPath);
    const outcome = await Promise.race([fake.launched, new Promise<never>((_, reject) => (slow = setTimeout(() => reject(new Error('main did not open its window within 10 s')), 10_000)))]);
    if ('exitCode' in outcome) throw new Error(`main exited with ${outcome.exitCode}: ${JSON.stringify(errors)}`);
  } catch (error) {
    restore();
    throw error;
  } finally {
    clearTimeout(slow);
  }
  const handler = fake.recording.ipcHandlers.get(IPC_INVOKE);
  return {
    fake,
    userData,
    resolved,
    invoke: async (channel, args, event = TRUSTED_FRAME) => (await handler!(event, channel, args)) as Awaited<ReturnType<Launch['invoke']>>,
    close: () => {
      fake.emitApp('will-quit');
      restore();
    },
  };
}

describe('the main process as built, launched with a stand-in for Electron', () => {
  let packaged: Launch;
  beforeAll(async () => {
    packaged = await launch(true);
  }, 30_000);
  afterAll(() => packaged?.close());

  it('opens one sandboxed, context-isolated window without Node or developer tools, on app://', () => {
    const { recording } = packaged.fake;
    expect(recording.sandboxEnabled).toBe(true);
    expect(recording.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    expect(recording.windows).toHaveLength(1);
    const [window] = recording.windows;
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
      preload: join(stage, 'dist', 'preload', 'preload.cjs'),
    });
    expect(existsSync(window!.options.webPreferences!.preload as string)).toBe(true);
    expect(window!.loadedUrls).toEqual([`${APP_ORIGIN}/index.html`]);
  });

  it('keeps its data in the folder the CLI uses, in a real database there', () => {
    expect(packaged.fake.recording.setPaths.get('userData')).toBe(defaultDataDirectory(process.platform, process.env, homedir()));
    expect(existsSync(join(packaged.userData, DATABASE_FILE_NAME))).toBe(true);
  });

  it('serves the built renderer on app:// with the CSP, and nothing outside it', async () => {
    const serve = packaged.fake.recording.protocolHandlers.get('app')!;
    const page = await serve({ url: `${APP_ORIGIN}/index.html` });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const html = await page.text();
    expect(html).toBe(readFileSync(join(stage, 'dist/renderer/index.html'), 'utf8'));
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const asset = await serve({ url: `${APP_ORIGIN}${script}` });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect((await serve({ url: 'app://elsewhere/index.html' })).status).toBe(403);
    expect((await serve({ url: `${APP_ORIGIN}/assets/missing.js` })).status).toBe(404);
    expect((await serve({ url: `${APP_ORIGIN}/..%2f..%2fpackage.json` })).status).toBe(403);
  });

  it('denies navigation, redirects, webviews, new windows and every permission', () => {
    const { recording } = packaged.fake;
    const contents = fakeWebContents();
    packaged.fake.emitApp('web-contents-created', {}, contents);
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const listeners = contents.listeners.get(event) ?? [];
      expect(listeners, event).toHaveLength(1);
      let prevented = false;
      listeners[0]!({ preventDefault: () => (prevented = true) }, 'https://example.com/');
      expect(prevented, event).toBe(true);
    }
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    for (const permission of ['media', 'hid', 'usb', 'serial', 'notifications', 'clipboard-read', 'geolocation']) {
      let granted: boolean | undefined;
      recording.permissionRequestHandler!({}, permission, (answer) => (granted = answer));
      expect(granted, permission).toBe(false);
      expect(recording.permissionCheckHandler!({}, permission), permission).toBe(false);
    }
  });

  it('answers status:get over the real database through the one registered ipcMain handler', async () => {
    expect([...packaged.fake.recording.ipcHandlers.keys()]).toEqual([IPC_INVOKE]);
    const reply = await packaged.invoke('status:get', {});
    expect(reply.ok).toBe(true);
    expect(reply.value).toMatchObject({ ledger: { entries: 1, headHash: expect.stringMatching(/^[0-9a-f]{64}$/) }, accounts: 0 });
  });

  it('reaches every channel of the map, validating its arguments, and refuses other frames and channels', async () => {
    const channels = Object.keys(CHANNELS);
    expect(channels.length).toBeGreaterThan(30);
    for (const channel of channels) {
      const reply = await packaged.invoke(channel, { notAField: true });
      expect(reply, channel).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(await packaged.invoke('status:get', {}, { senderFrame: { url: 'https://evil.example/' } })).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await packaged.invoke('status:get', {}, {})).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await packaged.invoke('shell:exec', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it('announces each write to the window', async () => {
    const [window] = packaged.fake.recording.windows;
    const reply = await packaged.invoke('account:add', { upn: 'bg1@contoso.onmicrosoft.com', objectId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', label: 'Break glass 1' });
    expect(reply.ok).toBe(true);
    expect(window!.webContents.sent).toContainEqual([IPC_EVENT, 'ledger:appended', { headSeq: 2, headHash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it('loads its native modules from resources/app.asar.unpacked, never from a path in the environment', async () => {
    const unpacked = join(stage, 'resources', 'app.asar.unpacked', 'node_modules');
    expect(packaged.resolved).toContain(join(unpacked, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
    // The PC/SC binding is loaded when a card is first needed.
    expect(await packaged.invoke('card:readers', { simulated: false })).toEqual({ ok: true, value: [] });
    expect(packaged.resolved).toContain(join(unpacked, 'pcsclite', 'index.js'));
    const fromEnvironment = packaged.resolved.filter((file) => file.includes('/nonexistent/hostile/'));
    expect(fromEnvironment).toEqual([]);
    expect(packaged.resolved.filter((file) => file.endsWith('.node'))).toEqual([join(unpacked, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')]);
  });
});

describe('the main process as built, in development (npm start)', () => {
  it('has developer tools and loads the native modules npm start compiled into dist/native', async () => {
    const development = await launch(false);
    try {
      expect(development.fake.recording.windows[0]!.options.webPreferences).toMatchObject({ devTools: true, sandbox: true, contextIsolation: true, nodeIntegration: false });
      expect(await development.invoke('status:get', {})).toMatchObject({ ok: true, value: { ledger: { entries: 1 } } });
      expect(await development.invoke('card:readers', { simulated: false })).toEqual({ ok: true, value: [] });
      const native = join(stage, 'dist', 'native');
      expect(development.resolved).toContain(join(native, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
      expect(development.resolved).toContain(join(native, 'pcsclite', 'index.js'));
      expect(development.resolved.filter((file) => file.includes('/nonexistent/hostile/') || file.includes('app.asar.unpacked'))).toEqual([]);
    } finally {
      development.close();
    }
  }, 30_000);
});
