// /account history <name>: the audit trail of one account in words, newest first;
// /account import: how to bring accounts and usage in from files and other tools.
import type { Account } from '../src/core/accounts.js';
import { accountHistory, type HistoryEntry } from '../src/core/audit.js';
import { formatMoney } from '../src/core/money.js';
import { formatDateTime } from '../src/core/time.js';
import { context, header, message, text } from '../src/messages/builders.js';
import type { Reply } from '../src/messages/message.js';
import type { CommandContext } from './context.js';

const HISTORY_LIMIT = 20;

const FIELD_WORDS: Record<string, string> = {
  name: 'name',
  externalId: 'external id',
  arrCents: 'ARR',
  renewalDate: 'renewal',
  contractStart: 'contract start',
  stage: 'stage',
  tier: 'tier',
  licensedUsers: 'licensed users',
  activeUsers: 'active users',
  ownerUserId: 'owner',
  kickoffDate: 'kickoff',
};

function value(key: string, v: unknown, currency: string): string {
  if (v === null || v === undefined || v === '') return 'none';
  if (key === 'arrCents' && typeof v === 'number') return formatMoney(v, currency);
  // An owner is stored as an id; the words say that it changed, not to what uuid.
  if (key === 'ownerUserId') return 'someone';
  return String(v);
}

function changes(entry: HistoryEntry, currency: string): string {
  const after = entry.after ?? {};
  const before = entry.before ?? {};
  // In the card's order: jsonb does not keep the order keys were written in.
  const parts = Object.keys(FIELD_WORDS)
    .filter((k) => k in after)
    .map((k) => (k === 'ownerUserId' ? 'changed the owner' : `${FIELD_WORDS[k]} ${value(k, before[k], currency)} → ${value(k, after[k], currency)}`));
  return parts.length > 0 ? `changed ${parts.join(', ')}`.replace('changed changed', 'changed') : 'changed the account';
}

/** One audit entry as a sentence: "Mon 23 Nov 2026 10:00 — @ana changed ARR $100,000 → $120,000". */
export function historyLine(entry: HistoryEntry, timezone: string, currency: string): string {
  const who = entry.actorName ? `@${entry.actorName}` : (entry.actorLabel ?? 'Tenure');
  const a = entry.after ?? {};
  const key = `${entry.entityType}.${entry.action}`;
  const what: string =
    {
      'account.create': 'created the account',
      'account.update': changes(entry, currency),
      'account.undo-renewal': `undid the ${String(entry.before?.outcome ?? '')} renewal outcome: ${changes(entry, currency).replace(/^changed /, '')}`,
      'account.link-channel': `linked channel ${String(a.channelId ?? '')} to it`,
      'account.add-contact': `added contact ${String(a.name ?? '')}${a.email ? ` <${String(a.email)}>` : ''}`,
      'account.import-usage': `imported ${String(a.readings ?? '')} usage readings (${String(a.source ?? 'file')})`,
      'checkin.create': `logged a ${String(a.type ?? '')} check-in (${String(a.sentiment ?? 'neutral')})`,
      'ticket.create': `opened ticket #${String(a.number ?? '')} (${String(a.severity ?? '')})`,
      'ticket.acknowledge': 'acknowledged a ticket',
      'ticket.resolve': 'resolved a ticket',
      'survey.start': `started ${String(a.kind ?? '').toUpperCase()} survey #${String(a.number ?? '')}`,
      'survey.close': 'closed a survey',
      'survey.undo-start': `withdrew survey #${String(a.number ?? '')} (nobody had answered)`,
      'survey.undo-close': `opened survey #${String(a.number ?? '')} again`,
      'account.archive': 'archived the account',
      'account.restore': 'restored the account',
      'account.undo-usage': 'took back a usage reading',
      'account.undo-link-channel': 'took back a channel link',
      'checkin.edit': 'corrected a check-in',
      'checkin.undo': `took back a ${String(entry.before?.type ?? '')} check-in`.replace('a  check-in', 'a check-in'),
      'checkin.undo-edit': 'took back a correction of a check-in',
      'ticket.reopen': 'reopened a ticket',
      'ticket.sync': 'updated a ticket from the PSA',
      'ticket.undo-open': 'took back opening a ticket (deleted)',
      'ticket.undo-acknowledge': 'took back acknowledging a ticket',
      'ticket.undo-resolve': 'took back resolving a ticket (open again)',
      'ticket.undo-reopen': 'took back reopening a ticket (resolved again)',
    }[key] ?? `${entry.action} (${entry.entityType})`;
  return `${formatDateTime(entry.at, timezone)} — ${who} ${what}`;
}

export async function historyReply(ctx: CommandContext, account: Account): Promise<Reply> {
  const entries = await accountHistory(ctx.db, ctx.workspace.id, account.id, HISTORY_LIMIT);
  const title = `History of ${account.name}`;
  if (entries.length === 0) return { messages: [message(title, [header(title), text('No changes recorded yet.')])] };
  const lines = entries.map((e) => historyLine(e, ctx.workspace.timezone, ctx.workspace.currency));
  return {
    messages: [
      message(title, [
        header(title),
        text(lines.join('\n')),
        context(`The last ${entries.length} changes, newest first (${ctx.workspace.timezone}).`),
      ]),
    ],
  };
}

export const IMPORT_HELP = [
  'Bring accounts and usage in from a CSV file (a CRM, billing or PSA export):',
  '• `npm run import -- accounts.csv --dry-run` shows what would change; run it again without `--dry-run` to import.',
  '• Accounts columns (by header, common names understood): name / Company Name, external id / Customer ID, arr / Annual Value, renewal / Contract End, start, licensed / Licensed Users, active / Active Users, stage, tier, owner, contact name, contact email, contact role.',
  '• Usage columns: account (or external id), date, active users, licensed users, spend, forecast: `npm run import -- usage.csv`.',
  '• In Slack, share the CSV (up to 5 MB) in a channel Tenure is in: it answers in the thread with what would change, and imports when someone presses Import.',
  '• Rows are matched by external id, else by name, so importing the same file again changes nothing. Bad rows are listed by line; the good rows go in.',
  '• Other tools can send rows to the ingest API: `POST /api/v1/accounts` or `/api/v1/usage` with `Authorization: Bearer <token>`, a token for this workspace from `/tenure token create` (admins).',
  '• Get data out with `/export accounts` here, or `npm run export -- accounts > accounts.csv` (also usage, checkins, tickets, surveys, health).',
];

export function importHelpReply(): Reply {
  return { messages: [message('Importing accounts and usage', [header('Importing accounts and usage'), text(IMPORT_HELP.join('\n'))])] };
}
