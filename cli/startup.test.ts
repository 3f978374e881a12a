import { build, type Metafile } from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliBuildOptions } from '../build/scripts/build-cli.mjs';
import { COMMANDS } from './command-table';

async function bundleGraph() {
  const outdir = join(import.meta.dirname, '..', '.tmp', 'cli-startup-test');
  const { metafile } = await build({ ...cliBuildOptions(outdir), write: false, metafile: true, logLevel: 'silent' });
  const outputs = (metafile as Metafile).outputs;
  const outputOf = (source: string) => {
    const found = Object.keys(outputs).find((o) => Object.keys(outputs[o]!.inputs).includes(source));
    if (!found) throw new Error(`${source} is in no chunk`);
    return found;
  };
  /** What loading these outputs loads before any dynamic import(): chunks, sources, packages. */
  const loadedWith = (...start: string[]) => {
    const chunks = new Set<string>();
    const packages = new Set<string>();
    const pending = [...start];
    while (pending.length > 0) {
      const chunk = pending.pop()!;
      if (chunks.has(chunk)) continue;
      chunks.add(chunk);
      for (const i of outputs[chunk]!.imports) {
        if (i.kind !== 'import-statement') continue;
        if (i.external) packages.add(i.path);
        else pending.push(i.path);
      }
    }
    const sources = [...chunks].flatMap((c) => Object.keys(outputs[c]!.inputs));
    return { sources, packages: [...packages].filter((p) => !p.startsWith('node:')) };
  };
  return { outputOf, loadedWith };
}

describe('the CLI bundle loads only what a command needs', () => {
  it('--help (the entry alone) loads no command module and no package: neither pdfkit, qrcode, @simplewebauthn/server nor SQLite', async () => {
    const { outputOf, loadedWith } = await bundleGraph();
    const atStart = loadedWith(outputOf('cli/main.ts'));
    expect(atStart.sources.filter((s) => s.startsWith('cli/commands/') || s.startsWith('app/reports/') || s.startsWith('db/'))).toEqual([]);
    expect(atStart.packages).toEqual([]);
  });

  it('status loads SQLite and no other package; report loads pdfkit and qrcode', async () => {
    const { outputOf, loadedWith } = await bundleGraph();
    const status = loadedWith(outputOf('cli/main.ts'), outputOf('cli/commands/ledger.ts'), outputOf('app/keyward.ts'));
    expect(status.packages).toEqual(['better-sqlite3']);
    const report = loadedWith(outputOf('cli/commands/report.ts'));
    expect(report.packages).toEqual(expect.arrayContaining(['pdfkit', 'qrcode']));
  });

  it('every command in the table has its run, and no two commands share their words', async () => {
    for (const command of COMMANDS) expect(typeof (await command.load()), command.path.join(' ')).toBe('function');
    const words = COMMANDS.map((c) => c.path.join(' '));
    expect(new Set(words).size).toBe(words.length);
  });
});
