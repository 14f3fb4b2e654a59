import { defineConfig } from 'vitest/config';

// Database tests open PGlite (a few seconds for a fresh initdb) and, when
// TEST_DATABASE_URL is set, a real PostgreSQL: give them room, never retry.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most tests wait on I/O (databases, HTTP, child processes): two workers keep a
    // 2-core machine busy without starving the timing-sensitive start-up test.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
