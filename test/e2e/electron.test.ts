import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../support/session';

// The packaged shell needs the Electron binary and SQLite compiled for Electron's ABI (npm start
// builds both). Where either is missing this suite says so and is skipped, never silently passed.
const root = fileURLToPath(new URL('../..', import.meta.url));
const electronBinary = (() => {
  try {
    return createRequire(import.meta.url)('electron') as string;
  } catch {
    return undefined;
  }
})();
// Main loads the copy npm start compiled for Electron from here (electron/main/native-modules.ts).
const binding = `${root}/dist/native/better-sqlite3/build/Release/better_sqlite3.node`;
const missing = [
  !electronBinary || !existsSync(electronBinary) ? 'no Electron binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD)' : '',
  !existsSync(binding) ? 'no Electron build of better-sqlite3 (run npm start once)' : '',
  !existsSync(`${root}/dist/main/main.cjs`) ? 'no built main process (npm run build)' : '',
].filter(Boolean);
const skipReason = missing.join('; ');
if (skipReason) console.warn(`[electron] SKIPPED on this machine: ${skipReason}`);

describe.skipIf(missing.length > 0)(`the Electron shell${skipReason ? ` — SKIPPED: ${skipReason}` : ''}`, () => {
  it('opens one sandboxed, context-isolated window on app:// with the bridge and nothing else', async () => {
    const dir = temporaryDirectory('keyward-electron-');
    const app = await electron.launch({
      executablePath: electronBinary!,
      args: [root],
      env: { ...process.env, KEYWARD_DB: `${dir.path}/keyward.db` },
    });
    try {
      const page = await app.firstWindow();
      await page.getByRole('heading', { name: 'Attention', level: 2 }).waitFor();
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
      // Sandboxed and context-isolated: the page's world has neither Node's process nor require.
      expect(await page.evaluate(() => typeof (window as unknown as { process?: unknown }).process)).toBe('undefined');
      expect(await page.evaluate(() => location.origin)).toBe('app://keyward');
      expect(await page.evaluate(() => Object.keys((window as unknown as { keyward: object }).keyward).sort())).toEqual(['invoke', 'on']);
      expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      await page.getByRole('button', { name: 'Inventory' }).click();
      await page.getByRole('button', { name: 'Add a custodian…' }).click();
      await page.getByRole('form', { name: 'Add a custodian' }).getByLabel('Full name').fill('Alice Example');
      await page.getByRole('button', { name: 'Add custodian' }).click();
      await page.getByRole('cell', { name: 'Alice Example' }).waitFor();
      const opened = await page.evaluate(() => window.open('https://example.com') === null);
      expect(opened).toBe(true);
    } finally {
      await app.close();
      dir.remove();
    }
  });
});
