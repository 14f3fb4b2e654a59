import { defineConfig } from 'vitest/config';

// Database tests open PGlite (a few seconds for a fresh initdb) and, when
// TEST_DATABASE_URL is set, a real PostgreSQL: give them room, never retry.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
