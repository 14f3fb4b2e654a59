// Forgiving order and verbs (issue 24, item 5), on every database engine: the severity
// before the account, other words for the ticket verbs, part of an account's name,
// suggestions for a misspelt command or subcommand that name only what exists, and
// usage lines that show the subcommand as it was typed.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { accounts as accountsTable, checkins, tickets } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { undoButton } from '../helpers/reply-parts.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

describe.each(ENGINES)('forgiving order and verbs on $name', (engine) => {
  const t = registryOn(engine);

  async function workspace(names = ['Acme Corp', 'Globex']): Promise<CommandContext> {
    const ctx = await newContext(t.database.db, { now: NOW });
    for (const name of names) await t.registry.run(ctx, `/account add "${name}"`);
    return ctx;
  }
  const ticketRows = (ctx: CommandContext) => t.database.db.select().from(tickets).where(eq(tickets.workspaceId, ctx.workspace.id)).orderBy(tickets.number);

  it('opens a ticket with the severity before the account, quoted, unquoted or by part of the name', async () => {
    const ctx = await workspace();
    expect(plain(await t.registry.run(ctx, '/ticket critical "Acme Corp" VPN down'))).toContain('Acme Corp');
    await t.registry.run(ctx, '/ticket major acme corp Backups failing');
    await t.registry.run(ctx, '/ticket minor glob Portal slow');
    const rows = await ticketRows(ctx);
    expect(rows.map((r) => [r.severity, r.title])).toEqual([
      ['critical', 'VPN down'],
      ['major', 'Backups failing'],
      ['minor', 'Portal slow'],
    ]);
    const [acme, globex] = await Promise.all(['Acme Corp', 'Globex'].map((n) => t.database.db.select().from(accountsTable).where(and(eq(accountsTable.workspaceId, ctx.workspace.id), eq(accountsTable.name, n)))));
    expect(rows.map((r) => r.accountId)).toEqual([acme![0]!.id, acme![0]!.id, globex![0]!.id]);
    // A name that starts with a severity is already in order: its ticket is not read as critical with "major" in the title.
    await t.registry.run(ctx, '/account add "Critical Systems"');
    expect(plain(await t.registry.run(ctx, '/ticket Critical Systems major Disk full'))).toContain('Critical Systems');
    expect((await ticketRows(ctx)).map((r) => [r.severity, r.title])[3]).toEqual(['major', 'Disk full']);
    // A typo in a quoted name is an unknown account, with close names.
    expect(plain(await t.registry.run(ctx, '/ticket critical "Acme Crop" VPN down'))).toMatch(/No account named "Acme Crop"[\s\S]*Did you mean "Acme Corp"/);
  });

  it('logs a check-in with the kind before the account, and keeps a kind word inside the note in the note', async () => {
    const ctx = await workspace();
    expect(plain(await t.registry.run(ctx, '/checkin call "Acme Corp" Walked through the runbook'))).toContain('Logged a call with Acme Corp');
    expect(plain(await t.registry.run(ctx, '/checkin meeting acme corp Planned the "DR" migration'))).toContain('Logged a meeting with Acme Corp');
    expect(plain(await t.registry.run(ctx, '/checkin email glob Sent the follow-up email sentiment=positive'))).toContain('Logged an email with Globex');
    expect(plain(await t.registry.run(ctx, '/checkin call "Acme Corp" Booked a call with finance'))).toContain('Logged a call with Acme Corp');
    expect(plain(await t.registry.run(ctx, '/checkin qbr Acme Corp Booked a call with finance for the review'))).toContain('Logged a QBR with Acme Corp');
    const rows = await t.database.db.select().from(checkins).where(eq(checkins.workspaceId, ctx.workspace.id)).orderBy(checkins.number);
    expect(rows.map((r) => [r.type, r.notes, r.sentiment])).toEqual([
      ['call', 'Walked through the runbook', 'neutral'],
      ['meeting', 'Planned the "DR" migration', 'neutral'],
      ['email', 'Sent the follow-up email', 'positive'],
      ['call', 'Booked a call with finance', 'neutral'],
      ['qbr', 'Booked a call with finance for the review', 'neutral'],
    ]);
    // A kind typed last is not taken from the end of the note: the answer shows the line in order.
    const last = plain(await t.registry.run(ctx, '/checkin "Acme Corp" Walked through the "DR" runbook call'));
    expect(last).toContain('Say what kind of touch it was');
    expect(last).toContain('Put it right after the account name: /checkin "Acme Corp" call Walked through the "DR" runbook');
    expect(await t.database.db.select().from(checkins).where(eq(checkins.workspaceId, ctx.workspace.id))).toHaveLength(5);
    // In a channel linked to an account, the words after the kind are its note, unless a name is quoted.
    const linked = await newContext(t.database.db, { now: NOW, workspace: ctx.workspace.externalId, channel: 'acme-team' });
    await t.registry.run(linked, '/account link "Acme Corp" internal');
    expect(plain(await t.registry.run(linked, '/checkin call Globex wants the same runbook'))).toContain('Logged a call with Acme Corp');
    expect(plain(await t.registry.run(linked, '/checkin call "Globex" Asked for the runbook'))).toContain('Logged a call with Globex');
    const latest = await t.database.db.select().from(checkins).where(eq(checkins.workspaceId, ctx.workspace.id)).orderBy(checkins.number);
    expect(latest.slice(5).map((r) => r.notes)).toEqual(['Globex wants the same runbook', 'Asked for the runbook']);
  });

  it('records a renewal outcome with the outcome before the account', async () => {
    const ctx = await workspace();
    expect(plain(await t.registry.run(ctx, '/renewal churned "Acme Corp" reason=budget'))).toContain('Recorded: Acme Corp churned (reason: budget).');
    expect(plain(await t.registry.run(ctx, '/renewal renewed globex'))).toContain('Recorded: Globex renewed.');
  });

  it('starts a survey with nps or csat after the account’s name', async () => {
    const ctx = await workspace(['Acme Corp', 'Globex', 'NPS Partners']);
    expect(plain(await t.registry.run(ctx, '/survey "Acme Corp" nps'))).toContain('Survey #1 about Acme Corp is open');
    expect(plain(await t.registry.run(ctx, '/survey globex csat anonymous=yes'))).toContain('Survey #2 about Globex is open');
    // An account whose name starts with the word is still typed after it, as before.
    expect(plain(await t.registry.run(ctx, '/survey nps NPS Partners'))).toContain('Survey #3 about NPS Partners is open');
  });

  it('takes a subcommand of /account after the account’s name', async () => {
    const ctx = await workspace(['Acme Corp', 'Globex', 'Acme Link Ltd']);
    expect(plain(await t.registry.run(ctx, '/account "Acme Corp" set tier=gold'))).toContain('Updated Acme Corp: tier.');
    expect(plain(await t.registry.run(ctx, '/account Acme Corp set licensed=50'))).toContain('Updated Acme Corp: licensed users.');
    expect(plain(await t.registry.run(ctx, '/account glob set tier=silver'))).toContain('Updated Globex: tier.');
    expect(plain(await t.registry.run(ctx, '/account "Globex" link internal'))).toContain('Linked #general to Globex as an internal channel');
    expect(plain(await t.registry.run(ctx, '/account Acme Corp history'))).toContain('History of Acme Corp');
    // A name that holds the word stays a name.
    // A line that starts with another subcommand is in order already, whatever account a word in it is part of.
    await t.registry.run(ctx, '/account add "Addison Ltd"');
    expect(plain(await t.registry.run(ctx, '/account add Link Corp tier=gold'))).toContain('Added account Link Corp');
    const named = plain(await t.registry.run(ctx, '/account Acme Link Ltd'));
    expect(named).toContain('Acme Link Ltd');
    expect(named).not.toContain('Linked');
    const [acme, globex] = await Promise.all(['Acme Corp', 'Globex'].map(async (n) => (await t.database.db.select().from(accountsTable).where(and(eq(accountsTable.workspaceId, ctx.workspace.id), eq(accountsTable.name, n))))[0]!));
    expect([acme?.tier, acme?.licensedUsers, globex?.tier]).toEqual(['gold', 50, 'silver']);
  });

  it('takes close, done and fixed for resolve, and reopens', async () => {
    const ctx = await workspace();
    for (let i = 0; i < 3; i++) await t.registry.run(ctx, `/ticket "Acme Corp" minor Issue ${i + 1}`);
    expect(plain(await t.registry.run(ctx, '/ticket close 1'))).toContain('Resolved #1 for Acme Corp');
    expect(plain(await t.registry.run(ctx, '/ticket done #2 Rotated the certificate'))).toContain('Resolved #2');
    expect(plain(await t.registry.run(ctx, '/ticket fixed 3'))).toContain('Resolved #3');
    expect((await ticketRows(ctx)).map((r) => [r.status, r.resolutionNote])).toEqual([
      ['resolved', null],
      ['resolved', 'Rotated the certificate'],
      ['resolved', null],
    ]);
    const reopened = plain(await t.registry.run(ctx, '/ticket reopen 2 The certificate expired again'));
    expect(reopened).toContain('Reopened #2 for Acme Corp — “Issue 2”: it is acknowledged again.');
    expect(reopened).toContain('> The certificate expired again');
    expect(plain(await t.registry.run(ctx, '/ticket reopen 2'))).toContain('Ticket #2 is not resolved (it is acknowledged): there is nothing to reopen.');
    // Its Undo resolves it again as it was.
    const undo = undoButton(await t.registry.run(ctx, '/ticket reopen 3'));
    expect(undo.id).toBe('ticket.undo-reopen');
    expect((await t.registry.press(ctx, undo.id, undo.value)).update?.text).toBe('#3 for Acme Corp: reopening undone: it is resolved again.');
    expect((await ticketRows(ctx))[2]).toMatchObject({ status: 'resolved', resolutionNote: null });
    expect(plain(await t.registry.run(ctx, '/ticket reopen'))).toContain('Usage: /ticket reopen <id> [reason…]');
    // An account whose name is one of those words still gets its tickets.
    await t.registry.run(ctx, '/account add "Fix Inc"');
    expect(plain(await t.registry.run(ctx, '/ticket Fix Inc critical Mail down'))).toContain('Fix Inc');
  });

  it('finds an account by a unique part of its name, and lists the candidates of an ambiguous one', async () => {
    const ctx = await workspace(['Acme Corp', 'Acorn Ltd', 'Globex Inc']);
    expect(plain(await t.registry.run(ctx, '/account acme'))).toContain('Acme Corp');
    expect(plain(await t.registry.run(ctx, '/account inc'))).toContain('Globex Inc');
    const ambiguous = plain(await t.registry.run(ctx, '/account ac'));
    expect(ambiguous).toContain('"ac" fits more than one account: "Acme Corp", "Acorn Ltd".');
    expect(ambiguous).toContain('Type more of the name, or the whole name in quotes.');
    // /checkin finds it in the same statement that writes the touch.
    expect(plain(await t.registry.run(ctx, '/checkin acme call Walked through the runbook'))).toContain('Logged a call with Acme Corp');
    expect(plain(await t.registry.run(ctx, '/checkin ac call Walked through the runbook'))).toContain('fits more than one account');
    expect(await t.database.db.select().from(checkins).where(eq(checkins.workspaceId, ctx.workspace.id))).toHaveLength(1);
    // One letter is too little to go on.
    expect(plain(await t.registry.run(ctx, '/account g'))).toContain('No account named "g"');
  });

  it('suggests only commands that exist, as they are typed, with the rest of the line', async () => {
    const ctx = await workspace();
    const tickets = plain(await t.registry.run(ctx, '/tickets list'));
    expect(tickets).toContain('There is no command "tickets".');
    expect(tickets).toContain('Did you mean /ticket list?');
    expect(tickets).not.toContain('/token');
    // A /tenure-only command is suggested the way it is typed.
    expect(plain(await t.registry.run(ctx, '/tokn list'))).toContain('Did you mean /tenure token list?');
    expect(plain(await t.registry.run(ctx, '/chekin acme call x'))).toContain('Did you mean /checkin acme call x?');
  });

  it('suggests the subcommand a misspelt one meant, and shows usage lines with the word that was typed', async () => {
    const ctx = await workspace();
    await t.registry.run(ctx, '/ticket "Acme Corp" minor Issue');
    const resolv = plain(await t.registry.run(ctx, '/ticket resolv 1 Rotated it'));
    expect(resolv).toContain('Did you mean /ticket resolve 1 Rotated it?');
    expect(plain(await t.registry.run(ctx, '/account lsit'))).not.toContain('Did you mean /account list');
    expect(plain(await t.registry.run(ctx, '/account lisst'))).toContain('Did you mean /account list?');
    const close = plain(await t.registry.run(ctx, '/ticket close'));
    expect(close).toContain('Which ticket?');
    expect(close).toContain('Usage: /ticket close <id> [note…]');
    expect(close).toContain('Example: /ticket close #42 Rotated the expired certificate');
    expect(plain(await t.registry.run(ctx, '/ticket ack'))).toContain('Usage: /ticket ack <id>');
  });
});
