// Undo on a CSV imported from chat (issue 24, item 6), on every database engine: the
// confirmation carries an Undo button that works for whoever pressed Import, for a day,
// once. It removes the accounts the import created (keeping, and naming, one that got a
// check-in since), puts back the fields it changed (leaving, and naming, one changed
// since), removes the contacts and usage readings it added, and is audited once.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext, SharedFile } from '../../commands/context.js';
import { previewSharedCsv } from '../../commands/csv-import.js';
import { accounts, auditLog, contacts, usageReadings } from '../../db/schema.js';
import type { Action, Reply } from '../../src/messages/message.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { replyButtons, replyText } from '../helpers/reply-parts.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const HOUR = 60 * 60_000;
const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR);

const ACCOUNTS_CSV = [
  'name,arr,renewal,tier,contact,contact email',
  'Acme Corp,120k,2027-03-31,,Jo Park,jo@acme.com',
  'Beta,,,gold,,',
  'Gamma,,,bronze,,',
  'Northwind,90k,2027-06-30,,,',
  'Contoso,12k,,,,',
  'Fabrikam,5k,,,,',
].join('\n');

/** The Undo on the message a press put in place of the preview. */
function undoOn(reply: Reply): Action {
  const undo = (reply.update?.blocks ?? []).flatMap((b) => (b.kind === 'actions' ? b.actions : [])).find((b) => b.label === 'Undo');
  if (!undo) throw new Error(`no Undo button on: ${replyText(reply)}`);
  return undo;
}

describe.each(ENGINES)('undoing a CSV import from chat on $name', (engine) => {
  const t = registryOn(engine);

  async function workspace(): Promise<{ ana: CommandContext; bo: CommandContext }> {
    const ana = await newContext(t.database.db, { now: NOW });
    const bo = await newContext(t.database.db, { now: NOW, user: 'bo', workspace: ana.workspace.externalId });
    for (const line of ['/account add "Acme Corp" arr=100k renewal=2027-03-30', '/account add Beta tier=silver', '/account add Gamma tier=silver']) {
      expect(replyText(await t.registry.run(ana, line))).not.toContain('Usage:');
    }
    return { ana, bo };
  }

  /** Shares `file` as `ctx`, presses Import, and hands back the reply to the press. */
  async function imported(ctx: CommandContext, file: SharedFile): Promise<Reply> {
    const withFiles = { ...ctx, files: { read: async () => file } };
    const preview = await previewSharedCsv(withFiles, file);
    const importButton = replyButtons(preview).find((b) => b.label === 'Import')!;
    return t.registry.press(withFiles, importButton.id, importButton.value);
  }

  const accountsOf = async (ctx: CommandContext) =>
    Object.fromEntries((await t.database.db.select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id))).map((a) => [a.name, a]));
  const undoEntries = (ctx: CommandContext) =>
    t.database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, ctx.workspace.id), eq(auditLog.action, 'undo-import')));

  it('states the dates it read in words in the preview', async () => {
    const { ana } = await workspace();
    const preview = replyText(await previewSharedCsv(ana, { id: 'F0', name: 'accounts.csv', content: ACCOUNTS_CSV }));
    expect(preview).toContain('line 2: update "Acme Corp": arr $120,000 (was $100,000), renewal Wed 31 Mar 2027 (was Tue 30 Mar 2027)');
    expect(preview).toContain('line 5: create "Northwind": arr $90,000, renewal Wed 30 Jun 2027');
    expect(preview).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('takes back what the import did, for whoever imported it, keeping and naming what changed since; once; audited', async () => {
    const { ana, bo } = await workspace();
    const done = await imported(ana, { id: 'F1', name: 'accounts.csv', content: ACCOUNTS_CSV });
    expect(done.update?.text).toBe('accounts.csv imported by @ana: 3 accounts created, 3 changed');
    const undo = undoOn(done);
    expect(undo.id).toBe('csv-import.undo');
    expect(replyText(done)).toContain('Undo works for you until Tue 24 Nov 2026 10:00 (UTC).');
    expect(Object.keys(await accountsOf(ana)).sort()).toEqual(['Acme Corp', 'Beta', 'Contoso', 'Fabrikam', 'Gamma', 'Northwind']);

    // Someone else cannot take it back.
    const refused = await t.registry.press({ ...bo, now: at(1) }, undo.id, undo.value);
    expect(replyText(refused)).toContain('The import of accounts.csv was made by @ana: only they can undo it (until Tue 24 Nov 2026 10:00 (UTC)).');
    expect(Object.keys(await accountsOf(ana))).toHaveLength(6);

    // Meanwhile a touch is logged with a new account, and a changed one is changed again.
    expect(replyText(await t.registry.run({ ...ana, now: at(1) }, '/checkin Contoso call Kickoff booked'))).toContain('Logged a call with Contoso');
    expect(replyText(await t.registry.run({ ...bo, now: at(1) }, '/account set Gamma tier=platinum'))).not.toContain('Usage:');

    const undone = await t.registry.press({ ...ana, now: at(2) }, undo.id, undo.value);
    expect(undone.messages).toEqual([]);
    expect(undone.update?.text).toBe(
      'Undid the import of accounts.csv: removed 2 new accounts, put back 2 changed ones, removed 1 contact it added; 1 kept because a check-in was logged since: Contoso; 1 left as it is because it changed since: Gamma (tier).',
    );
    const after = await accountsOf(ana);
    expect(Object.keys(after).sort()).toEqual(['Acme Corp', 'Beta', 'Contoso', 'Gamma']);
    expect(after['Acme Corp']).toMatchObject({ arrCents: 10_000_000, renewalDate: '2027-03-30' });
    expect(after.Beta!.tier).toBe('silver');
    expect(after.Gamma!.tier).toBe('platinum');
    expect(await t.database.db.select().from(contacts).where(eq(contacts.workspaceId, ana.workspace.id))).toEqual([]);
    const [entry, ...more] = await undoEntries(ana);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ entityType: 'import', actorUserId: ana.user.id, after: { file: 'accounts.csv', removed: 2, restored: 2, contactsRemoved: 1, readingsRemoved: 0 } });

    // Pressed twice: nothing more happens.
    const again = await t.registry.press({ ...ana, now: at(3) }, undo.id, undo.value);
    expect(replyText(again)).toContain('The import of accounts.csv was already undone by @ana on Mon 23 Nov 2026 12:00 (UTC).');
    expect(Object.keys(await accountsOf(ana))).toHaveLength(4);
    expect(await undoEntries(ana)).toHaveLength(1);

    // The same file shared again imports anew (the new accounts only: Contoso is there).
    const reimported = await imported({ ...ana, now: at(4) }, { id: 'F1', name: 'accounts.csv', content: ACCOUNTS_CSV });
    expect(reimported.update?.text).toBe('accounts.csv imported by @ana: 2 accounts created, 3 changed, 1 unchanged');
  });

  it('refuses after a day, changing nothing, and says what to do instead', async () => {
    const { ana } = await workspace();
    const undo = undoOn(await imported(ana, { id: 'F2', name: 'accounts.csv', content: ACCOUNTS_CSV }));
    const late = replyText(await t.registry.press({ ...ana, now: at(25) }, undo.id, undo.value));
    expect(late).toContain('The import of accounts.csv was made on Mon 23 Nov 2026 10:00 (UTC): it could be undone for a day, until Tue 24 Nov 2026 10:00 (UTC).');
    expect(late).toContain('/account set "<name>" key=value');
    expect(Object.keys(await accountsOf(ana))).toHaveLength(6);
    expect(await undoEntries(ana)).toEqual([]);
    expect(replyText(await t.registry.press(ana, undo.id, 'not-an-id'))).toContain('That import can no longer be undone from here.');
  });

  it('leaves a change that can no longer go back as it is, and says why', async () => {
    const { ana } = await workspace();
    await t.registry.run(ana, '/account set Beta id=B-1');
    const undo = undoOn(await imported(ana, { id: 'F4', name: 'rename.csv', content: 'name,id\nBeta Group,B-1\n' }));
    expect((await accountsOf(ana))['Beta Group']).toBeDefined();
    await t.registry.run({ ...ana, now: at(1) }, '/account add Beta');
    const undone = await t.registry.press({ ...ana, now: at(2) }, undo.id, undo.value);
    expect(undone.update?.text).toBe('Undid the import of rename.csv: nothing could be taken back; Beta Group left as it is: An account named "Beta" already exists.');
    expect(Object.keys(await accountsOf(ana)).sort()).toEqual(['Acme Corp', 'Beta', 'Beta Group', 'Gamma']);
  });

  it('removes exactly the usage readings the import added', async () => {
    const { ana } = await workspace();
    await t.registry.run(ana, '/usage "Acme Corp" active=40 licensed=100');
    const file = { id: 'F3', name: 'usage.csv', content: 'name,date,active\nAcme Corp,2026-11-01,41\nAcme Corp,2026-11-08,42\nBeta,2026-11-08,7\n' };
    const done = await imported(ana, file);
    expect(done.update?.text).toBe('usage.csv imported by @ana: 3 readings added');
    const readings = () => t.database.db.select().from(usageReadings).where(eq(usageReadings.workspaceId, ana.workspace.id));
    expect(await readings()).toHaveLength(4);
    const undone = await t.registry.press({ ...ana, now: at(1) }, undoOn(done).id, undoOn(done).value);
    expect(undone.update?.text).toBe('Undid the import of usage.csv: removed 3 usage readings.');
    expect((await readings()).map((r) => r.activeUsers)).toEqual([40]);
  });
});
