import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Reporter, TestCase, TestModule, TestSpecification } from 'vitest/node';

interface Running {
  readonly since: Date;
  test?: { readonly name: string; readonly since: Date };
  finished?: { readonly name: string; readonly at: Date };
}

const clock = (at: Date) => at.toISOString().slice(11, 19);

/**
 * Keeps a file, named by KEYWARD_TEST_PROGRESS, that says which test files are running now, the
 * test each is in and since when. `.ci/run` prints it when the suite outlives its time limit, so
 * a hang names its file. Without the variable it does nothing; it never writes to the terminal,
 * so the closing line stays the last one printed.
 */
export default class RunningFilesReporter implements Reporter {
  readonly #path = process.env.KEYWARD_TEST_PROGRESS;
  readonly #running = new Map<string, Running>();
  #files = 0;
  #finished = 0;

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    this.#files = new Set(specifications.map((s) => s.moduleId)).size;
    this.#write();
  }

  onTestModuleStart(module: TestModule): void {
    this.#running.set(module.relativeModuleId, { since: new Date() });
    this.#write();
  }

  onTestCaseReady(test: TestCase): void {
    const running = this.#running.get(test.module.relativeModuleId);
    if (!running) return;
    running.test = { name: test.fullName, since: new Date() };
    this.#write();
  }

  onTestCaseResult(test: TestCase): void {
    const running = this.#running.get(test.module.relativeModuleId);
    if (!running) return;
    running.test = undefined;
    running.finished = { name: test.fullName, at: new Date() };
    this.#write();
  }

  onTestModuleEnd(module: TestModule): void {
    this.#running.delete(module.relativeModuleId);
    this.#finished += 1;
    this.#write();
  }

  onTestRunEnd(): void {
    this.#running.clear();
    this.#write('the run has ended');
  }

  #write(ended?: string): void {
    if (!this.#path) return;
    const lines = [`${this.#finished} of ${this.#files} test files finished; ${ended ?? (this.#running.size ? 'running now (UTC):' : 'none running')}`];
    for (const [file, running] of this.#running) {
      lines.push(`  ${file}  since ${clock(running.since)}`);
      // A worker reports in batches: one that blocked (a synchronous call that never returned) may
      // not have said which test it had started, but the one it finished last is known.
      lines.push(running.test ? `    in "${running.test.name}"  since ${clock(running.test.since)}` : '    no test reported running: collecting, in a hook, or blocked before it could say');
      if (running.finished) lines.push(`    last finished "${running.finished.name}"  at ${clock(running.finished.at)}`);
    }
    // Written whole and renamed into place, so that a reader never sees half a file.
    const next = `${this.#path}.next`;
    mkdirSync(dirname(this.#path), { recursive: true });
    writeFileSync(next, `${lines.join('\n')}\n`);
    renameSync(next, this.#path);
  }
}
