// Undo on every settings change (issue 24, item 6), on every database engine:
// /tenure settings, /health settings, /survey settings, /ticket hours, /ticket holidays
// and the alert channel. The Undo button works for the admin who made the change, for a
// day; the settings go back as they were, audited; a change made since is never
// overwritten; a second press has nothing to undo. And /ticket holidays in words.
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { auditLog, channelSettings, workspaces } from '../../db/schema.js';
import { workspaceSettings } from '../../src/core/settings.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { replyText, undoButton } from '../helpers/reply-parts.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const HOUR = 60 * 60_000;
const plain = replyText;
const at = (ctx: CommandContext, hours: number, channel?: string): CommandContext => ({
  ...ctx,
  now: new Date(NOW.getTime() + hours * HOUR),
  ...(channel ? { channel: { ...ctx.channel, id: channel, name: channel } } : {}),
});

interface Case {
  kind: string;
  /** Run by ana before the change, so the change has something to take back. */
  setup?: string[];
  change: string;
  /** Typed in channel… (the alert channel is the channel's own). */
  changeIn?: string;
  since: string;
  said: string;
  changedSince: string;
}

const CASES: Case[] = [
  {
    kind: 'workspace settings',
    change: '/tenure settings currency=EUR margin=25%',
    since: '/tenure settings margin=20%',
    said: 'Undid the change: the currency is back to USD and the gross margin for CLV is back to 30% (the default).',
    changedSince: 'The workspace settings have changed since, so undoing that change would overwrite the newer one.',
  },
  {
    kind: 'workspace settings',
    setup: ['/tenure settings dates=mdy'],
    change: '/tenure settings dates=dmy partner="Contoso Cloud"',
    since: '/tenure settings partner="Fabrikam"',
    said: 'Undid the change: numeric dates are read mdy again and the partner name on surveys is back to Test workspace.',
    changedSince: 'The workspace settings have changed since',
  },
  {
    kind: 'health score settings',
    setup: ['/health settings cadence=twice-monthly'],
    change: '/health settings adoption=40 bands=75/45 support-bands=80/50',
    since: '/health settings bands=80/50',
    said: 'Undid the change: the health score settings are back to weights adoption 30, engagement 25, support 15, sentiment 20, financial 10; score bands 70/40; cadence twice-monthly.',
    changedSince: 'The health score settings have changed since',
  },
  {
    kind: 'survey settings',
    change: '/survey settings close=14 auto=on lead=90',
    since: '/survey settings close=10',
    said: 'Undid the change: the survey settings are back to: surveys close after 7 days, fatigue window 30 days, anonymous results after 3 responses, automatic NPS off.',
    changedSince: 'The survey settings have changed since',
  },
  {
    kind: 'business hours',
    setup: ['/ticket hours Europe/Brussels'],
    change: '/ticket hours 9-18 days=mon-thu',
    since: '/ticket hours 10-16',
    said: 'Undid the change: business hours are back to 08:00–17:00 Mon–Fri (Europe/Brussels).',
    changedSince: 'The business hours have changed since',
  },
  {
    kind: 'holidays',
    setup: ['/ticket holidays add 2027-01-01'],
    change: '/ticket holidays add Dec 25 26/12/2026',
    since: '/ticket holidays remove Dec 26',
    said: 'Undid the change: Fri 25 Dec 2026 and Sat 26 Dec 2026 are no longer holidays.',
    changedSince: 'The holidays have changed since',
  },
  {
    kind: 'alert channel',
    setup: ['/ticket alerts here'],
    change: '/tenure alerts here',
    changeIn: 'ops',
    since: '/ticket alerts off',
    said: 'Undid the change: #general is the alert channel again.',
    changedSince: 'The alert channel has changed since',
  },
];

describe.each(ENGINES)('settings undo on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  /** ana (the first to change a setting, so an admin), bo (an admin too) and cy (a member). */
  async function workspace(): Promise<{ ana: CommandContext; bo: CommandContext; cy: CommandContext }> {
    const ana = await newContext(db(), { now: NOW, timezone: 'UTC' });
    const bo = await newContext(db(), { now: NOW, user: 'bo', workspace: ana.workspace.externalId });
    const cy = await newContext(db(), { now: NOW, user: 'cy', workspace: ana.workspace.externalId });
    expect(plain(await t.registry.run(ana, '/tenure admin add @bo'))).toContain('is now an admin');
    return { ana, bo, cy };
  }
  /** What each kind of change touches: the settings, the currency, the alert channel. */
  async function stored(ctx: CommandContext): Promise<unknown> {
    const [ws] = await db().select().from(workspaces).where(eq(workspaces.id, ctx.workspace.id));
    const alerts = await db().select({ channelId: channelSettings.channelId }).from(channelSettings).where(and(eq(channelSettings.workspaceId, ctx.workspace.id), eq(channelSettings.isAlertChannel, true)));
    // As read (defaults filled in): a change writes the defaults it read along with it.
    const { surveyKey: _key, ...settings } = workspaceSettings(ws!);
    return { settings, currency: ws!.currency, alerts: alerts.map((a) => a.channelId) };
  }
  /** The context with the workspace as stored now, as the next command would see it. */
  async function fresh(ctx: CommandContext): Promise<CommandContext> {
    const [ws] = await db().select().from(workspaces).where(eq(workspaces.id, ctx.workspace.id));
    return { ...ctx, workspace: ws! };
  }
  const run = async (ctx: CommandContext, command: string) => t.registry.run(await fresh(ctx), command);
  const press = async (ctx: CommandContext, button: { id: string; value: string }) => plain(await t.registry.press(await fresh(ctx), button.id, button.value));
  const undoEntries = (ctx: CommandContext) =>
    db().select().from(auditLog).where(and(eq(auditLog.workspaceId, ctx.workspace.id), inArray(auditLog.action, ['undo-settings', 'undo-alert-channel'])));

  it.each(CASES)('$kind: Undo for the admin who changed them, for a day; back as they were, audited; once', async (c) => {
    const { ana, bo, cy } = await workspace();
    for (const line of c.setup ?? []) expect(plain(await run(ana, line))).not.toContain('⚠️');
    const before = await stored(ana);

    const changed = await run(at(ana, 1, c.changeIn), c.change);
    const undo = undoButton(changed);
    expect(plain(changed)).toContain('Undo works for you until Tue 24 Nov 2026 11:00 (UTC).');
    expect(changed.messages[0]!.visibility).toBe('channel');
    const after = await stored(ana);
    expect(after).not.toEqual(before);

    expect(await press(at(bo, 2), undo)).toContain(`That change of the ${c.kind} was made by @ana: only they can undo it (until Tue 24 Nov 2026 11:00 (UTC)).`);
    expect(await press(at(cy, 2), undo)).toContain('Only workspace admins can');
    const late = await press(at(ana, 26), undo);
    expect(late).toContain(`That change of the ${c.kind} was made on Mon 23 Nov 2026 11:00 (UTC): it could be undone for a day, until Tue 24 Nov 2026 11:00 (UTC).`);
    expect(await stored(ana)).toEqual(after);
    expect(await undoEntries(ana)).toEqual([]);

    const undone = await t.registry.press(await fresh(at(ana, 2)), undo.id, undo.value);
    expect(undone.update?.text).toBe(c.said);
    expect(undone.update?.visibility).toBe('channel');
    expect(await stored(ana)).toEqual(before);
    const [entry, ...more] = await undoEntries(ana);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actorUserId: ana.user.id, at: new Date(NOW.getTime() + 2 * HOUR), entityType: 'workspace', entityId: ana.workspace.id });

    const again = await press(at(ana, 3), undo);
    expect(again).toContain(`That change of the ${c.kind} was already undone or changed back, so there is nothing to undo.`);
    expect(await stored(ana)).toEqual(before);

    // Changed again, then changed since by someone else: the newer change stays.
    const second = undoButton(await run(at(ana, 4, c.changeIn), c.change));
    expect(plain(await run(at(bo, 5), c.since))).not.toContain('⚠️');
    const newer = await stored(ana);
    const refused = await press(at(ana, 6), second);
    expect(refused).toContain(c.changedSince);
    expect(refused).toContain('would overwrite the newer one');
    expect(await stored(ana)).toEqual(newer);
  });

  it('two presses of one Undo at the same moment undo it once', async () => {
    const { ana } = await workspace();
    const hours = undoButton(await run(ana, '/ticket hours 9-18'));
    const alerts = undoButton(await run(ana, '/ticket alerts here'));
    for (const undo of [hours, alerts]) {
      const ctx = await fresh(at(ana, 1));
      const answers = await Promise.all([t.registry.press(ctx, undo.id, undo.value), t.registry.press(ctx, undo.id, undo.value)]);
      expect(answers.filter((a) => a.update?.text.startsWith('Undid the change')).length).toBe(1);
      expect(answers.map(plain).join('\n')).toContain('was already undone or changed back');
    }
    expect((await undoEntries(ana)).map((e) => e.action).sort()).toEqual(['undo-alert-channel', 'undo-settings']);
  });

  it('a later change of another field does not stand in the way: new hours undone keep the holiday added since', async () => {
    const { ana, bo } = await workspace();
    const hours = undoButton(await run(ana, '/ticket hours 9-18 Europe/Berlin'));
    await run(at(bo, 1), '/ticket holidays add Dec 25');
    const weights = undoButton(await run(at(ana, 2), '/health settings adoption=40'));
    await run(at(bo, 3), '/health settings support=5');
    expect((await t.registry.press(await fresh(at(ana, 4)), hours.id, hours.value)).update?.text).toBe('Undid the change: business hours are back to 08:00–17:00 Mon–Fri (UTC).');
    expect((await t.registry.press(await fresh(at(ana, 4)), weights.id, weights.value)).update?.text).toContain('back to weights adoption 30, engagement 25, support 5,');
    const settings = workspaceSettings((await fresh(ana)).workspace);
    expect(settings.businessHours).toEqual({ holidays: ['2026-12-25'] });
    expect(settings.healthWeights).toEqual({ support: 5 });
    // The same field changed since still refuses.
    const again = undoButton(await run(at(ana, 5), '/ticket hours 10-16'));
    await run(at(bo, 6), '/ticket hours 11-16');
    expect(await press(at(ana, 7), again)).toContain('The business hours have changed since');
  });

  it('an undone /health settings reset brings back what the reset removed', async () => {
    const { ana } = await workspace();
    await run(ana, '/health settings adoption=40 support-bands=80/50');
    const customised = await stored(ana);
    const reset = undoButton(await run(at(ana, 1), '/health settings reset'));
    expect(await stored(ana)).not.toEqual(customised);
    expect((await t.registry.press(await fresh(at(ana, 2)), reset.id, reset.value)).update?.text).toBe(
      'Undid the change: the health score settings are back to weights adoption 40, engagement 25, support 15, sentiment 20, financial 10; score bands 70/40, support bands 80/50; cadence standard.',
    );
    expect(await stored(ana)).toEqual(customised);
  });

  it('an undone holiday removal makes the day a holiday again; one holiday undone keeps those added since; /ticket hours default is undone too', async () => {
    const { ana, bo } = await workspace();
    await run(ana, '/ticket holidays add Dec 24 Dec 31');
    const removed = undoButton(await run(at(ana, 1), '/ticket holidays remove 2026-12-31'));
    expect((await t.registry.press(await fresh(at(ana, 2)), removed.id, removed.value)).update?.text).toBe('Undid the change: Thu 31 Dec 2026 is a holiday again.');
    expect(plain(await run(ana, '/ticket holidays'))).toContain('Holidays ahead: Thu 24 Dec 2026, Thu 31 Dec 2026.');
    // Holidays are a set of days: one taken back leaves those added since.
    const added = undoButton(await run(at(ana, 2), '/ticket holidays add Dec 25'));
    await run(at(bo, 2), '/ticket holidays add 1 Jan 2027');
    expect((await t.registry.press(await fresh(at(ana, 2)), added.id, added.value)).update?.text).toBe('Undid the change: Fri 25 Dec 2026 is no longer a holiday.');
    expect(workspaceSettings((await fresh(ana)).workspace).businessHours?.holidays).toEqual(['2026-12-24', '2026-12-31', '2027-01-01']);

    await run(at(ana, 3), '/ticket hours 7-15 Europe/Berlin');
    const reset = undoButton(await run(at(ana, 4), '/ticket hours default'));
    expect((await t.registry.press(await fresh(at(ana, 5)), reset.id, reset.value)).update?.text).toBe('Undid the change: business hours are back to 07:00–15:00 Mon–Fri (Europe/Berlin).');
  });

  it('a change that changes nothing has no Undo; a button that was tampered with is answered plainly', async () => {
    const { ana } = await workspace();
    const same = await run(ana, '/tenure settings currency=USD');
    expect(plain(same)).toContain('Workspace settings unchanged');
    expect(plain(same)).not.toContain('Undo works');
    await run(ana, '/ticket alerts here');
    expect(plain(await run(at(ana, 1), '/ticket alerts here'))).not.toContain('Undo works');
    // Nor is it audited as one.
    const audited = () => db().select().from(auditLog).where(and(eq(auditLog.workspaceId, ana.workspace.id), eq(auditLog.action, 'settings')));
    expect(plain(await run(ana, '/health settings cadence=standard'))).toContain('Health score settings unchanged');
    const survey = plain(await run(ana, '/survey settings close=7'));
    expect(survey).toContain('Survey settings unchanged: they already were as you asked.');
    expect(survey).not.toContain('Undo works');
    expect(await audited()).toEqual([]);

    expect(await press(ana, { id: 'settings.undo', value: 'not json' })).toContain('That change can no longer be undone from here. See the settings with /tenure settings.');
    expect(await press(ana, { id: 'settings.undo', value: JSON.stringify({ e: 'x', k: 'hours' }) })).toContain('That change of the business hours is not in the audit log, so it cannot be undone.');
    expect(await press(ana, { id: 'alerts.undo', value: '42' })).toContain('That change can no longer be undone from here. See where alerts go with /ticket alerts.');
  });

  it('an alert channel that became a customer channel is not made the alert channel again', async () => {
    const { ana } = await workspace();
    await run(at(ana, 0, 'ops'), '/ticket alerts here');
    const off = undoButton(await run(at(ana, 1), '/ticket alerts off'));
    await run(ana, '/account add "Acme Corp"');
    expect(plain(await run(at(ana, 2, 'ops'), '/account link "Acme Corp" customer'))).not.toContain('⚠️');
    const refused = await press(at(ana, 3), off);
    expect(refused).toContain('#ops is a customer channel now: the customer reads it, so it cannot be the alert channel again.');
    expect(refused).toContain('Usage: /ticket alerts [here|off|<account>]');
  });

  it('/ticket holidays lists and confirms dates in words, and still reads every form', async () => {
    const { ana } = await workspace();
    const added = plain(await run(ana, '/ticket holidays add 2026-12-25 Dec 24 1/1/2027'));
    expect(added).toContain('Added holidays Thu 24 Dec 2026, Fri 25 Dec 2026, Fri 1 Jan 2027.');
    expect(added).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const listed = plain(await run(ana, '/ticket holidays'));
    expect(listed).toContain('Holidays ahead: Thu 24 Dec 2026, Fri 25 Dec 2026, Fri 1 Jan 2027.');
    expect(listed).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(plain(await run(ana, '/ticket holidays remove 2026-12-24'))).toContain('Removed holiday Thu 24 Dec 2026.');
    expect(plain(await run(ana, '/ticket hours'))).toContain('Holidays ahead: Fri 25 Dec 2026, Fri 1 Jan 2027.');
  });
});
