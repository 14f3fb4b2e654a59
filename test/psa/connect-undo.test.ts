// Undo on a PSA connection (issue 24, item 6), on every engine, against the local
// ConnectWise fake: the confirmation of the first import carries an Undo that removes
// the connection as /tenure connect remove does (the tickets it synced stay), for the
// admin who confirmed it, for a day, once; refused when the connection changed since.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { createRegistry, type Registry } from '../../commands/registry.js';
import type { Database } from '../../db/client.js';
import { auditLog, psaConnections, psaTickets, tickets, users } from '../../db/schema.js';
import { ensureUser } from '../../src/core/workspaces.js';
import type { Action } from '../../src/messages/message.js';
import { collectingLog, newContext } from '../helpers/context.js';
import { ENGINES } from '../helpers/engines.js';
import { replyText, undoButton } from '../helpers/reply-parts.js';
import { FakeConnectwise } from './fake-connectwise.js';

const KEY = Buffer.alloc(32, 9);
const NOW = new Date('2026-11-23T09:00:00Z');
const at = (hours: number) => new Date(NOW.getTime() + hours * 60 * 60_000);
const CONTOSO = { id: 250, name: 'Contoso Ltd.' };
const NORTHWIND = { id: 410, name: 'Northwind Traders' };

describe.each(ENGINES)('undoing a PSA connection on $name', (engine) => {
  const fake = new FakeConnectwise();
  const errors = collectingLog();
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as never;
  let database: Database;
  let release: () => Promise<void>;
  let registry: Registry;

  beforeAll(async () => {
    ({ database, release } = await engine.open());
    await fake.start();
    registry = createRegistry(errors, { connect: { key: KEY, publicUrl: () => undefined, logger: quiet } });
    fake.setCompanies([CONTOSO, NORTHWIND]);
    fake.put({ id: 1001, company: CONTOSO, priority: 'critical', openedAt: '2026-11-20T10:00:00Z' });
    fake.put({ id: 1004, company: NORTHWIND, priority: 'minor', openedAt: '2026-11-20T13:00:00Z' });
  });
  afterAll(async () => {
    await fake.stop();
    await release();
    expect(errors.entries).toEqual([]);
  });

  /** A workspace with Contoso Ltd., ana and bo both admins, and ConnectWise connected and imported by ana. */
  async function connected(): Promise<{ ana: CommandContext; bo: CommandContext; undo: Action; confirmation: string }> {
    const ana = await newContext(database.db, { now: NOW });
    const boUser = await ensureUser(database.db, ana.workspace.id, { platformUserId: 'bo', displayName: 'bo' });
    await database.db.update(users).set({ role: 'admin' }).where(eq(users.workspaceId, ana.workspace.id));
    const bo = { ...ana, user: { ...boUser, role: 'admin' as const } };
    expect(replyText(await registry.run(ana, '/account add "Contoso Ltd."'))).toContain('Contoso Ltd.');
    const submitted = await registry.submit(ana, 'connect.credentials', fake.form(), { connector: 'connectwise' });
    if (!submitted.ok) throw new Error(JSON.stringify(submitted.errors));
    const confirm = submitted.reply.messages[0]!.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []))[0]!;
    const imported = await registry.press(ana, confirm.id, confirm.value);
    return { ana, bo, undo: undoButton(imported), confirmation: replyText(imported) };
  }
  const connectionOf = async (ctx: CommandContext) => (await database.db.select().from(psaConnections).where(eq(psaConnections.workspaceId, ctx.workspace.id)))[0];
  const undoEntries = (ctx: CommandContext) =>
    database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.action, 'undo-connect')));

  it('removes the connection for the admin who made it, keeping the synced tickets; once; audited', async () => {
    const { ana, bo, undo, confirmation } = await connected();
    expect(confirmation).toContain('ConnectWise PSA imported: 1 ticket synced, 1 kept aside');
    expect(confirmation).toContain('Undo works for you until Tue 24 Nov 2026 09:00 (UTC). Later, disconnect it with /tenure connect remove connectwise.');
    expect(undo.id).toBe('connect.undo');
    const connection = (await connectionOf(ana))!;

    const other = replyText(await registry.press({ ...bo, now: at(1) }, undo.id, undo.value));
    expect(other).toContain('Connecting ConnectWise PSA was made by @ana: only they can undo it (until Tue 24 Nov 2026 09:00 (UTC)).');
    expect(await connectionOf(ana)).toBeDefined();

    const undone = await registry.press({ ...ana, now: at(1) }, undo.id, undo.value);
    expect(undone.messages).toEqual([]);
    expect(undone.update?.text).toBe(
      "Undid connecting ConnectWise PSA: the connection and its credentials are deleted. The 1 ticket it synced stays in Tenure, with everything typed on it; the 1 ticket kept aside for unmatched companies went with it. Remove Tenure's callback or webhook in the PSA too.",
    );
    expect(await connectionOf(ana)).toBeUndefined();
    const synced = await database.db.select().from(tickets).where(eq(tickets.workspaceId, ana.workspace.id));
    expect(synced.map((t) => t.title)).toEqual(['Ticket 1001']);
    expect(await database.db.select().from(psaTickets).where(and(eq(psaTickets.workspaceId, ana.workspace.id), eq(psaTickets.externalId, '1004')))).toEqual([]);
    expect(await undoEntries(ana)).toMatchObject([{ entityType: 'psa-connection', entityId: connection.id, actorUserId: ana.user.id, before: { connector: 'connectwise' } }]);
    expect(replyText(await registry.run({ ...ana, now: at(1) }, '/tenure connect list'))).toContain('No PSA is connected here');

    const again = replyText(await registry.press({ ...ana, now: at(2) }, undo.id, undo.value));
    expect(again).toContain('Connecting ConnectWise PSA was already undone by @ana on Mon 23 Nov 2026 10:00 (UTC).');
    expect(await undoEntries(ana)).toHaveLength(1);
  });

  it('refuses after a day, and when the connection changed since, keeping it', async () => {
    const { ana, undo } = await connected();
    const late = replyText(await registry.press({ ...ana, now: at(25) }, undo.id, undo.value));
    expect(late).toContain('Connecting ConnectWise PSA was made on Mon 23 Nov 2026 09:00 (UTC): it could be undone for a day, until Tue 24 Nov 2026 09:00 (UTC).');
    expect(late).toContain('/tenure connect remove');

    expect(replyText(await registry.run({ ...ana, now: at(1) }, `/tenure connect priority connectwise "${fake.priorityName('minor')}" major`))).toContain('now counts as major');
    const changed = replyText(await registry.press({ ...ana, now: at(2) }, undo.id, undo.value));
    expect(changed).toContain('ConnectWise PSA has changed since (a priority was mapped), so undoing the connection would lose that.');
    expect(changed).toContain('/tenure connect remove connectwise');
    expect(await connectionOf(ana)).toBeDefined();
    expect(await undoEntries(ana)).toEqual([]);
    expect(replyText(await registry.press(ana, undo.id, 'garbage'))).toContain('That connection can no longer be undone from here.');
  });
});
