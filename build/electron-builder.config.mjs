// The one electron-builder configuration: `npm run package` (build/scripts/package.mjs) builds with it,
// and test/integration/packaging.test.ts packages the app into a stand-in Electron with it.
import fuses from '@electron/fuses';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { FuseV1Options, FuseVersion, getCurrentFuseWire } = fuses;
const here = fileURLToPath(new URL('.', import.meta.url));

const UDEV_RULE = '70-keyward-fido.rules';

/**
 * Electron's fuses, flipped in the packaged binary before it is signed: no running as plain Node,
 * no NODE_OPTIONS or --inspect, the app only from its own asar and that asar checked against the
 * hash embedded at packaging, cookies encrypted, file:// with no more rights than any other scheme.
 */
const FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** The packaged executable, as electron-builder names it on each platform. */
function executableOf({ appOutDir, electronPlatformName, packager }) {
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return join(appOutDir, packager.executableName);
}

/** Flips FUSES in the packaged Electron; a stand-in binary has no fuse wire, and the step says so. */
async function flipFuses(context) {
  const executable = executableOf(context);
  const settings = Object.entries(FUSES).map(([option, on]) => `${FuseV1Options[option]}=${on ? 'on' : 'off'}`).join(', ');
  try {
    await getCurrentFuseWire(executable);
  } catch (error) {
    if (!/sentinel/i.test(String(error && error.message))) throw error;
    console.log(`keyward: ${executable} is a stand-in, not Electron: it has no fuse wire, so no fuse was flipped (configured: ${settings})`);
    return;
  }
  await context.packager.addElectronFuses(context, { version: FuseVersion.V1, resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && process.platform === 'darwin', ...FUSES });
  console.log(`keyward: fuses flipped in ${executable}: ${settings}`);
}

export default {
  appId: 'org.keyward.desktop',
  productName: 'Keyward',
  copyright: 'Keyward contributors',
  // Linux packages must name a homepage and a maintainer: placeholders until the project has its own.
  extraMetadata: { homepage: 'https://keyward.invalid/' },
  directories: { output: 'out/package', buildResources: 'build' },
  // What the asar holds: the built main, preload and renderer; electron-builder adds the production
  // dependencies (never the dev ones) and these patterns keep sources, maps and build leftovers out.
  files: [
    'package.json',
    'dist/main/main.cjs',
    'dist/main/ledger-walk-worker.cjs',
    'dist/main/ledger-verify-worker.cjs',
    'dist/preload/preload.cjs',
    'dist/renderer/**/*',
    '!**/*.map',
    // The addons' C and C++ sources, their build leftovers and build-time headers: not needed to run.
    '!**/node_modules/*/{src,deps,hidapi,test,tests,examples}{,/**}',
    '!**/node_modules/*/binding.gyp',
    '!**/node_modules/*/build/{deps,Makefile,config.gypi,*.mk}{,/**}',
    '!**/node_modules/*/build/Release/{obj,obj.target,.deps}{,/**}',
    '!**/node_modules/better-sqlite3/build/Release/test_extension.node',
    '!**/node_modules/{nan,node-addon-api}{,/**}',
    '!**/node_modules/*/.yarn{,/**}',
    // The renderer bundles React (dist/renderer); main never loads it.
    '!**/node_modules/{react,react-dom,scheduler}{,/**}',
    // node-hid (N-API) ships prebuilt addons for every platform: only this one's are packaged.
    '!**/node_modules/node-hid/prebuilds/!(HID-${platform}-${arch}|HID_hidraw-${platform}-${arch}){,/**}',
    // The report's fonts (app/reports/report-pdf.ts), not the whole DejaVu family.
    '!**/node_modules/dejavu-fonts-ttf/!(ttf|package.json|LICENSE){,/**}',
    '!**/node_modules/dejavu-fonts-ttf/ttf/!(DejaVuSans.ttf|DejaVuSans-Bold.ttf|DejaVuSansMono.ttf)',
  ],
  // Only what must be a real file is unpacked (not whole packages, as smartUnpack would).
  asar: { smartUnpack: false },
  // Addons cannot be loaded from inside an archive. Main loads better-sqlite3's addon and the
  // pcsclite module (with the bindings helper it requires) from app.asar.unpacked by path
  // (electron/main/native-modules.ts); node-hid's addon is found by Electron through the asar.
  // The ledger's threads (walking, verifying) load their own files, which a thread cannot read from inside the archive.
  asarUnpack: ['**/*.node', '**/node_modules/pcsclite/**', '**/node_modules/bindings/**', '**/node_modules/file-uri-to-path/**', 'dist/main/ledger-walk-worker.cjs', 'dist/main/ledger-verify-worker.cjs'],
  // electron-builder's own step rebuilds better-sqlite3, pcsclite and node-hid for Electron's ABI.
  npmRebuild: true,
  buildDependenciesFromSource: false,
  // For AppImage users and administrators: the FIDO udev rule, next to the app (resources/udev).
  extraResources: [{ from: `build/udev/${UDEV_RULE}`, to: `udev/${UDEV_RULE}` }],
  afterPack: flipFuses,

  linux: {
    target: ['AppImage', 'deb'],
    category: 'Utility',
    maintainer: 'Keyward maintainers <maintainers@keyward.invalid>',
    synopsis: 'Custody of break-glass credentials',
    description: 'Custody, presence checks and network-path proof for Microsoft Entra emergency access credentials',
  },
  deb: {
    // electron-builder's defaults for Electron, then what Keyward needs: PC/SC for smartcards, libusb for keys.
    depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0', 'libpcsclite1', 'pcscd', 'libusb-1.0-0'],
    // electron-builder's post-install steps, then the udev rule is loaded and applied to keys already plugged in.
    afterInstall: 'build/linux/after-install.sh',
    // The rule is a file of the package (dpkg removes it with the package).
    fpm: [`${join(here, 'udev', UDEV_RULE)}=/usr/lib/udev/rules.d/${UDEV_RULE}`],
  },
  appImage: { artifactName: '${productName}-${version}-${arch}.${ext}' },

  win: { target: [{ target: 'nsis', arch: ['x64'] }] },
  nsis: { oneClick: false, perMachine: true, allowElevation: true, allowToChangeInstallationDirectory: true, createDesktopShortcut: true },

  mac: {
    target: ['dmg'],
    category: 'public.app-category.utilities',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
  },
  dmg: { sign: false },
};

