// Service-desk KPIs (/ticket stats) and the ticket signals for the health score,
// on every engine, over a small week of tickets whose numbers are worked out by
// hand below (business hours 08:00–17:00 Mon–Fri, UTC).
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { accounts } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { DEFAULT_BUSINESS_HOURS } from '../../src/core/sla.js';
import { mean, median, ticketHealthSignals, ticketStats } from '../../src/core/ticket-stats.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { eq } from 'drizzle-orm';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const HOURS = { ...DEFAULT_BUSINESS_HOURS, timezone: 'UTC' };
const FRIDAY_NOON = new Date('2026-11-27T12:00:00Z');

describe('mean and median', () => {
  it.each([
    [[], null, null],
    [[5], 5, 5],
    [[30, 330, 180], 180, 180],
    [[10, 20, 30, 1000], 265, 25],
    [[3, 1, 2], 2, 2],
  ] as [number[], number | null, number | null][])('%j', (values, m, med) => {
    expect(mean(values)).toBe(m);
    expect(median(values)).toBe(med);
  });
});

describe.each(ENGINES)('ticket KPIs on $name', (engine) => {
  const t = registryOn(engine);

  /**
   * The week (Mon 23 – Fri 27 Nov 2026), seen on Friday at noon:
   * #1 Acme critical  Mon 10:00, due 11:00;      ack 10:30 (30 min, met);      resolved Mon 14:00 (240 min)
   * #2 Acme major     Mon 15:00, due Tue 10:00;  ack Tue 11:30 (330 min, missed); resolved Wed 15:00 (2 days = 2,880 min)
   * #3 Globex minor   Tue 09:00, due Tue 17:00;  never answered → missed
   * #4 Globex cosmetic Fri 11:00, due Mon 14:00; not answered yet → pending
   * #5 Globex major   Thu 09:00, due 13:00;      resolved 12:00 without ack → first response 180 min, met; 180 min to resolve
   * #6 Acme critical  Fri 09:00, due 10:00;      open, unanswered → an open critical and a breach
   * #7 Acme critical  Wed 1 Jul 08:00, due 09:00; answered 12:00 (240 min, late), resolved → a breach, but older than 90 days
   */
  async function week(): Promise<CommandContext> {
    const ctx = await newContext(t.database.db, { now: new Date('2026-07-01T08:00:00Z') });
    const at = (iso: string) => ({ ...ctx, now: new Date(iso) });
    const run = async (iso: string, input: string) => {
      const reply = await t.registry.run(at(iso), input);
      if (reply.messages[0]?.tone === 'error') throw new Error(`${input}: ${plain(reply)}`);
    };
    await run('2026-07-01T08:00:00Z', '/account add "Acme Corp"');
    await run('2026-07-01T08:00:00Z', '/account add Globex');
    await run('2026-07-01T08:00:00Z', '/account add Initech');
    await run('2026-11-23T10:00:00Z', '/ticket "Acme Corp" critical Portal down tech=web');
    await run('2026-11-23T10:30:00Z', '/ticket ack 1');
    await run('2026-11-23T14:00:00Z', '/ticket resolve 1');
    await run('2026-11-23T15:00:00Z', '/ticket "Acme Corp" major Slow VPN tech=networking');
    await run('2026-11-24T11:30:00Z', '/ticket ack 2');
    await run('2026-11-25T15:00:00Z', '/ticket resolve 2');
    await run('2026-11-24T09:00:00Z', '/ticket Globex minor Reports are slow tech=web');
    await run('2026-11-27T11:00:00Z', '/ticket Globex cosmetic Logo is blurry');
    await run('2026-11-26T09:00:00Z', '/ticket Globex major Mail delays tech=email');
    await run('2026-11-26T12:00:00Z', '/ticket resolve 5');
    await run('2026-11-27T09:00:00Z', '/ticket "Acme Corp" critical Everything is down');
    // Renumbered #7 but opened in July: outside the 30-day window and the 90-day breach window.
    await run('2026-07-01T08:00:00Z', '/ticket "Acme Corp" critical Old outage');
    await run('2026-07-01T12:00:00Z', '/ticket ack 7');
    await run('2026-07-02T12:00:00Z', '/ticket resolve 7');
    return ctx;
  }

  it('counts per customer and severity, SLA attainment, first response and time to resolve', async () => {
    const ctx = await week();
    const noise = await newContext(t.database.db, { now: FRIDAY_NOON });
    await t.registry.run(noise, '/account add "Acme Corp"');
    await t.registry.run(noise, '/ticket "Acme Corp" critical Another workspace’s ticket');

    const stats = await ticketStats(t.database.db, ctx.workspace.id, { now: FRIDAY_NOON, days: 30, hours: HOURS });
    expect(stats.opened).toBe(6);
    expect(stats.bySeverity).toEqual({ critical: 2, major: 2, minor: 1, cosmetic: 1 });
    expect(stats.byAccount.map((a) => [a.accountName, a.count])).toEqual([
      ['Acme Corp', 3],
      ['Globex', 3],
    ]);
    expect(stats.byTechnology).toEqual([
      { technology: 'web', count: 2 },
      { technology: 'email', count: 1 },
      { technology: 'networking', count: 1 },
    ]);
    // Met: #1, #5. Missed: #2 (late), #3 and #6 (deadline passed, no answer). Pending: #4.
    expect(stats.sla).toEqual({ met: 2, missed: 3, pending: 1, attainmentPct: 40 });
    // First responses 30, 330 and 180 business minutes.
    expect(stats.firstResponse).toEqual({ count: 3, meanMinutes: 180, medianMinutes: 180 });
    // Resolved after 240, 2,880 and 180 elapsed minutes: mean 1,100 = 18 h 20 min.
    expect(stats.resolution).toEqual({ count: 3, meanMinutes: 1100 });

    const text = plain(await t.registry.run({ ...ctx, now: FRIDAY_NOON }, '/ticket stats'));
    expect(text).toContain('Service desk — last 30 days');
    expect(text).toContain('Tickets opened: 6');
    expect(text).toContain('SLA attainment: 40% (2 met, 3 missed, 1 still inside their window)');
    expect(text).toContain('First response (business time): mean 3 h · median 3 h (3 tickets)');
    expect(text).toContain('Mean time to resolve: 18 h 20 min (3 resolved)');
    expect(text).toContain('By severity: 🔴 critical 2 · 🟠 major 2 · 🟡 minor 1 · ⚪ cosmetic 1');
    expect(text).toContain('By customer\nAcme Corp: 3\nGlobex: 3');

    // One day back from Friday noon: only #4 (Fri 11:00) and #6 (Fri 09:00).
    const day = await ticketStats(t.database.db, ctx.workspace.id, { now: FRIDAY_NOON, days: 1, hours: HOURS });
    expect(day).toMatchObject({ opened: 2, sla: { met: 0, missed: 1, pending: 1, attainmentPct: 0 }, firstResponse: { count: 0, meanMinutes: null, medianMinutes: null } });
    // 150 days back reaches July's #7: first responses 30, 180, 240, 330 → mean 195, median (180 + 240) / 2 = 210.
    const long = await ticketStats(t.database.db, ctx.workspace.id, { now: FRIDAY_NOON, days: 150, hours: HOURS });
    expect(long.opened).toBe(7);
    expect(long.firstResponse).toEqual({ count: 4, meanMinutes: 195, medianMinutes: 210 });
    expect(long.sla).toEqual({ met: 2, missed: 4, pending: 1, attainmentPct: (2 / 6) * 100 });

    const empty = plain(await t.registry.run({ ...ctx, now: new Date('2027-06-01T12:00:00Z') }, '/ticket stats 7'));
    expect(empty).toContain('Service desk — last 7 days');
    expect(empty).toContain('No tickets were opened in this window.');
  });

  it('exposes open critical tickets and SLA breaches of the last 90 days per account', async () => {
    const ctx = await week();
    const ids = Object.fromEntries(
      (await t.database.db.select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id))).map((a) => [a.name, a.id]),
    );
    const signals = await ticketHealthSignals(t.database.db, ctx.workspace.id, [ids['Acme Corp']!, ids.Globex!, ids.Initech!], { now: FRIDAY_NOON });
    // Acme: #6 open critical; breaches #2 (late) and #6 (no answer) — #7 is older than 90 days.
    expect(signals.get(ids['Acme Corp']!)).toEqual({ openCritical: 1, slaBreaches: 2 });
    // Globex: #3 never answered; #4 still pending, #5 met.
    expect(signals.get(ids.Globex!)).toEqual({ openCritical: 0, slaBreaches: 1 });
    expect(signals.get(ids.Initech!)).toEqual({ openCritical: 0, slaBreaches: 0 });

    // Every account at once, and a longer window that reaches July.
    const all = await ticketHealthSignals(t.database.db, ctx.workspace.id, undefined, { now: FRIDAY_NOON, days: 180 });
    expect(all.get(ids['Acme Corp']!)).toEqual({ openCritical: 1, slaBreaches: 3 });
    expect(all.has(ids.Initech!)).toBe(false);
    // Before #6's deadline it is open and critical but not yet a breach.
    const early = await ticketHealthSignals(t.database.db, ctx.workspace.id, [ids['Acme Corp']!], { now: new Date('2026-11-27T09:30:00Z') });
    expect(early.get(ids['Acme Corp']!)).toEqual({ openCritical: 1, slaBreaches: 1 });
  });
});
