import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,db,app,native,electron,cli,renderer}/**/*.test.{ts,tsx}', 'test/{integration,e2e,hardware}/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/support/closing-line-reporter.ts'],
  },
});
