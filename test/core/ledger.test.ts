// The job ledger on every engine: a (job, period) is claimed once, by one caller,
// even when many claim at the same moment; released claims can be taken again; a
// claim left 'running' is taken over when its claimer is certainly gone or its
// lease has passed, never inside the lease of a claimer that may be alive.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { jobRuns, workspaces } from '../../db/schema.js';
import {
  claimRun,
  claimWithLease,
  currentClaimer,
  finishedKeys,
  finishRun,
  heldRun,
  noteRun,
  releaseRun,
  runDetail,
  runIs,
  takeoverReason,
  type Claimer,
  type HeldRun,
} from '../../src/core/ledger.js';
import { ensureWorkspace } from '../../src/core/workspaces.js';
import { ENGINES } from '../helpers/engines.js';

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

  it('tells which keys are finished, leaving out those still running', async () => {
    const a = await claimRun(database.db, { jobName: 'keys', periodKey: 'a', now: NOW });
    const c = await claimRun(database.db, { jobName: 'keys', periodKey: 'c', now: NOW });
    await claimRun(database.db, { jobName: 'keys', periodKey: 'e', now: NOW });
    await claimRun(database.db, { jobName: 'other', periodKey: 'b', now: NOW });
    await finishRun(database.db, a!, { status: 'done', now: NOW });
    await finishRun(database.db, c!, { status: 'failed', now: NOW });
    expect([...(await finishedKeys(database.db, 'keys', ['a', 'b', 'c', 'd', 'e']))].sort()).toEqual(['a', 'c']);
    expect(await finishedKeys(database.db, 'keys', [])).toEqual(new Set());
  });

  it('tells another table’s query which of its rows have a running or a finished run, binding to that table', async () => {
    const [one, two, three] = await Promise.all(['one', 'two', 'three'].map((n) => ensureWorkspace(database.db, { platform: 'console', externalId: `ledger-${n}`, name: n, timezone: 'UTC' })));
    await finishRun(database.db, (await claimRun(database.db, { jobName: 'ws-job', periodKey: one!.id, now: NOW }))!, { status: 'done', now: NOW });
    await claimRun(database.db, { jobName: 'ws-job', periodKey: two!.id, now: NOW });
    const ours = sql`${workspaces.externalId} like 'ledger-%'`;
    const names = async (state: 'running' | 'finished') =>
      (await database.db.select({ name: workspaces.name }).from(workspaces).where(and(ours, runIs('ws-job', sql`${workspaces.id}::text`, state)))).map((r) => r.name);
    expect(await names('finished')).toEqual(['one']);
    expect(await names('running')).toEqual(['two']);
    // Against a direct query of the ledger.
    const direct = await database.db.select({ key: jobRuns.periodKey, status: jobRuns.status }).from(jobRuns).where(eq(jobRuns.jobName, 'ws-job'));
    expect(direct.map((r) => [r.key, r.status]).sort()).toEqual([[one!.id, 'done'], [two!.id, 'running']].sort());
    expect(three).toBeDefined();
  });

  it('keeps what a claim notes, for whoever reads or takes it over', async () => {
    const claim = await claimRun(database.db, { jobName: 'noted', periodKey: 'p', now: NOW, detail: { channelId: 'C1' } });
    await noteRun(database.db, claim!, { surveyId: 'abc' });
    expect(await runDetail(database.db, 'noted', 'p')).toEqual({ channelId: 'C1', surveyId: 'abc' });
    expect(await runDetail(database.db, 'noted', 'never')).toBeUndefined();
  });

  it('gives a period to exactly one of fifty simultaneous claimers', async () => {
    for (let period = 0; period < 5; period++) {
      const claims = await Promise.all(
        Array.from({ length: 50 }, (_, i) => claimRun(database.db, { jobName: 'race', periodKey: `p${period}`, owner: `worker-${i}`, now: NOW })),
      );
      expect(claims.filter((c) => c !== null)).toHaveLength(1);
    }
  });

  describe('claims with a lease', () => {
    const LEASE = 5 * 60_000;
    const me = currentClaimer();
    const elsewhere = (label: string): Claimer => ({ label, pid: 1, instance: label, scope: null });
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    const lease = (periodKey: string, claimer: Claimer, now: Date) => claimWithLease(database.db, { jobName: 'leased', periodKey, claimer, now, leaseMs: LEASE });

    it('claims afresh; leaves a claim inside its lease; takes it over once, after the lease, with what it had noted', async () => {
      const first = await lease('fresh', elsewhere('first'), at(0));
      expect(first).toMatchObject({ jobName: 'leased', periodKey: 'fresh' });
      expect(first!.takenOver).toBeUndefined();
      await noteRun(database.db, first!, { surveyId: 's-1' });
      expect(await lease('fresh', elsewhere('second'), at(299))).toBeNull();
      expect(await lease('fresh', me, at(299))).toBeNull();
      const takeovers = await Promise.all(['a', 'b', 'c'].map((label) => lease('fresh', elsewhere(label), at(301))));
      const won = takeovers.filter((t) => t !== null);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ id: first!.id, takenOver: { from: 'first', why: 'lease expired', detail: { surveyId: 's-1' } } });
      const held = await heldRun(database.db, 'leased', 'fresh');
      expect(held).toMatchObject({ status: 'running', startedAt: at(301), detail: { surveyId: 's-1', takenOver: { from: 'first', why: 'lease expired' } } });
      expect(['a', 'b', 'c']).toContain(held!.owner);
      // The new claimer has a lease of its own.
      expect(await lease('fresh', elsewhere('late'), at(302))).toBeNull();
    });

    it('never takes over a finished run, however old', async () => {
      for (const status of ['done', 'failed'] as const) {
        const claim = await lease(`finished-${status}`, elsewhere('x'), at(0));
        await finishRun(database.db, claim!, { status, now: at(1) });
        expect(await lease(`finished-${status}`, elsewhere('y'), at(86_400))).toBeNull();
        expect((await heldRun(database.db, 'leased', `finished-${status}`))!.status).toBe(status);
      }
    });

    it.runIf(me.scope !== null)('takes over at once from a claimer certainly gone on this machine, never from a live one inside its lease (Linux)', async () => {
      const gone: Claimer = { label: 'gone', pid: 2 ** 22 + 17, instance: 'gone-start', scope: me.scope };
      const live: Claimer = { label: 'live', pid: process.ppid, instance: 'live-start', scope: me.scope };
      await lease('gone', gone, at(0));
      await lease('live', live, at(0));
      expect(await lease('gone', me, at(1))).toMatchObject({ takenOver: { from: 'gone', why: 'claimer process is gone' } });
      expect(await lease('live', me, at(1))).toBeNull();
      expect(await lease('live', me, at(301))).toMatchObject({ takenOver: { from: 'live', why: 'lease expired' } });
    });
  });
});

describe('takeover reasons', () => {
  const me: Claimer = { label: 'me', pid: 100, instance: 'me-now', scope: 'boot/ns' };
  const held = (over: Partial<HeldRun>): HeldRun => ({ id: 'r', status: 'running', owner: 'x', startedAt: NOW, claimer: null, detail: {}, ...over });
  const LEASE = 60_000;
  it.each([
    ['a fresh claim by a claimer elsewhere', held({}), 59_999, null],
    ['a claim elsewhere past its lease', held({}), 60_001, 'lease expired'],
    ['a finished run past any lease', held({ status: 'done' }), 10 * LEASE, null],
    ['a failed run past any lease', held({ status: 'failed' }), 10 * LEASE, null],
    ['an earlier start of this very pid, just now', held({ claimer: { pid: 100, instance: 'me-before', scope: 'boot/ns' } }), 1, 'claimer process is gone'],
    ['this very start of the process, inside the lease', held({ claimer: { pid: 100, instance: 'me-now', scope: 'boot/ns' } }), 1, null],
    ['this very start of the process, past the lease', held({ claimer: { pid: 100, instance: 'me-now', scope: 'boot/ns' } }), 60_001, 'lease expired'],
    ['a pid of another boot, inside the lease', held({ claimer: { pid: 100, instance: 'other', scope: 'other-boot/ns' } }), 1, null],
  ] as const)('%s', (_what, run, afterMs, reason) => {
    expect(takeoverReason(run, me, new Date(NOW.getTime() + afterMs), LEASE)).toBe(reason);
  });
});
