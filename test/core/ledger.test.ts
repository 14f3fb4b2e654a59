// The job ledger on every engine: a (job, period) is claimed once, by one caller,
// even when many claim at the same moment; released claims can be taken again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { jobRuns } from '../../db/schema.js';
import { claimedKeys, claimRun, finishRun, releaseRun } from '../../src/core/ledger.js';
import { ENGINES } from '../helpers/engines.js';
import { eq } from 'drizzle-orm';

const NOW = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('job ledger on $name', (engine) => {
  let database: Database;
  let release: () => Promise<void>;
  beforeAll(async () => {
    ({ database, release } = await engine.open());
  });
  afterAll(async () => {
    await release();
  });

  it('claims a (job, period) once; the claim is finished with its outcome', async () => {
    const claim = await claimRun(database.db, { jobName: 'digest', periodKey: 'ws-1:2026-W48', owner: 'host:1', now: NOW });
    expect(claim).toMatchObject({ jobName: 'digest', periodKey: 'ws-1:2026-W48' });
    expect(await claimRun(database.db, { jobName: 'digest', periodKey: 'ws-1:2026-W48', owner: 'host:2', now: NOW })).toBeNull();
    // Another period, or another job with the same period, is its own claim.
    expect(await claimRun(database.db, { jobName: 'digest', periodKey: 'ws-1:2026-W49', now: NOW })).not.toBeNull();
    expect(await claimRun(database.db, { jobName: 'renewals', periodKey: 'ws-1:2026-W48', now: NOW })).not.toBeNull();

    await finishRun(database.db, claim!, { status: 'done', now: new Date(NOW.getTime() + 1500), detail: { posted: 3 } });
    const [row] = await database.db.select().from(jobRuns).where(eq(jobRuns.id, claim!.id));
    expect(row).toMatchObject({ status: 'done', owner: 'host:1', detail: { posted: 3 } });
    expect(row!.finishedAt!.toISOString()).toBe('2026-11-23T10:00:01.500Z');
  });

  it('hands a released claim to the next caller', async () => {
    const claim = await claimRun(database.db, { jobName: 'alert', periodKey: 'ticket-1', now: NOW });
    await releaseRun(database.db, claim!);
    expect(await claimRun(database.db, { jobName: 'alert', periodKey: 'ticket-1', now: NOW })).not.toBeNull();
  });

  it('tells which keys are already claimed', async () => {
    await claimRun(database.db, { jobName: 'keys', periodKey: 'a', now: NOW });
    await claimRun(database.db, { jobName: 'keys', periodKey: 'c', now: NOW });
    await claimRun(database.db, { jobName: 'other', periodKey: 'b', now: NOW });
    expect([...(await claimedKeys(database.db, 'keys', ['a', 'b', 'c', 'd']))].sort()).toEqual(['a', 'c']);
    expect(await claimedKeys(database.db, 'keys', [])).toEqual(new Set());
  });

  it('gives a period to exactly one of fifty simultaneous claimers', async () => {
    for (let period = 0; period < 5; period++) {
      const claims = await Promise.all(
        Array.from({ length: 50 }, (_, i) => claimRun(database.db, { jobName: 'race', periodKey: `p${period}`, owner: `worker-${i}`, now: NOW })),
      );
      expect(claims.filter((c) => c !== null)).toHaveLength(1);
    }
  });
});
