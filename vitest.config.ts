import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,db,app,native,electron,cli,renderer}/**/*.test.{ts,tsx}', 'test/{integration,e2e,hardware}/**/*.test.ts'],
    environment: 'node',
    // Every test, hook and worker teardown has a bounded time; a test that needs more says so itself.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 15_000,
    pool: 'forks',
    // running-files-reporter writes which files are running to $KEYWARD_TEST_PROGRESS (.ci/run
    // prints it if the suite outlives its time); the closing line is printed last.
    reporters: ['default', './test/support/running-files-reporter.ts', './test/support/closing-line-reporter.ts'],
  },
});
