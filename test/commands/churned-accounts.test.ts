// Churned accounts, on every engine: left out of portfolio health, renewal lists
// (/renewals, the App Home), alerts (renewal, cadence, SLA) and the digest's risk
// lists; shown as "churned (was $X ARR)"; new surveys about them refused with the
// reason; tickets accepted with a visible note. Each check has a live account beside
// the churned one, so "nothing about it" cannot pass by nothing working at all.
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { portfolioHome } from '../../commands/home.js';
import type { ChannelDelivery } from '../../src/jobs/delivery.js';
import { runHealthDaily } from '../../src/jobs/health-daily.js';
import { runSlaWatch } from '../../src/jobs/sla-watch.js';
import type { Message, Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
/** Monday 10:00 UTC: business hours, so a critical ticket is due at 11:00. */
const NOW = new Date('2026-11-23T10:00:00Z');
const at = (ctx: CommandContext, iso: string): CommandContext => ({ ...ctx, now: new Date(iso) });

function recorder(): ChannelDelivery & { posts: { workspaceId: string; channelId: string; text: string }[] } {
  const posts: { workspaceId: string; channelId: string; text: string }[] = [];
  return {
    posts,
    async post(workspace, channelId, message: Message) {
      posts.push({ workspaceId: workspace.id, channelId, text: renderPlain(message) });
    },
  };
}
const quietLog = () => ({ info: () => undefined, warn: () => undefined, error: (d: Record<string, unknown>, m: string) => { throw new Error(`${m}: ${String(d.err)}`); } });

describe.each(ENGINES)('churned accounts on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  /**
   * Acme (live) and Globex (churned today), both owned by @ana, under contract since June and never touched, renewing
   * 90 days out, with #acme and #globex as their internal channels, in a workspace whose alerts go to #cs.
   */
  async function portfolio(): Promise<CommandContext> {
    const ctx = await newContext(db(), { now: NOW, channel: 'cs' });
    for (const name of ['Acme', 'Globex']) {
      await t.registry.run(ctx, `/account add ${name} arr=50k renewal=2027-02-21 licensed=100 active=30 owner=@ana stage=renew start=2026-06-01`);
      await t.registry.run({ ...ctx, channel: { id: name.toLowerCase(), name: name.toLowerCase() } }, `/account link ${name} internal`);
    }
    expect(plain(await t.registry.run(ctx, '/renewal Globex churned reason=competitor'))).toContain('The account is marked churned.');
    return ctx;
  }

  it('/account and /account list show "churned (was $X ARR)"', async () => {
    const ctx = await portfolio();
    const card = plain(await t.registry.run(ctx, '/account Globex'));
    expect(card).toContain('Stage: churned (was $50,000 ARR)');
    expect(card).toContain('ARR: none since Mon 23 Nov 2026');
    expect(card).toContain('Renewal: none (churned)');
    const list = plain(await t.registry.run(ctx, '/account list'));
    expect(list).toContain('Globex · churned (was $50k ARR) · @ana');
    expect(list).toContain('Acme · renew · ARR $50k · renews 2027-02-21');
  });

  it('is left out of portfolio health and of every renewal list: /renewals and the App Home', async () => {
    const ctx = await portfolio();
    const health = plain(await t.registry.run(ctx, '/health'));
    expect(health).toContain('Acme');
    expect(health).not.toContain('Globex');
    const renewals = plain(await t.registry.run(ctx, '/renewals'));
    expect(renewals).toContain('Acme');
    expect(renewals).not.toContain('Globex');
    const home = renderPlain(await portfolioHome(ctx));
    expect(home).toContain('Renewals in the next 90 days (1)\nAcme · renews 2027-02-21');
    expect(home).not.toMatch(/Globex · renews/);
  });

  it('raises no renewal alert, check-in reminder or SLA alert; its ticket is accepted with a note', async () => {
    const ctx = await portfolio();
    const acmeTicket = plain(await t.registry.run(ctx, '/ticket Acme critical VPN down'));
    expect(acmeTicket).toContain('Opened #1 for Acme');
    expect(acmeTicket).not.toContain('churned');
    const globexTicket = plain(await t.registry.run(ctx, '/ticket Globex critical Still using the portal'));
    expect(globexTicket).toContain('Opened #2 for Globex');
    expect(globexTicket).toContain('ℹ️ Globex is a churned account since Mon 23 Nov 2026: the ticket is open, and no SLA warnings or breach alerts are sent for it.');

    const delivery = recorder();
    const deps = { db: db(), deliveries: { console: delivery }, logger: quietLog() };
    await runSlaWatch(deps, new Date('2026-11-23T11:30:00Z'));
    await runHealthDaily(deps, new Date('2026-11-23T12:00:00Z'));
    const mine = delivery.posts.filter((p) => p.workspaceId === ctx.workspace.id);
    expect(mine.find((p) => p.text.includes('SLA breached'))?.channelId).toBe('acme');
    expect(mine.find((p) => p.text.includes('Renewal in 90 days'))?.channelId).toBe('acme');
    expect(mine.find((p) => p.text.includes('Check-ins overdue'))?.text).toContain('Acme');
    expect(mine.filter((p) => p.text.includes('Globex'))).toEqual([]);
  });

  it('accepts a check-in for it with a visible note, typed by name or in its linked channel', async () => {
    const ctx = await portfolio();
    const live = plain(await t.registry.run(ctx, '/checkin Acme call Walked through the runbook'));
    expect(live).toContain('Logged a call with Acme');
    expect(live).not.toContain('churned');
    const byName = plain(await t.registry.run(ctx, '/checkin Globex call Exit interview'));
    expect(byName).toContain('Logged a call with Globex');
    expect(byName).toContain('ℹ️ Globex is a churned account since Mon 23 Nov 2026: the touch is logged, and churned accounts get no check-in reminders.');
    const inChannel = plain(await t.registry.run({ ...ctx, channel: { id: 'globex', name: 'globex' } }, '/checkin email Sent the data export'));
    expect(inChannel).toContain('Logged an email with Globex');
    expect(inChannel).toContain('ℹ️ Globex is a churned account');
  });

  it('is not counted among the destinations of /ticket alerts (it gets no alerts)', async () => {
    const ctx = await portfolio();
    const overview = plain(await t.registry.run(ctx, '/ticket alerts'));
    expect(overview).toContain('• 1 account → #acme (its internal channel)');
    expect(overview).not.toContain('#globex');
  });

  it('is in none of the digest’s risk lists', async () => {
    const ctx = await portfolio();
    await t.registry.run(ctx, '/ticket Acme critical VPN down');
    await t.registry.run(ctx, '/ticket Globex critical Still using the portal');
    // A day later both tickets are past their first-response deadline, unanswered.
    const digest = plain(await t.registry.run(at(ctx, '2026-11-24T10:00:00Z'), '/digest now'));
    expect(digest).toContain('SLA breaches this week: 1 — Acme');
    expect(digest).toContain('At-risk renewals (90 days)\n• Acme');
    expect(digest).toContain('Open critical tickets: Acme (1)');
    expect(digest).not.toContain('Globex');
  });

  it('refuses a new survey about it, with the reason', async () => {
    const ctx = await portfolio();
    const refused = plain(await t.registry.run(ctx, '/survey nps Globex'));
    expect(refused).toContain('Globex churned on Mon 23 Nov 2026: Tenure does not survey a customer who has left');
    expect(refused).toContain('/account set "Globex" stage=renew');
    expect(plain(await t.registry.run(ctx, '/survey csat Globex'))).toContain('does not survey a customer who has left');
    expect(plain(await t.registry.run(ctx, '/survey list'))).toContain('No surveys yet');
    expect(plain(await t.registry.run(ctx, '/survey nps Acme'))).not.toContain('churned');
  });
});
