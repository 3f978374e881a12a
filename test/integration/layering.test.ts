import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const fixture = (name: string) => readFileSync(join(root, 'test/fixtures/layering-violation', name), 'utf8');

/** Lints a fixture's text as if it sat at `asPath` in the tree, with the project's own config. */
async function lintAs(name: string, asPath: string) {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(fixture(name), { filePath: join(root, asPath) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the layering lint rule', () => {
  it('fires when core imports db or a Node module', async () => {
    const messages = await lintAs('core-imports-db.ts', 'core/layering-probe.ts');
    expect(messages).toContainEqual(expect.stringMatching(/import-x\/no-restricted-paths: .*core must not import db/));
    expect(messages).toContainEqual(expect.stringMatching(/no-restricted-imports: .*'node:fs'.*core is pure/));
  });

  it('fires when the renderer imports a use case', async () => {
    const messages = await lintAs('renderer-imports-app.ts', 'renderer/src/layering-probe.ts');
    expect(messages).toContainEqual(expect.stringMatching(/renderer must not import app/));
  });

  it('fires when the CLI reaches into db', async () => {
    const messages = await lintAs('cli-imports-db.ts', 'cli/layering-probe.ts');
    expect(messages).toContainEqual(expect.stringMatching(/cli must not import db/));
  });

  it('is an error, so that npm test fails on it', async () => {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText(fixture('core-imports-db.ts'), { filePath: join(root, 'core/layering-probe.ts') });
    expect(result!.errorCount).toBeGreaterThanOrEqual(2);
  });
});
