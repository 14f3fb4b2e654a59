// A never-touched account is due for its first touch one cadence gap after its start
// (kickoff, else contract start, else the day it was added), as its health score reads
// it: not overdue the day after it was added. The daily reminder, the digest, the App
// Home and the account card agree on that, on every engine.
import { describe, expect, it } from 'vitest';
import type { ChannelDelivery } from '../../src/jobs/delivery.js';
import { portfolioHome } from '../../commands/home.js';
import { runHealthDaily } from '../../src/jobs/health-daily.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { replyText } from '../helpers/reply-parts.js';

describe.each(ENGINES)('the first touch of a new account on $name', (engine) => {
  const t = registryOn(engine);

  it('is due one gap after the account’s start: no reminder or overdue entry before, one after', async () => {
    const added = new Date('2026-11-20T10:00:00Z');
    const ctx = await newContext(t.database.db, { now: added, channel: 'cs' });
    await t.registry.run(ctx, '/account add "Acme Corp" owner=@ana');
    await t.registry.run(ctx, '/account add Initech owner=@ana kickoff=2026-11-02');
    const posts: string[] = [];
    const delivery: ChannelDelivery = { post: async (workspace, channelId, message) => void (workspace.id === ctx.workspace.id && posts.push(`${channelId}: ${renderPlain(message)}`)) };
    const deps = { db: t.database.db, deliveries: { console: delivery }, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } };
    const at = (iso: string) => ({ ...ctx, now: new Date(iso) });

    // The next morning: Acme (added yesterday, quarterly) is not due until 18 Feb; Initech's
    // kickoff was 18 days ago with no touch in the week after it, so it is late.
    await runHealthDaily(deps, new Date('2026-11-21T10:00:00Z'));
    const reminders = posts.filter((p) => p.includes('Check-ins overdue'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toContain('Initech');
    expect(reminders[0]).not.toContain('Acme Corp');
    const digest = replyText(await t.registry.run(at('2026-11-21T10:00:00Z'), '/digest now'));
    expect(digest).toContain('Overdue check-ins by owner\n• @ana: Initech\n');
    const home = renderPlain(await portfolioHome(at('2026-11-21T10:00:00Z')));
    expect(home).toContain('Overdue check-ins (1)\nInitech · never touched');
    expect(replyText(await t.registry.run(at('2026-11-21T10:00:00Z'), '/account "Acme Corp"'))).toContain('never · first touch due Thu 18 Feb 2027 · cadence quarterly');
    expect(replyText(await t.registry.run(at('2026-11-21T10:00:00Z'), '/account Initech'))).toContain('never · first touch was due Mon 9 Nov 2026 · cadence weekly (first month after kickoff) · ⚠️ overdue by 12 days');

    // On its due day Acme is still on time; the day after, it is reminded about, once.
    await runHealthDaily(deps, new Date('2027-02-18T10:00:00Z'));
    expect(posts.filter((p) => p.includes('Check-ins overdue') && p.includes('Acme Corp'))).toHaveLength(0);
    await runHealthDaily(deps, new Date('2027-02-19T10:00:00Z'));
    await runHealthDaily(deps, new Date('2027-02-20T10:00:00Z'));
    expect(posts.filter((p) => p.includes('Check-ins overdue') && p.includes('Acme Corp'))).toHaveLength(1);
    expect(replyText(await t.registry.run(at('2027-02-19T10:00:00Z'), '/account "Acme Corp"'))).toContain('never · first touch was due Thu 18 Feb 2027 · cadence quarterly · ⚠️ overdue by 1 day');
  });
});
