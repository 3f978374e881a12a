import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeModulePaths } from '../../electron/main/native-modules';
import { killAfter } from '../support/children';
import { ensureRendererBuilt } from '../support/renderer-harness';

// `npm run package`'s configuration (build/electron-builder.config.mjs) run through electron-builder's
// own CLI with the `dir` and `deb` targets, offline: Electron is a stand-in executable (electronDist),
// fpm is a stand-in that records what it is asked to put in the .deb, and the native modules are not
// rebuilt (that needs Electron's headers from the network); their Node builds take their place.

const root = fileURLToPath(new URL('../..', import.meta.url));
const requireHere = createRequire(import.meta.url);
const asar = requireHere('@electron/asar') as {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  statFile(archive: string, file: string): { size?: number; unpacked?: boolean };
  extractFile(archive: string, file: string): Buffer;
};
const fuses = requireHere('@electron/fuses') as typeof import('@electron/fuses');

/** What Keyward adds to Electron (resources/: the asar, its unpacked part, the udev rule) may weigh at most this. */
const SIZE_BUDGET_BYTES = 30 * 1024 * 1024;
const BUILDER_TIME_LIMIT_MS = 90_000;
const UDEV_RULE = '70-keyward-fido.rules';
const ELF_MACHINE: Partial<Record<string, number>> = { x64: 62, arm64: 183, ia32: 3, arm: 40 };
/** Where Electron's fuse wire starts in its binary (the marker @electron/fuses looks for). */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

let work: string;
let builder: ChildProcess | undefined;
let output = '';
let appOutDir: string;
let resources: string;
let archive: string;
let files: string[];

/** Runs electron-builder's CLI in its own process group, killed whole if it outlives the limit. */
function runElectronBuilder(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [requireHere.resolve('electron-builder/cli.js'), ...args], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    builder = child;
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      killBuilder();
      reject(new Error(`electron-builder did not finish within ${BUILDER_TIME_LIMIT_MS / 1000} s:\n${output}`));
    }, BUILDER_TIME_LIMIT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      builder = undefined;
      resolve(code ?? 1);
    });
  });
}

function killBuilder(): void {
  if (builder?.pid === undefined || builder.exitCode !== null) return;
  try {
    process.kill(-builder.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

const onLinux = process.platform === 'linux';
if (!onLinux) console.warn(`[packaging] SKIPPED: the stand-in Electron and fpm are Linux layouts; this machine is ${process.platform}`);

describe.skipIf(!onLinux)('the package electron-builder makes, into a stand-in Electron', () => {
  beforeAll(async () => {
    await ensureRendererBuilt();
    const built = spawnSync(process.execPath, ['build/scripts/build.mjs', '--only=main,preload'], { cwd: root, encoding: 'utf8', ...killAfter(60_000) });
    if (built.status !== 0) throw new Error(`build/scripts/build.mjs failed: ${built.stderr || built.error?.message}`);

    work = mkdtempSync(join(tmpdir(), 'keyward-packaging-'));
    const electronDist = join(work, 'electron');
    mkdirSync(electronDist);
    writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho "a stand-in for Electron: it cannot run the app" >&2\nexit 1\n');
    chmodSync(join(electronDist, 'electron'), 0o755);
    const fpm = join(work, 'fpm');
    writeFileSync(
      fpm,
      [
        '#!/bin/sh',
        '# A stand-in for fpm: records the arguments and the maintainer scripts it is given, and writes an empty package.',
        'printf "%s\\0" "$@" > "$FPM_RECORD/args"',
        'previous=""',
        'for argument in "$@"; do',
        '  case "$previous" in',
        '    --after-install) cp "$argument" "$FPM_RECORD/postinst" ;;',
        '    --after-remove) cp "$argument" "$FPM_RECORD/postrm" ;;',
        '    --package) : > "$argument" ;;',
        '  esac',
        '  previous="$argument"',
        'done',
        '',
      ].join('\n'),
    );
    chmodSync(fpm, 0o755);
    mkdirSync(join(work, 'fpm-record'));
    const out = join(work, 'out');

    const started = Date.now();
    const code = await runElectronBuilder(
      ['--config', 'build/electron-builder.config.mjs', '--linux', 'dir', 'deb', '--publish', 'never', `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${out}`],
      { ...process.env, CUSTOM_FPM_PATH: fpm, FPM_RECORD: join(work, 'fpm-record') },
    );
    if (code !== 0) throw new Error(`electron-builder exited with ${code}:\n${output}`);
    console.log(`[packaging] electron-builder packaged the app in ${((Date.now() - started) / 1000).toFixed(1)} s; the Electron binary was a stand-in (a shell script), fpm was a stand-in, and the native modules were not rebuilt for Electron (their Node builds were packaged)`);

    appOutDir = join(out, readdirSync(out).find((name) => /^linux(-\w+)?-unpacked$/.test(name))!);
    resources = join(appOutDir, 'resources');
    archive = join(resources, 'app.asar');
    files = asar.listPackage(archive, { isPack: false });
  }, 150_000);

  afterAll(() => {
    killBuilder();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('says that the stand-in has no fuse wire to flip, and which fuses it would have set', () => {
    const said = /keyward: (.*) is a stand-in, not Electron: it has no fuse wire, so no fuse was flipped \(configured: (.*)\)/.exec(output);
    expect(said, output).not.toBeNull();
    expect(said![1]).toBe(join(appOutDir, 'keyward'));
    expect(said![2]!.split(', ').sort()).toEqual(
      [
        'RunAsNode=off',
        'EnableNodeOptionsEnvironmentVariable=off',
        'EnableNodeCliInspectArguments=off',
        'EnableEmbeddedAsarIntegrityValidation=on',
        'OnlyLoadAppFromAsar=on',
        'EnableCookieEncryption=on',
        'GrantFileProtocolExtraPrivileges=off',
      ].sort(),
    );
    console.log(`[packaging] fuses: ${said![0]}`);
  });

  it('flips exactly those fuses in a binary that has a fuse wire, through the same afterPack step', async () => {
    const config = (await import(pathToFileURL(join(root, 'build/electron-builder.config.mjs')).href)).default as { afterPack(context: object): Promise<void> };
    const folder = mkdtempSync(join(work, 'fuse-wire-'));
    const binary = join(folder, 'keyward');
    // Electron's fuse wire: the sentinel, the wire's version and length, then one byte per fuse ('0' off, '1' on), as Electron ships them.
    const shipped = '10110001';
    writeFileSync(binary, Buffer.concat([Buffer.from('\x7fELF...'), Buffer.from(FUSE_SENTINEL), Buffer.from([1, shipped.length]), Buffer.from(shipped), Buffer.from('...')]));
    const flipped: object[] = [];
    const packager = {
      executableName: 'keyward',
      appInfo: { productFilename: 'Keyward' },
      addElectronFuses: async (_context: object, settings: Parameters<typeof fuses.flipFuses>[1]) => {
        flipped.push(settings);
        await fuses.flipFuses(binary, settings);
      },
    };
    await config.afterPack({ appOutDir: folder, electronPlatformName: 'linux', packager });
    expect(flipped).toHaveLength(1);
    const wire = (await fuses.getCurrentFuseWire(binary)) as unknown as Record<number, number>;
    const state = (option: number) => String.fromCharCode(wire[option]!);
    const O = fuses.FuseV1Options;
    expect({
      RunAsNode: state(O.RunAsNode),
      EnableCookieEncryption: state(O.EnableCookieEncryption),
      EnableNodeOptionsEnvironmentVariable: state(O.EnableNodeOptionsEnvironmentVariable),
      EnableNodeCliInspectArguments: state(O.EnableNodeCliInspectArguments),
      EnableEmbeddedAsarIntegrityValidation: state(O.EnableEmbeddedAsarIntegrityValidation),
      OnlyLoadAppFromAsar: state(O.OnlyLoadAppFromAsar),
      LoadBrowserProcessSpecificV8Snapshot: state(O.LoadBrowserProcessSpecificV8Snapshot),
      GrantFileProtocolExtraPrivileges: state(O.GrantFileProtocolExtraPrivileges),
    }).toEqual({
      RunAsNode: '0',
      EnableCookieEncryption: '1',
      EnableNodeOptionsEnvironmentVariable: '0',
      EnableNodeCliInspectArguments: '0',
      EnableEmbeddedAsarIntegrityValidation: '1',
      OnlyLoadAppFromAsar: '1',
      LoadBrowserProcessSpecificV8Snapshot: '0', // not ours to set: left as shipped
      GrantFileProtocolExtraPrivileges: '0',
    });
  });

  it('puts the stand-in executable in place of Electron, under the app’s name', () => {
    expect(readFileSync(join(appOutDir, 'keyward'), 'utf8')).toContain('a stand-in for Electron');
  });

  it('holds the built main, preload and renderer in the asar, and no sources, tests, benches or source maps', () => {
    for (const file of ['/package.json', '/dist/main/main.cjs', '/dist/preload/preload.cjs', '/dist/renderer/index.html']) expect(files, file).toContain(file);
    const html = readFileSync(join(root, 'dist/renderer/index.html'), 'utf8');
    for (const asset of html.match(/\/assets\/[^"]+/g) ?? []) expect(files, asset).toContain(`/dist/renderer${asset}`);
    const app = files.filter((file) => !file.startsWith('/node_modules'));
    expect(app.filter((file) => !/^\/(package\.json|dist|dist\/(main|preload|renderer)(\/.*)?)$/.test(file))).toEqual([]);
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(app.filter((file) => /\.(ts|tsx|mts|cts)$/.test(file))).toEqual([]);
    expect(files.filter((file) => /^\/(test|bench|core|db|app|native|electron|renderer|cli|build|\.tmp)(\/|$)/.test(file))).toEqual([]);
    // Addon sources and build leftovers stay behind.
    expect(files.filter((file) => /\.(c|cc|cpp|h|hpp|gyp|gypi|mk|o|a)$/.test(file) || /\/obj(\.target)?\//.test(file))).toEqual([]);
    const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString()) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'keyward', main: 'dist/main/main.cjs' });
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toBeUndefined();
  });

  it('holds no dev dependency, and every package the built main loads', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const dev = Object.keys(pkg.devDependencies).filter((name) => files.includes(`/node_modules/${name}`));
    expect(dev).toEqual([]);
    const main = readFileSync(join(root, 'dist/main/main.cjs'), 'utf8');
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const loaded = new Set([...main.matchAll(/(?:require|import|\.resolve)\(\s*["']([^"'./][^"']*)["']\s*\)/g)].map((match) => match[1]!).filter((name) => !builtins.has(name) && name !== 'electron'));
    expect(loaded.size).toBeGreaterThan(4);
    for (const specifier of loaded) {
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
      expect(files, specifier).toContain(`/node_modules/${name}/package.json`);
      if (specifier !== name) expect(files, specifier).toContain(`/node_modules/${specifier}`);
    }
    // The report's three fonts (app/reports/report-pdf.ts).
    for (const font of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSansMono.ttf']) expect(files, font).toContain(`/node_modules/dejavu-fonts-ttf/ttf/${font}`);
  });

  it("unpacks the ledger's threads (walking, verifying) beside main, where app/ledger/thread-script.ts looks for them", () => {
    for (const thread of ['ledger-walk-worker.cjs', 'ledger-verify-worker.cjs']) {
      expect(files).toContain(`/dist/main/${thread}`);
      expect(asar.statFile(archive, `dist/main/${thread}`).unpacked, thread).toBe(true);
      expect(existsSync(join(resources, 'app.asar.unpacked', 'dist', 'main', thread)), thread).toBe(true);
    }
  });

  it('unpacks the native modules, for this platform, where main loads them from', () => {
    const unpacked = join(resources, 'app.asar.unpacked');
    const addons = filesUnder(unpacked).filter((file) => file.endsWith('.node'));
    const expected = [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/pcsclite/build/Release/pcsclite.node',
      `node_modules/node-hid/prebuilds/HID-${process.platform}-${process.arch}/node-napi-v4.node`,
      `node_modules/node-hid/prebuilds/HID_hidraw-${process.platform}-${process.arch}/node-napi-v4.node`,
    ];
    expect(addons.map((file) => relative(unpacked, file)).sort()).toEqual(expected.sort());
    for (const addon of addons) {
      const header = readFileSync(addon).subarray(0, 20);
      expect(header.subarray(0, 4).toString('latin1'), addon).toBe('\x7fELF');
      expect(header.readUInt16LE(18), `${addon} is built for ${process.arch}`).toBe(ELF_MACHINE[process.arch]);
      expect(asar.statFile(archive, relative(unpacked, addon)).unpacked, addon).toBe(true);
    }
    // pcsclite is required by path from the unpacked folder, so its JavaScript and the helper it requires are there too.
    for (const file of ['pcsclite/package.json', 'pcsclite/index.js', 'pcsclite/lib/pcsclite.js', 'bindings/bindings.js', 'file-uri-to-path/index.js']) expect(existsSync(join(unpacked, 'node_modules', file)), file).toBe(true);
    const paths = nativeModulePaths({ packaged: true, resourcesPath: resources, mainDir: join(archive, 'dist', 'main') });
    expect(existsSync(paths.sqliteBinding)).toBe(true);
    expect(requireHere.resolve(paths.pcscliteModule)).toBe(join(unpacked, 'node_modules', 'pcsclite', 'index.js'));
  });

  it('ships the FIDO udev rule next to the app', () => {
    expect(readFileSync(join(resources, 'udev', UDEV_RULE), 'utf8')).toBe(readFileSync(join(root, 'build/udev', UDEV_RULE), 'utf8'));
  });

  it('stays within its size budget', () => {
    const size = (folder: string) => filesUnder(folder).reduce((sum, file) => sum + statSync(file).size, 0);
    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    const total = size(resources);
    console.log(
      `[packaging] package size (resources/, what Keyward adds to Electron): ${mib(total)} of a ${mib(SIZE_BUDGET_BYTES)} budget — app.asar ${mib(statSync(archive).size)}, app.asar.unpacked ${mib(size(join(resources, 'app.asar.unpacked')))}`,
    );
    expect(total).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
  });

  it('makes a .deb that depends on PC/SC and libusb, installs the udev rule and reloads udev after installing', () => {
    const args = readFileSync(join(work, 'fpm-record', 'args'), 'utf8').split('\0').slice(0, -1);
    const values = (flag: string) => args.flatMap((arg, i) => (arg === flag ? [args[i + 1]!] : []));
    const control = [
      `Package: ${values('--name')[0]}`,
      `Version: ${values('--version')[0]}`,
      `Architecture: ${values('--architecture')[0]}`,
      `Maintainer: ${values('--maintainer')[0]}`,
      `Depends: ${values('-d').join(', ')}`,
      `Recommends: ${values('--deb-recommends').join(', ')}`,
      `Priority: ${values('--deb-priority')[0]}`,
      `Homepage: ${values('--url')[0]}`,
      `Description: ${values('--description')[0]}`, // its second line, as fpm writes it, begins with a space
    ].join('\n');
    console.log(`[packaging] the .deb's control, from what electron-builder asked fpm for:\n${control}`);
    expect(values('-t')).toEqual(['deb']);
    expect(control).toMatch(/^Package: keyward$/m);
    expect(values('-d')).toEqual(expect.arrayContaining(['libpcsclite1', 'pcscd', 'libusb-1.0-0']));
    expect(args).toContain(`${join(root, 'build/udev', UDEV_RULE)}=/usr/lib/udev/rules.d/${UDEV_RULE}`);
    expect(args).toContain(`${appOutDir}/=/opt/Keyward`);

    const postinst = readFileSync(join(work, 'fpm-record', 'postinst'), 'utf8');
    expect(postinst.startsWith('#!/bin/bash\n')).toBe(true);
    expect(postinst).not.toMatch(/\$\{\w+\}/);
    expect(postinst).toContain("chmod 4755 '/opt/Keyward/chrome-sandbox'");
    expect(postinst).toContain("update-alternatives --install '/usr/bin/keyward' 'keyward' '/opt/Keyward/keyward' 100");
    expect(postinst).toMatch(/^\s*udevadm control --reload-rules/m);
    expect(postinst).toMatch(/^\s*udevadm trigger --subsystem-match=hidraw --action=change/m);
    const syntax = spawnSync('bash', ['-n', join(work, 'fpm-record', 'postinst')], { encoding: 'utf8', ...killAfter(10_000) });
    expect(syntax.status, syntax.stderr).toBe(0);
  });
});
