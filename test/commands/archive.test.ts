// /account archive and /account restore (issue 24, item 6), on every database engine:
// admins only; an archived account leaves the lists, forms, KPIs, renewals, the
// portfolio's health and the SLA watch, and keeps its history; the Undo button and
// /account restore bring it back; both audited.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { auditLog, checkins, tickets } from '../../db/schema.js';
import { unansweredTickets } from '../../src/core/tickets.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { replyButtons, replyText } from '../helpers/reply-parts.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const plain = replyText;
const buttons = replyButtons;

describe.each(ENGINES)('archiving accounts on $name', (engine) => {
  const t = registryOn(engine);

  async function workspace(): Promise<{ admin: CommandContext; member: CommandContext }> {
    const admin = await newContext(t.database.db, { now: NOW });
    // The first person to change a setting becomes the workspace's admin.
    await t.registry.run(admin, '/tenure settings currency=USD');
    const member = await newContext(t.database.db, { now: NOW, user: 'bo', workspace: admin.workspace.externalId });
    for (const line of ['/account add "Acme Corp" arr=100k renewal=2027-01-15', '/account add Initech arr=50k renewal=2027-01-10', '/checkin Initech call Said they are winding down', '/ticket Initech critical Mail down']) {
      await t.registry.run(admin, line);
    }
    return { admin, member };
  }
  const run = async (ctx: CommandContext, line: string) => plain(await t.registry.run(ctx, line));

  it('takes an archived account out of lists, forms, KPIs, renewals, health and SLA alerts, and keeps its history', async () => {
    const { admin, member } = await workspace();
    expect(await run(member, '/account archive Initech')).toContain('Only workspace admins can archive and restore accounts');
    expect(await run(admin, '/kpis')).toContain('ARR: $150,000');

    const archived = await t.registry.run(admin, '/account archive Initech');
    expect(plain(archived)).toContain('Archived Initech: it leaves every list, alert and KPI; its check-ins, tickets and surveys are kept.');
    expect(buttons(archived).map((b) => [b.id, b.label])).toEqual([['account.undo-archive', 'Undo']]);

    expect(await run(admin, '/account list')).not.toContain('Initech');
    expect(await run(admin, '/kpis')).toContain('ARR: $100,000');
    expect(await run(admin, '/renewals')).not.toContain('Initech');
    expect(await run(admin, '/health')).toContain('Portfolio health — 1 account');
    const form = (await t.registry.run(admin, '/checkin')).form!;
    expect(form.fields.find((f) => f.id === 'account')!.options!.map((o) => o.value)).toEqual(['Acme Corp']);
    expect(await unansweredTickets(t.database.db, admin.workspace.id, { now: new Date(NOW.getTime() + 86_400_000) })).toEqual([]);
    expect(await run(admin, '/ticket list')).toContain('Open tickets: none.');
    expect(await run(admin, '/ticket list Initech')).toContain('Mail down');
    // Part of its name no longer finds it; its whole name does, and its card says so.
    expect(await run(admin, '/account init')).toContain('No account named "init"');
    expect(await run(admin, '/account Initech')).toContain('Initech is archived since Mon 23 Nov 2026 10:00 (UTC): it is left out of every list, alert and KPI.');
    // Its card offers no new work (Log a check-in, Link this channel); a live account's does.
    expect(buttons(await t.registry.run(admin, '/account Initech')).map((b) => b.id)).toEqual([]);
    expect(buttons(await t.registry.run(admin, '/account "Acme Corp"')).map((b) => b.id)).toEqual(['checkin.form', 'account.link']);
    expect(await run(admin, '/account archive Initech')).toContain('Initech is already archived');
    // History is kept.
    expect(await t.database.db.select().from(checkins).where(eq(checkins.workspaceId, admin.workspace.id))).toHaveLength(1);
    expect(await t.database.db.select().from(tickets).where(eq(tickets.workspaceId, admin.workspace.id))).toHaveLength(1);

    expect(await run(member, '/account restore Initech')).toContain('Only workspace admins');
    expect(await run(admin, '/account restore Initech')).toContain('Restored Initech: it is back in lists, alerts and KPIs, with its history.');
    expect(await run(admin, '/account list')).toContain('Initech');
    expect(await run(admin, '/kpis')).toContain('ARR: $150,000');
    expect(await run(admin, '/account restore Initech')).toContain('Initech is not archived');
    const actions = (await t.database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, admin.workspace.id), eq(auditLog.entityType, 'account')))).map((e) => e.action);
    expect(actions.filter((a) => a === 'archive' || a === 'restore')).toEqual(['archive', 'restore']);
  });

  it('undoes an archive with the confirmation’s Undo button', async () => {
    const { admin } = await workspace();
    const archived = await t.registry.run(admin, '/account archive "Initech"');
    const [undo] = buttons(archived);
    const restored = await t.registry.press(admin, undo!.id, undo!.value);
    expect(restored.update?.text).toBe('Restored Initech: it is back in lists, alerts and KPIs.');
    expect(await run(admin, '/account list')).toContain('Initech');
  });
});
