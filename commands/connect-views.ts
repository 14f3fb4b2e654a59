// What /tenure connect shows: the dry-run preview with its confirm button, the
// connections with their last successful sync, and the unmatched companies.
import type { ListedConnection } from '../src/core/psa-connections.js';
import { syncedTicketLink, type UnmatchedCompany } from '../src/core/psa-sync.js';
import { formatDateTime } from '../src/core/time.js';
import { actions, button, context, header, message, text } from '../src/messages/builders.js';
import type { Message, Reply } from '../src/messages/message.js';
import { connectorFor, type Connector } from '../src/psa/connectors.js';
import type { CommandContext } from './context.js';
import type { Preview } from '../src/psa/sync.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "312 tickets from 41 companies; 3 companies unmatched". */
export function previewLine(p: Preview): string {
  return `${plural(p.tickets, 'ticket')} from ${plural(p.companies, 'company', 'companies')}; ${plural(p.unmatched.length, 'company', 'companies')} unmatched`;
}

export function previewMessage(connector: Connector, preview: Preview, hook: { webhookUrl: string | undefined; secret: string | undefined }): Message {
  const blocks = [header(`${connector.label}: import preview`), text(`**${previewLine(preview)}.** Nothing is written until you confirm.`)];
  if (preview.unmatched.length > 0) {
    const shown = preview.unmatched.slice(0, 15).join(', ');
    blocks.push(text(`Unmatched (their tickets are kept aside, not dropped, until you map them): ${shown}${preview.unmatched.length > 15 ? ` and ${preview.unmatched.length - 15} more` : ''}.`));
  }
  if (hook.webhookUrl) {
    const where = connector.registerWebhook ? 'Tenure registers this callback URL in the PSA when you confirm' : 'Paste this webhook URL into the PSA';
    blocks.push(text(`${where}: \`${hook.webhookUrl}\`${hook.secret ? `\nSecret: \`${hook.secret}\`` : ''}`));
    if (connector.webhookSteps) blocks.push(context(connector.webhookSteps));
  } else {
    blocks.push(context('Set TENURE_PUBLIC_URL on the server for live updates by webhook; until then the poll every five minutes keeps tickets in sync.'));
  }
  blocks.push(context(`Permissions: ${connector.permissions}`));
  blocks.push(actions([button('connect.confirm', `Import ${plural(preview.tickets, 'ticket')}`, connector.name, 'primary')]));
  return message(`${connector.label} preview: ${previewLine(preview)}`, blocks);
}

export function connectionLines(connections: ListedConnection[], timezone: string): string {
  return connections
    .map((c) => {
      const state =
        c.status === 'preview'
          ? 'waiting for the import to be confirmed'
          : c.failingSince
            ? `⚠️ failing since ${formatDateTime(c.failingSince, timezone)}: ${c.lastError ?? 'unknown error'}`
            : 'syncing';
      const last = c.lastSuccessAt ? `last successful sync ${formatDateTime(c.lastSuccessAt, timezone)}` : 'never synced';
      const by = c.createdByName ? `, connected by @${c.createdByName}` : '';
      return `• **${c.connector}** — ${state}; ${last}; ${plural(c.tickets, 'ticket')} synced, ${c.aside} kept aside${by}`;
    })
    .join('\n');
}

export function unmatchedMessage(label: string, companies: UnmatchedCompany[]): Message {
  if (companies.length === 0) return message(`Every ${label} company maps to an account`, [text(`✅ Every ${label} company Tenure has seen maps to an account.`)]);
  const lines = companies.slice(0, 50).map((c) => `• ${c.name} (id ${c.externalId}) — ${plural(c.tickets, 'ticket')} kept aside`);
  return message(`${plural(companies.length, 'company', 'companies')} of ${label} map to no account`, [
    header(`Unmatched ${label} companies`),
    text(lines.join('\n') + (companies.length > 50 ? `\n… and ${companies.length - 50} more` : '')),
    context(`Map one with /tenure connect map "${companies[0]!.name}" to "<account>" — or add the account with /account add, then map it.`),
  ]);
}

/**
 * The answer to /ticket ack or resolve on a ticket synced from a PSA: the PSA is the
 * system of record, so the change is made there (and comes back by webhook or poll)
 * rather than in Tenure, where the two would diverge. Undefined for a typed ticket.
 */
export async function syncedTicketReply(ctx: CommandContext, number: number, what: 'acknowledge' | 'resolve'): Promise<Reply | undefined> {
  const link = await syncedTicketLink(ctx.db, ctx.workspace.id, number);
  if (!link) return undefined;
  const label = connectorFor(link.connector)?.label ?? link.connector;
  const summary = `Ticket #${number} comes from ${label} (ticket ${link.number}): ${what} it there, and Tenure follows within minutes.`;
  return { messages: [message(summary, [text(`ℹ️ ${summary}`), text(`Open it in ${label}: ${link.url}`)], { tone: 'info' })] };
}
