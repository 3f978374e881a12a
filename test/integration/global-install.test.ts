// `npm install -g` of the packed tarball gives a keyward that works anywhere, as a person gets
// it: `npm pack` (whose `prepare` builds the bundle), installed into a fresh prefix with the
// dependencies from the registry (or npm's cache) and the native addons built by their install
// scripts, then run from outside the repository. It takes a minute or two, mostly compiling
// better-sqlite3 where its prebuilt binary cannot be downloaded.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killAfter } from '../support/children';

const root = join(import.meta.dirname, '..', '..');
const NATIVE = 'better-sqlite3,node-hid,pcsclite';

function run(command: string, args: readonly string[], options: SpawnSyncOptions) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...killAfter(8 * 60_000), ...options });
  if (result.error) throw result.error;
  return { code: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Why an install failed for a reason outside the project (no registry, no compiler), if it did. */
function outsideReason(output: string): string | undefined {
  const network = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|ENOTCACHED)\b.*/.exec(output);
  if (network) return `the npm registry cannot be reached from here (${network[0].slice(0, 160)})`;
  const gyp = /gyp ERR! (stack Error: .*|find Python.*|.*not found: (make|g\+\+|cc).*)/.exec(output) ?? /fatal error: (.*): No such file or directory/.exec(output);
  if (gyp) return `a native addon cannot be compiled on this machine (${gyp[0].slice(0, 160)}); see the Debian packages in README`;
  return undefined;
}

describe('npm install -g of the packed tarball', () => {
  it('gives a keyward that shows its help, initialises a database, reports its status and writes a PDF report, outside the repository', { timeout: 15 * 60_000 }, (context) => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-global-'));
    try {
      const pack = run('npm', ['pack', '--pack-destination', dir], { cwd: root });
      expect(pack.code, pack.stderr).toBe(0);
      const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
      expect(tarball).toBeDefined();

      const prefix = join(dir, 'prefix');
      // --allow-scripts: npm is moving to blocking dependencies' install scripts unless allowed,
      // and these three build or verify their native addons in them.
      const install = run('npm', ['install', '--global', '--prefix', prefix, `--allow-scripts=${NATIVE}`, '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball!)], { cwd: dir });
      if (install.code !== 0) {
        const reason = outsideReason(`${install.stdout}\n${install.stderr}`);
        if (reason) {
          console.warn(`SKIPPED npm install -g of the tarball: ${reason}`);
          context.skip(reason);
        }
      }
      expect(install.code, install.stderr).toBe(0);

      // What runs is the bundle: the installed package holds neither the TypeScript nor tsx.
      const installed = join(prefix, 'lib', 'node_modules', 'keyward');
      expect(existsSync(join(installed, 'dist', 'cli', 'keyward.mjs'))).toBe(true);
      expect(existsSync(join(installed, 'cli', 'main.ts'))).toBe(false);
      expect(existsSync(join(installed, 'node_modules', 'tsx'))).toBe(false);

      const bin = join(prefix, 'bin', 'keyward');
      const env = { ...process.env, KEYWARD_DB: undefined };
      const elsewhere = { cwd: dir, env, timeout: 60_000 };
      const help = run(bin, ['--help'], elsewhere);
      expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('usage: keyward') });
      expect(help.stdout).toContain('report');

      const db = join(dir, 'keyward.db');
      const init = run(bin, ['--db', db, 'init'], elsewhere);
      expect(init, init.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining(`created: ${db}`) });
      // A fresh database has critical findings open (fewer than two accounts), so status exits 2.
      const status = run(bin, ['--db', db, '--json', 'status'], elsewhere);
      expect(status.code, status.stderr).toBe(2);
      expect(JSON.parse(status.stdout)).toMatchObject({ path: db, ledger: { entries: 1 }, findings: { ledgerVerified: true } });
      // A command whose chunk loads its own libraries, which find their data files (pdfkit's font
      // metrics, the DejaVu fonts) in the installed dependencies.
      const pdf = join(dir, 'report.pdf');
      const report = run(bin, ['--db', db, 'report', '--from', '2026-01-01', '--to', '2026-12-31', '--out', pdf], elsewhere);
      expect(report, report.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining(`to ${pdf}`) });
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
