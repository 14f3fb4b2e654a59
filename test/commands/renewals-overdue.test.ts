// A renewal date that passed without an outcome stays in sight, on every engine:
// flagged "overdue — record an outcome" at the top of /renewals, of the digest and
// of the App Home, however long ago it was, and said when an account is added with
// such a date (which is allowed). And one risk marker per /renewals row.
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { portfolioHome } from '../../commands/home.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const NOW = new Date('2026-11-23T10:00:00Z');
const MARKERS = /[🔴🟡🟢]/gu;

describe.each(ENGINES)('overdue renewals and /renewals rows on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  /** Initech's renewal passed 45 days ago with no outcome; Acme renews in 24 days. */
  async function portfolio(): Promise<CommandContext> {
    const ctx = await newContext(db(), { now: NOW, channel: 'cs-team' });
    await t.registry.run(ctx, '/account add Initech arr=80k renewal=2026-10-09 owner=@ana');
    await t.registry.run(ctx, '/account add "Acme Corp" arr=120k renewal=2026-12-17 licensed=100 active=30 owner=@ana');
    return ctx;
  }

  it('adding an account whose renewal date has passed is allowed, with the overdue warning', async () => {
    const ctx = await newContext(db(), { now: NOW });
    const added = plain(await t.registry.run(ctx, '/account add Initech arr=80k renewal=2026-10-09'));
    expect(added).toContain('Added account Initech');
    expect(added).toContain('⚠️ The renewal date Fri 9 Oct 2026 has passed: overdue — record an outcome with /renewal "Initech" renewed|expanded|downgraded|churned.');
    expect(plain(await t.registry.run(ctx, '/account add Hooli renewal=2027-10-09'))).not.toContain('overdue');
  });

  it('/renewals flags a renewal date passed without an outcome at the top, however long ago', async () => {
    const ctx = await portfolio();
    const text = plain(await t.registry.run(ctx, '/renewals'));
    expect(text).toContain('Overdue — record an outcome (1)\n⚠️ Initech — Fri 9 Oct 2026 (passed 45 days ago) · $80k ARR · overdue — record an outcome');
    expect(text.indexOf('Initech')).toBeLessThan(text.indexOf('Acme Corp'));
    // Recording its outcome takes it off the overdue list.
    await t.registry.run(ctx, '/renewal Initech renewed');
    const after = plain(await t.registry.run(ctx, '/renewals'));
    expect(after).not.toContain('overdue');
    expect(after).not.toContain('Initech');
  });

  it('/account set to a renewal date in the past says it is overdue', async () => {
    const ctx = await portfolio();
    expect(plain(await t.registry.run(ctx, '/account set "Acme Corp" renewal=2026-11-01'))).toContain('⚠️ The renewal date Sun 1 Nov 2026 has passed: overdue — record an outcome');
    expect(plain(await t.registry.run(ctx, '/account set "Acme Corp" renewal=2027-11-01'))).not.toContain('overdue');
  });

  it('the digest and the App Home put overdue renewals first', async () => {
    const ctx = await portfolio();
    const digest = plain(await t.registry.run(ctx, '/digest now'));
    expect(digest).toContain('⚠️ Overdue renewals — record an outcome (1)\n• Initech — Fri 9 Oct 2026 (45 days ago), $80k');
    expect(digest.indexOf('Overdue renewals')).toBeLessThan(digest.indexOf('2 accounts:'));
    const home = renderPlain(await portfolioHome(ctx));
    expect(home).toContain('⚠️ Overdue renewals — record an outcome (1)');
    expect(home).toContain('Initech · renewal date Fri 9 Oct 2026 passed 45 days ago · overdue — record an outcome');
    expect(home.indexOf('Overdue renewals')).toBeLessThan(home.indexOf('Renewals in the next 90 days'));
  });

  it('a /renewals row has one risk marker and the health score as a number', async () => {
    const ctx = await portfolio();
    // Acme: 30% utilization is high risk whatever its health band.
    const row = plain(await t.registry.run(ctx, '/renewals')).split('\n').find((l) => l.includes('Acme Corp —'))!;
    expect(row).toMatch(/^🔴 Acme Corp — .* · high risk: .*30% utilization.* · health \d+$/);
    expect(row.match(MARKERS)).toHaveLength(1);
  });
});
