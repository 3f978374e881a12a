import Module from 'node:module';

// A recording stand-in for the `electron` module, so that the built main process can be loaded
// under Node and what a launch does can be read back: the app, windows, protocol, session and IPC
// calls it makes, and every handler it registers (which a test can then call).

type Listener = (...args: unknown[]) => unknown;

export interface FakeWebContents {
  readonly listeners: Map<string, Listener[]>;
  readonly sent: unknown[][];
  windowOpenHandler?: (details: { url: string }) => unknown;
  on(event: string, listener: Listener): FakeWebContents;
  send(...args: unknown[]): void;
  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void;
  print(options: unknown, callback: (success: boolean) => void): void;
}

export interface FakeWindow {
  readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>;
  readonly loadedUrls: string[];
  readonly webContents: FakeWebContents;
  shown: boolean;
}

export interface ElectronRecording {
  readonly privilegedSchemes: unknown[];
  readonly setPaths: Map<string, string>;
  sandboxEnabled: boolean;
  readonly windows: FakeWindow[];
  readonly protocolHandlers: Map<string, (request: { url: string }) => Response | Promise<Response>>;
  readonly ipcHandlers: Map<string, (event: unknown, ...args: unknown[]) => unknown>;
  readonly appListeners: Map<string, Listener[]>;
  permissionRequestHandler?: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
  permissionCheckHandler?: (...args: unknown[]) => boolean;
  readonly exitCodes: number[];
}

export interface FakeElectron {
  readonly exports: Record<string, unknown>;
  readonly recording: ElectronRecording;
  /** Settles when the first window loads a URL (the launch is done) or the app exits (it failed). */
  readonly launched: Promise<{ loaded: string } | { exitCode: number }>;
  /** Emits an app event as Electron would (e.g. `web-contents-created`, `will-quit`). */
  emitApp(event: string, ...args: unknown[]): void;
}

export function fakeWebContents(): FakeWebContents {
  const contents: FakeWebContents = {
    listeners: new Map(),
    sent: [],
    on(event, listener) {
      contents.listeners.set(event, [...(contents.listeners.get(event) ?? []), listener]);
      return contents;
    },
    send: (...args) => void contents.sent.push(args),
    setWindowOpenHandler(handler) {
      contents.windowOpenHandler = handler;
    },
    print: (_options, callback) => callback(false),
  };
  return contents;
}

export function createFakeElectron(options: { packaged: boolean; userData: string }): FakeElectron {
  const recording: ElectronRecording = {
    privilegedSchemes: [],
    setPaths: new Map(),
    sandboxEnabled: false,
    windows: [],
    protocolHandlers: new Map(),
    ipcHandlers: new Map(),
    appListeners: new Map(),
    exitCodes: [],
  };
  let settle: (outcome: { loaded: string } | { exitCode: number }) => void = () => undefined;
  const launched = new Promise<{ loaded: string } | { exitCode: number }>((resolve) => (settle = resolve));

  const app = {
    isPackaged: options.packaged,
    setPath: (name: string, path: string) => void recording.setPaths.set(name, path),
    // Whatever main set, its data goes to the test's temporary folder.
    getPath: (name: string) => (name === 'userData' ? options.userData : `${options.userData}/${name}`),
    enableSandbox: () => void (recording.sandboxEnabled = true),
    whenReady: () => Promise.resolve(),
    on(event: string, listener: Listener) {
      recording.appListeners.set(event, [...(recording.appListeners.get(event) ?? []), listener]);
      return app;
    },
    exit(code = 0) {
      recording.exitCodes.push(code);
      settle({ exitCode: code });
    },
    quit: () => undefined,
  };

  class BrowserWindow {
    readonly webContents = fakeWebContents();
    readonly loadedUrls: string[] = [];
    shown = false;
    constructor(readonly options: FakeWindow['options']) {
      recording.windows.push(this);
    }
    once(_event: string, _listener: Listener) {
      return this;
    }
    show() {
      this.shown = true;
    }
    async loadURL(url: string) {
      this.loadedUrls.push(url);
      settle({ loaded: url });
    }
  }

  const exports = {
    app,
    BrowserWindow,
    dialog: {
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async () => ({ canceled: true }),
    },
    ipcMain: { handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => void recording.ipcHandlers.set(channel, handler) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => void recording.privilegedSchemes.push(...schemes),
      handle: (scheme: string, handler: (request: { url: string }) => Response | Promise<Response>) => void recording.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: ElectronRecording['permissionRequestHandler']) => void (recording.permissionRequestHandler = handler),
        setPermissionCheckHandler: (handler: ElectronRecording['permissionCheckHandler']) => void (recording.permissionCheckHandler = handler),
      },
    },
  };

  return {
    exports,
    recording,
    launched,
    emitApp: (event, ...args) => {
      for (const listener of recording.appListeners.get(event) ?? []) listener(...args);
    },
  };
}

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _cache: Record<string, Module>;
}

const FAKE_ID = 'keyward-test:fake-electron';

/**
 * Makes `require('electron')` return the fake and reports every other module Node resolves
 * (so a test sees which native addons were loaded, from where). Returns the undo.
 */
export function installFakeElectron(fake: FakeElectron, onResolve: (request: string, filename: string) => void): () => void {
  const internals = Module as unknown as ModuleInternals;
  const resolveFilename = internals._resolveFilename;
  internals._resolveFilename = function (this: unknown, request, parent, isMain, options) {
    if (request === 'electron') return FAKE_ID;
    const filename = resolveFilename.call(this, request, parent, isMain, options);
    onResolve(request, filename);
    return filename;
  };
  const module = new Module(FAKE_ID);
  module.exports = fake.exports;
  module.loaded = true;
  internals._cache[FAKE_ID] = module;
  return () => {
    internals._resolveFilename = resolveFilename;
    delete internals._cache[FAKE_ID];
  };
}
