// /account end to end through the registry, on every database engine.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accountChannels, accounts, auditLog } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { expectLines } from '../helpers/expect-lines.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

describe.each(ENGINES)('/account on $name', (engine) => {
  const t = registryOn(engine);

  it('adds an account with every field and shows it', async () => {
    const ctx = await newContext(t.database.db);
    const added = await t.registry.run(
      ctx,
      '/account add "Acme Corp" arr=$120k renewal=2027-03-31 start=2026-04-01 licensed=100 active=72 stage=onboard owner=@ana tier=gold kickoff=2026-04-10 id=CRM-1',
    );
    expect(plain(added)).toContain('Added account Acme Corp');
    expect(added.messages[0]!.visibility).toBe('channel');

    const [row] = await t.database.db.select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id));
    expect(row).toMatchObject({
      name: 'Acme Corp',
      arrCents: 12_000_000,
      renewalDate: '2027-03-31',
      contractStart: '2026-04-01',
      licensedUsers: 100,
      activeUsers: 72,
      stage: 'onboard',
      tier: 'gold',
      kickoffDate: '2026-04-10',
      externalId: 'CRM-1',
      ownerUserId: ctx.user.id,
    });

    const shown = plain(await t.registry.run(ctx, '/account acme corp'));
    // 72% adoption → 80, support 100, and never touched since the kickoff of 2026-04-10: the first
    // touch was due a week later, 220 days ago → engagement 0. (80 × 30 + 0 × 25 + 100 × 15) ÷ 70 = 55.7 → 56.
    expectLines(shown, [
      'Acme Corp\nHealth: 🟡 56/100 (yellow) — No touch logged yet (first touch due Fri 17 Apr 2026, 220 days overdue',
      '\nStage: onboard',
      'ARR: $120,000',
      'Renewal: Wed 31 Mar 2027 (in 128 days)',
      'Adoption: 72% (72 of 100 licensed users active)',
      'Owner: @ana',
      'Last touch: never',
      'Open tickets: none',
      'NPS: no answers',
    ]);
  });

  it('rejects a second account with the same name in any case, and keeps the first', async () => {
    const ctx = await newContext(t.database.db);
    await t.registry.run(ctx, '/account add Globex arr=10k');
    const again = plain(await t.registry.run(ctx, '/account add GLOBEX arr=99k'));
    expect(again).toContain('An account named "GLOBEX" already exists');
    const rows = await t.database.db.select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.arrCents).toBe(1_000_000);
  });

  it('keeps workspaces apart: the same name in two workspaces is fine and invisible across', async () => {
    const a = await newContext(t.database.db);
    const b = await newContext(t.database.db);
    await t.registry.run(a, '/account add Initech');
    expect(plain(await t.registry.run(b, '/account add Initech'))).toContain('Added account Initech');
    expect(plain(await t.registry.run(b, '/account list'))).toContain('Accounts (1)');
  });

  it('answers an unknown name with the closest names', async () => {
    const ctx = await newContext(t.database.db);
    for (const name of ['Acme Corp', 'Acme Logistics', 'Globex', 'Initech']) await t.registry.run(ctx, `/account add "${name}"`);
    const reply = await t.registry.run(ctx, '/account Acme Crop');
    const text = plain(reply);
    expect(reply.messages[0]!.tone).toBe('error');
    expect(text).toContain('No account named "Acme Crop"');
    expect(text).toMatch(/Did you mean "Acme Corp"/);
    expect(text).not.toContain('Initech');
  });

  it('stores hostile and unicode names verbatim', async () => {
    const ctx = await newContext(t.database.db);
    const names = ['Robert"); DROP TABLE accounts;--', 'Müller & Söhne GmbH', '🚀 Rocket Labs', '東京クラウド株式会社', "O'Brien <Ltd>"];
    for (const name of names) {
      const reply = plain(await t.registry.run(ctx, `/account add ${name}`));
      expect(reply).toContain(`Added account ${name}`);
    }
    const rows = await t.database.db.select({ name: accounts.name }).from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id));
    expect(rows.map((r) => r.name).sort()).toEqual([...names].sort());
    const shown = plain(await t.registry.run(ctx, '/account Robert"); DROP TABLE accounts;--'));
    expect(shown).toContain('Robert"); DROP TABLE accounts;--\nHealth');
    expect(plain(await t.registry.run(ctx, '/account "müller & söhne gmbh"'))).toContain('Müller & Söhne GmbH\nHealth');
  });

  it('validates every field and says what to type', async () => {
    const ctx = await newContext(t.database.db);
    const cases: [string, RegExp][] = [
      ['/account add X arr=lots', /arr=lots: "lots" is not an amount; write it like 120000, \$120k or 1\.2m/],
      ['/account add X renewal=2027-02-30', /renewal=2027-02-30: .*YYYY-MM-DD/],
      ['/account add X licensed=-3', /licensed=-3: .*whole number/],
      ['/account add X stage=growing', /stage=growing: .*land, onboard, adopt, expand, renew, churned/],
      ['/account add X colour=blue', /Unknown field "colour"/],
      ['/account add arr=10k', /account name is missing/],
      ['/account add X owner=<#C1|ops>', /not a person/],
      ['/account set', /account name is missing/],
      ['/account set X', /Nothing to change/],
    ];
    for (const [input, expected] of cases) {
      const reply = await t.registry.run(ctx, input);
      expect(reply.messages[0]!.tone, input).toBe('error');
      const text = plain(reply);
      expect(text, input).toMatch(expected);
      expect(text, input).toMatch(/Usage: \/account/);
      expect(text, input).toMatch(/Example: \/account/);
    }
    const rows = await t.database.db.select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id));
    expect(rows).toEqual([]);
    // The usage shown is the one for the subcommand that was typed.
    expect(plain(await t.registry.run(ctx, '/account set X colour=blue'))).toContain('Usage: /account set <name> key=value …');
    expect(plain(await t.registry.run(ctx, '/tenure account link'))).toContain('Usage: /account link <name>');
  });

  it('changes fields, renames, clears, and records each change in the audit log', async () => {
    const ctx = await newContext(t.database.db);
    await t.registry.run(ctx, '/account add Hooli arr=500k owner=@ana tier=gold');
    const set = plain(await t.registry.run(ctx, '/account set hooli renewal=2027-02-06 active=380 licensed=400 owner=<@U77|ben> tier=none'));
    expect(set).toContain('Updated Hooli: renewal, tier, licensed users, active users, owner.');
    const renamed = plain(await t.registry.run(ctx, '/account set Hooli name="Hooli Cloud"'));
    expect(renamed).toContain('Updated Hooli Cloud: name');
    const same = plain(await t.registry.run(ctx, '/account set "Hooli Cloud" renewal=2027-02-06'));
    expect(same).toContain('Nothing changed');

    const [row] = await t.database.db.select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id));
    expect(row).toMatchObject({ name: 'Hooli Cloud', renewalDate: '2027-02-06', activeUsers: 380, licensedUsers: 400, tier: null, arrCents: 50_000_000 });
    expect(plain(await t.registry.run(ctx, '/account "hooli cloud"'))).toContain('Owner: @ben');

    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.entityId, row!.id)));
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'update']);
    const rename = audit.find((a) => a.action === 'update' && a.after && 'name' in a.after)!;
    expect(rename.before).toEqual({ name: 'Hooli' });
    expect(rename.after).toEqual({ name: 'Hooli Cloud' });
    // What people set, not the roll-ups the database keeps by trigger.
    const created = audit.find((a) => a.action === 'create')!;
    expect(created.after).toMatchObject({ name: 'Hooli', arrCents: 50_000_000 });
    for (const derived of ['lastTouchAt', 'recentSpendCents', 'latestForecastCents', 'latestSpendAt', 'createdAt']) expect(created.after).not.toHaveProperty(derived);
  });

  it('links the current channel, and relinking moves the channel', async () => {
    const ctx = await newContext(t.database.db, { channel: 'acme-ops' });
    await t.registry.run(ctx, '/account add Acme');
    await t.registry.run(ctx, '/account add Globex');
    expect(plain(await t.registry.run(ctx, '/account link acme'))).toContain('Linked #acme-ops to Acme as a customer channel: surveys will be posted here, alerts will not');
    expect(plain(await t.registry.run(ctx, '/account link Globex'))).toContain('Linked #acme-ops to Globex as a customer channel (it was linked to Acme before)');
    const links = await t.database.db.select().from(accountChannels).where(eq(accountChannels.workspaceId, ctx.workspace.id));
    expect(links).toHaveLength(1);
    expect(plain(await t.registry.run(ctx, '/account globex'))).toContain('Customer channels (surveys): #acme-ops · No internal channel — /account link "Globex" internal');
    expect(plain(await t.registry.run(ctx, '/account acme'))).toContain('No customer channel — /account link "Acme" where the customer is');
  });

  it('lists accounts sorted by name, filters by stage, and answers an empty workspace kindly', async () => {
    const ctx = await newContext(t.database.db);
    expect(plain(await t.registry.run(ctx, '/account list'))).toContain('No accounts yet');
    await t.registry.run(ctx, '/account add zeta stage=adopt arr=1.2m');
    await t.registry.run(ctx, '/account add Alpha stage=renew renewal=2027-01-07');
    const listed = plain(await t.registry.run(ctx, '/tenure account list'));
    expect(listed.indexOf('Alpha')).toBeLessThan(listed.indexOf('zeta'));
    expect(listed).toContain('zeta · adopt · ARR $1.2m');
    expect(listed).toContain('Alpha · renew · renews 2027-01-07 (in 45 days)');
    const filtered = plain(await t.registry.run(ctx, '/account list renew'));
    expect(filtered).toContain('Accounts in renew (1)');
    expect(filtered).not.toContain('zeta');
    expect(plain(await t.registry.run(ctx, '/account list sideways'))).toContain('"sideways" is not a lifecycle stage');
  });

  it('prints usage with examples for help after the command', async () => {
    const ctx = await newContext(t.database.db);
    for (const input of ['/account help', 'account help', '/tenure account help', '/account add help']) {
      const text = plain(await t.registry.run(ctx, input));
      expect(text, input).toContain('/account add <name>');
      expect(text, input).toContain('Examples');
    }
    const overview = plain(await t.registry.run(ctx, '/tenure help'));
    expect(overview).toContain('/account');
    expect(overview).toContain('/checkin');
    expect(plain(await t.registry.run(ctx, '/acount list'))).toContain('Did you mean /account');
  });

  it('offers working buttons on the card', async () => {
    const ctx = await newContext(t.database.db, { channel: 'wayne' });
    await t.registry.run(ctx, '/account add "Wayne Retail"');
    const card = await t.registry.run(ctx, '/account wayne retail');
    const buttons = card.messages[0]!.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));
    expect(buttons.map((b) => b.label)).toEqual(['Log a check-in', 'Link this channel']);
    const form = await t.registry.press(ctx, buttons[0]!.id, buttons[0]!.value);
    expect(form.form?.fields.find((f) => f.id === 'account')?.initial).toBe('Wayne Retail');
    expect(plain(await t.registry.press(ctx, buttons[1]!.id, buttons[1]!.value))).toContain('Linked #wayne to Wayne Retail');
    expect(plain(await t.registry.press(ctx, 'account.show', 'not-an-id'))).toContain('no longer exists');
    expect(plain(await t.registry.press(ctx, 'nope', 'x'))).toContain('no longer available');
  });
});
