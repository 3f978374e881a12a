// The composition root: wires the database, the IPC router and one locked-down window.
// Everything it calls is plain Node code under app/, tested without Electron.
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, type WebContents } from 'electron';
import { initDatabase } from '../../app/keyward';
import { auditorDatabaseOf, checkAuditorDatabase } from '../../app/audit/auditor-view';
import { drillCardSource, pcscCardSource } from '../../app/cards/card-sources';
import { desktopKeySources } from '../../app/presence/key-sources';
import { DrillTouchPad } from '../../app/presence/drill-touch';
import { ledgerHead } from '../../app/ledger/ledger';
import { useNativeBindingForWalkers } from '../../app/ledger/ledger-walkers';
import { DATABASE_FILE_NAME, defaultDataDirectory } from '../../app/paths';
import { systemClock } from '../../app/ports';
import { IPC_EVENT, IPC_INVOKE } from '../common/bridge';
import { APP_ORIGIN, APP_SCHEME } from '../common/security';
import { resolveAppResource } from './app-protocol';
import { nativeModulePaths } from './native-modules';
import { createIpcRouter } from './router';
import { createAuditorRouter } from './auditor-router';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);

// The app and the CLI share one data folder and so one ledger.
app.setPath('userData', defaultDataDirectory(process.platform, process.env, homedir()));
app.enableSandbox();

const RENDERER_ROOT = join(__dirname, '..', 'renderer');
// Native addons come only from the app's own files (resources/app.asar.unpacked, or dist/native
// in development), never from a path in the environment: nobody can hand main code to load.
const NATIVE = nativeModulePaths({ packaged: app.isPackaged, resourcesPath: process.resourcesPath, mainDir: __dirname });
// The ledger's walking threads load the same addon as main (built for Electron, unpacked).
useNativeBindingForWalkers(NATIVE.sqliteBinding);

function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** The one window, locked down: its preload is the only bridge, and only to the router. */
function createWindow(title: string): BrowserWindow {
  return new BrowserWindow({
    width: 1280,
    height: 860,
    title,
    show: false,
    webPreferences: {
      preload: join(__dirname, '..', 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      webviewTag: false,
      // A middle click would open a new window; those are denied anyway, this stops the attempt.
      disableBlinkFeatures: 'Auxclick',
      // A packaged build has no developer tools: nobody at the desk can script the page through them.
      devTools: !app.isPackaged,
    },
  });
}

async function start(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_event, contents) => lockDown(contents));

  protocol.handle(APP_SCHEME, async (request) => {
    const resource = resolveAppResource(request.url, RENDERER_ROOT);
    if (resource.status !== 200) return new Response(resource.reason, { status: resource.status });
    try {
      return new Response(await readFile(resource.path), { headers: resource.headers });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });

  // An auditor's window (--auditor FILE or KEYWARD_AUDITOR_DB) opens an auditor database and no site's: it reads bundles, and changes nothing.
  const auditorPath = auditorDatabaseOf(process.argv.slice(1), process.env);
  if (auditorPath) return openAuditorWindow(auditorPath);

  const databasePath = process.env.KEYWARD_DB ?? join(app.getPath('userData'), DATABASE_FILE_NAME);
  const actor = { role: 'operator' as const, name: process.env.KEYWARD_OPERATOR || userInfo().username };
  const { db } = initDatabase(databasePath, systemClock, actor, { nativeBinding: NATIVE.sqliteBinding });
  app.on('will-quit', () => db.close());

  const window = createWindow('Keyward');

  const emit = (event: string, payload: unknown) => window.webContents.send(IPC_EVENT, event, payload);
  const drillTouch = new DrillTouchPad((waiting) => emit('drill:touch', waiting));
  const router = createIpcRouter({
    session: { db, clock: systemClock, actor },
    trustedOrigin: APP_ORIGIN,
    keySources: desktopKeySources(db, drillTouch),
    drillTouch,
    cardSources: { real: () => pcscCardSource({ bindingModule: NATIVE.pcscliteModule }), drill: () => drillCardSource(db) },
    network: { caFile: process.env.KEYWARD_CA_FILE },
    files: {
      chooseOpenPath: async (title) => {
        const choice = await dialog.showOpenDialog(window, { title, properties: ['openFile'], filters: [{ name: 'Sign-in exports', extensions: ['json', 'jsonl', 'csv'] }] });
        return choice.canceled ? undefined : choice.filePaths[0];
      },
    },
    reports: {
      chooseSavePath: async (suggestedName) => {
        const choice = await dialog.showSaveDialog(window, { defaultPath: suggestedName, filters: [{ name: 'PDF', extensions: ['pdf'] }] });
        return choice.canceled ? undefined : choice.filePath;
      },
      // The renderer shows the print view first; its print stylesheet leaves only the report.
      print: () => new Promise((resolve) => window.webContents.print({ printBackground: false }, (success) => resolve(success))),
    },
    emit,
    onLedgerAppended: () => {
      const head = ledgerHead(db);
      emit('ledger:appended', { headSeq: head.seq, headHash: head.hash });
    },
    onInternalError: (channel, error) => console.error(`keyward: ${channel} failed:`, error instanceof Error ? error.message : 'unknown error'),
  });
  ipcMain.handle(IPC_INVOKE, (event, channel: unknown, args: unknown) => router.handle(channel, args, { url: event.senderFrame?.url ?? '' }));

  window.once('ready-to-show', () => window.show());
  await window.loadURL(`${APP_ORIGIN}/index.html`);
}

async function openAuditorWindow(auditorPath: string): Promise<void> {
  checkAuditorDatabase(auditorPath, { nativeBinding: NATIVE.sqliteBinding });
  const window = createWindow('Keyward — Auditor');
  const router = createAuditorRouter({
    auditorPath,
    nativeBinding: NATIVE.sqliteBinding,
    trustedOrigin: APP_ORIGIN,
    onInternalError: (channel, error) => console.error(`keyward: ${channel} failed:`, error instanceof Error ? error.message : 'unknown error'),
  });
  ipcMain.handle(IPC_INVOKE, (event, channel: unknown, args: unknown) => router.handle(channel, args, { url: event.senderFrame?.url ?? '' }));
  window.once('ready-to-show', () => window.show());
  await window.loadURL(`${APP_ORIGIN}/index.html?mode=auditor`);
}

start().catch((error: unknown) => {
  console.error('keyward: could not start:', error instanceof Error ? error.message : error);
  app.exit(1);
});
app.on('window-all-closed', () => app.quit());
