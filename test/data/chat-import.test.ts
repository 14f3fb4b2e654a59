// The once-only decision for a CSV shared in chat, on every database engine: two
// decisions at the same moment take one, the import and its claim commit or roll
// back together, and a changed file is a new version with a decision of its own.
import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { accounts, jobRuns } from '../../db/schema.js';
import { ensureUser, ensureWorkspace } from '../../src/core/workspaces.js';
import { decideImport, fileDigest, priorDecision } from '../../src/data/chat-import.js';
import { ENGINES, onDatabase } from '../helpers/engines.js';

const now = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('CSV import decisions on $name', (engine) => {
  let database: Database;
  onDatabase(engine, (opened) => (database = opened));

  const setup = async (name: string) => {
    const ws = await ensureWorkspace(database.db, { platform: 'slack', externalId: name, name, timezone: 'UTC' });
    const ana = await ensureUser(database.db, ws.id, { platformUserId: 'UANA', displayName: 'ana' });
    const ben = await ensureUser(database.db, ws.id, { platformUserId: 'UBEN', displayName: 'ben' });
    const by = (u: typeof ana) => ({ userId: u.id, platformUserId: u.platformUserId, name: u.displayName, now });
    return { ws, ana: by(ana), ben: by(ben) };
  };
  const accountCount = async (workspaceId: string) =>
    (await database.db.select({ n: count() }).from(accounts).where(eq(accounts.workspaceId, workspaceId)))[0]!.n;

  it('takes one of two simultaneous decisions, and hands the other the first', async () => {
    const { ws, ana, ben } = await setup('T-race');
    const content = 'name,arr\nRace One,1k\nRace Two,2k\n';
    const file = { id: 'F1', name: 'race.csv', digest: fileDigest(content) };
    const [a, b] = await Promise.all([
      decideImport(database.db, ws.id, file, { kind: 'import', content }, ana),
      decideImport(database.db, ws.id, file, { kind: 'cancel' }, ben),
    ]);
    expect([a.taken, b.taken].sort()).toEqual([false, true]);
    const winner = a.taken ? a : b;
    const loser = a.taken ? b : a;
    expect(loser.decision).toEqual(winner.decision);
    expect(await accountCount(ws.id)).toBe(winner.decision.decision === 'imported' ? 2 : 0);
    expect(await priorDecision(database.db, ws.id, file)).toEqual(winner.decision);
    const rows = await database.db.select().from(jobRuns).where(and(eq(jobRuns.jobName, 'csv-import'), eq(jobRuns.workspaceId, ws.id)));
    expect(rows.map((r) => r.status)).toEqual(['done']);
  });

  it('rolls the claim back with a failed import, so it can be tried again; a new version is decided anew', async () => {
    const { ws, ana } = await setup('T-retry');
    const broken = 'invoice,total\n1,20\n';
    const file = { id: 'F2', name: 'broken.csv', digest: fileDigest(broken) };
    await expect(decideImport(database.db, ws.id, file, { kind: 'import', content: broken }, ana)).rejects.toThrow(/No account column/);
    expect(await priorDecision(database.db, ws.id, file)).toBeUndefined();

    const content = 'name\nRetry Ltd\n';
    const fixed = { ...file, digest: fileDigest(content) };
    const first = await decideImport(database.db, ws.id, fixed, { kind: 'import', content }, ana);
    expect(first).toMatchObject({ taken: true, decision: { decision: 'imported', created: 1, byName: 'ana', file: 'broken.csv' } });
    const edited = 'name\nRetry Ltd\nSecond Ltd\n';
    const next = await decideImport(database.db, ws.id, { ...file, digest: fileDigest(edited) }, { kind: 'import', content: edited }, ana);
    expect(next).toMatchObject({ taken: true, decision: { created: 1, unchanged: 1 } });
    expect(await accountCount(ws.id)).toBe(2);
  });
});
