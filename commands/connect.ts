// /tenure connect: tickets from the PSA (admins). `/tenure connect <psa>` opens a form
// for the credentials (never typed into a channel); its answer, private, gives the
// webhook to paste into the PSA and a dry-run preview of the first import with a
// button to confirm it, whose answer carries an Undo (commands/connect-undo.ts). list,
// remove, sync now, unmatched, map and priority look after a connection once it runs.
import { PSA_CONNECTORS } from '../db/schema.js';
import { resolveLiveAccount } from '../src/core/accounts.js';
import { UserError } from '../src/core/errors.js';
import { listConnections, openedConnection, removeConnection, setPriorityMapping } from '../src/core/psa-connections.js';
import { findCompany, mapCompany, unmatchedCompanies } from '../src/core/psa-sync.js';
import { SourceAuthError, SourceUnavailableError, type ConnectorName } from '../src/core/ticket-sources.js';
import { actions, button, context, header, message, notice, text } from '../src/messages/builders.js';
import type { Form, FormSubmission, Reply } from '../src/messages/message.js';
import { connectorFor } from '../src/psa/connectors.js';
import type { RetryPolicy } from '../src/psa/http.js';
import { confirmImport, previewAndSave } from '../src/psa/setup.js';
import { failureText, syncConnection, syncTarget, type PsaDeps } from '../src/psa/sync.js';
import { webhookUrl } from '../src/psa/webhook-router.js';
import { requireAdmin, withClaimNotice } from './admin.js';
import { checkForm } from './form-input.js';
import type { CommandContext } from './context.js';
import { CONNECT_UNDO_ACTIONS, withConnectUndo } from './connect-undo.js';
import { connectionLines, previewMessage, unmatchedMessage } from './connect-views.js';
import { joinWords, subcommand, type Token } from './parse.js';
import type { CommandDefinition } from './registry.js';

/** What the connect command needs from the server: the key, where webhooks are reached, how to retry. */
export interface ConnectRuntime {
  /** TENURE_SECRET_KEY, parsed; undefined when the server has none. */
  key?: Buffer;
  /** The public origin webhooks are posted to (TENURE_PUBLIC_URL, else the server's own address). */
  publicUrl(): string | undefined;
  retry?: RetryPolicy;
  logger: PsaDeps['logger'];
  deliveries?: PsaDeps['deliveries'];
}

const USAGE = {
  connect: '/tenure connect <connectwise|autotask|halopsa>',
  list: '/tenure connect list',
  unmatched: '/tenure connect unmatched [connector]',
  map: '/tenure connect map "<PSA company>" to "<account>"',
  priority: '/tenure connect priority <connector> "<PSA priority>" <critical|major|minor|cosmetic|default>',
  sync: '/tenure connect sync now',
  remove: '/tenure connect remove <connector>',
};
const EXAMPLE = {
  connect: '/tenure connect connectwise',
  list: '/tenure connect list',
  unmatched: '/tenure connect unmatched',
  map: '/tenure connect map "Contoso Ltd." to "Contoso"',
  priority: '/tenure connect priority connectwise "Priority 3 - Normal Response" major',
  sync: '/tenure connect sync now',
  remove: '/tenure connect remove connectwise',
};
const WHAT = 'connect a PSA';
const isConnectorName = (w: string): w is ConnectorName => (PSA_CONNECTORS as readonly string[]).includes(w);

function requireKey(runtime: ConnectRuntime | undefined): Buffer {
  if (!runtime?.key) {
    throw new UserError('This Tenure server has no TENURE_SECRET_KEY, so it cannot store PSA credentials.', {
      hint: 'The operator sets TENURE_SECRET_KEY (32 random bytes: openssl rand -base64 32) and restarts Tenure; then run this again.',
      usage: USAGE.connect,
      example: EXAMPLE.connect,
    });
  }
  return runtime.key;
}

function connectorNamed(word: string | undefined, which: keyof typeof USAGE) {
  const name = (word ?? '').toLowerCase();
  if (!isConnectorName(name)) {
    throw new UserError(word ? `"${word}" is not a PSA Tenure connects to: use connectwise, autotask or halopsa.` : 'Which PSA? Name it: connectwise, autotask or halopsa.', { usage: USAGE[which], example: EXAMPLE[which] });
  }
  const connector = connectorFor(name);
  if (!connector) {
    throw new UserError(`The ${name} connector is not available in this version of Tenure.`, { hint: 'Until it is, type tickets with /ticket.', usage: USAGE.connect, example: EXAMPLE.connect });
  }
  return connector;
}

function credentialsForm(name: ConnectorName): Form {
  const connector = connectorFor(name)!;
  return {
    id: 'connect.credentials',
    title: `Connect ${connector.label}`,
    submitLabel: 'Preview import',
    fields: connector.credentialFields.map((f) => ({ id: f.id, label: f.label, kind: 'text' as const, required: true, ...(f.placeholder ? { placeholder: f.placeholder } : {}), ...(f.hint ? { hint: f.hint } : {}) })),
    state: { connector: name },
  };
}

async function open(ctx: CommandContext, runtime: ConnectRuntime | undefined, words: Token[]): Promise<Reply> {
  const connector = connectorNamed(words[0]?.text, 'connect');
  if (words.length > 1) {
    throw new UserError('Credentials are never typed into a channel: run the command alone and fill in the form it opens.', { usage: USAGE.connect, example: EXAMPLE.connect });
  }
  requireKey(runtime);
  const check = await requireAdmin(ctx, WHAT);
  return withClaimNotice({ messages: [], form: credentialsForm(connector.name) }, check);
}

/** The form's answer: the PSA is asked first (nothing is stored for credentials it refuses), then the preview. */
async function submitCredentials(ctx: CommandContext, runtime: ConnectRuntime | undefined, values: Record<string, string>, state: Record<string, string>): Promise<FormSubmission> {
  const connector = connectorNamed(state.connector, 'connect');
  const key = requireKey(runtime);
  await requireAdmin(ctx, WHAT);
  const { data: credentials, errors } = checkForm<Record<string, string>>(connector.credentialsSchema, values);
  if (!credentials) return { ok: false, errors };
  let saved;
  try {
    saved = await previewAndSave(ctx.db, ctx.workspace.id, { connector: connector.name, credentials, key, ...(runtime?.retry ? { retry: runtime.retry } : {}) }, { userId: ctx.user.id, now: ctx.now });
  } catch (err) {
    if (err instanceof SourceAuthError) return { ok: false, errors: { [connector.credentialFields[2]?.id ?? 'site']: `${connector.label} refused these credentials (HTTP ${err.status}): check the keys and the API user's role.` } };
    if (err instanceof SourceUnavailableError) throw new UserError(`${connector.label} did not answer: ${err.message}. Nothing was saved.`, { hint: 'Try again in a few minutes.', usage: USAGE.connect, example: EXAMPLE.connect });
    if (err instanceof TypeError || /answered 404/.test((err as Error).message)) return { ok: false, errors: { site: `No ${connector.label} API answered at this address.` } };
    throw err;
  }
  const url = runtime?.publicUrl();
  return { ok: true, reply: { messages: [previewMessage(connector, saved.preview, { webhookUrl: url ? webhookUrl(url, saved.connection.id) : undefined, secret: connector.webhookSteps ? saved.connection.webhookSecret : undefined })] } };
}

async function confirm(ctx: CommandContext, runtime: ConnectRuntime | undefined, value: string): Promise<Reply> {
  const connector = connectorNamed(value, 'connect');
  const key = requireKey(runtime);
  await requireAdmin(ctx, WHAT);
  const connection = await openedConnection(ctx.db, ctx.workspace.id, connector.name, key);
  if (!connection) throw new UserError(`There is no ${connector.label} connection to import from.`, { usage: USAGE.connect, example: EXAMPLE.connect });
  if (connection.status === 'active') return { messages: [notice(`${connector.label} is already imported and syncing. See /tenure connect list.`, { tone: 'info' })] };
  let counts;
  try {
    const url = runtime?.publicUrl();
    counts = await confirmImport(ctx.db, connection, { ...(url ? { publicUrl: url } : {}), ...(runtime?.retry ? { retry: runtime.retry } : {}), actor: { userId: ctx.user.id, now: ctx.now } });
  } catch (err) {
    if (err instanceof SourceAuthError || err instanceof SourceUnavailableError) {
      throw new UserError(`The import stopped: ${failureText(err)}. The pages already imported are kept; nothing half-written.`, { hint: 'Press the button again (or run /tenure connect sync now) to continue where it stopped.' });
    }
    throw err;
  }
  const synced = counts.created + counts.updated;
  const summary = `${connector.label} imported: ${synced} ${synced === 1 ? 'ticket' : 'tickets'} synced, ${counts.aside} kept aside for unmatched companies.${counts.webhook ? ` ${counts.webhook}` : ''}`;
  const blocks = [text(`✅ ${summary}`)];
  if (counts.aside > 0) blocks.push(context('Map the unmatched companies with /tenure connect unmatched, then /tenure connect map "<company>" to "<account>": their tickets are attached at once.'));
  return { messages: [withConnectUndo(ctx, message(summary, blocks, { tone: 'success' }), connector, connection.id)] };
}

async function list(ctx: CommandContext): Promise<Reply> {
  const connections = await listConnections(ctx.db, ctx.workspace.id);
  if (connections.length === 0) {
    return { messages: [notice('No PSA is connected here. An admin connects one with /tenure connect connectwise; until then tickets are typed with /ticket.', { tone: 'info' })] };
  }
  return { messages: [message(`${connections.length} PSA connection(s)`, [header('PSA connections'), text(connectionLines(connections, ctx.workspace.timezone)), context('Sync now with /tenure connect sync now; unmatched companies with /tenure connect unmatched.')])] };
}

async function remove(ctx: CommandContext, words: Token[]): Promise<Reply> {
  const connector = connectorNamed(words[0]?.text, 'remove');
  const check = await requireAdmin(ctx, WHAT);
  const removed = await ctx.db.transaction((tx) => removeConnection(tx, ctx.workspace.id, connector.name, { userId: ctx.user.id, now: ctx.now }));
  const reply = removed
    ? notice(`✅ ${connector.label} is disconnected: its credentials are deleted. Tickets already synced stay in Tenure; remove Tenure's callback or webhook in the PSA too.`, { tone: 'success' })
    : notice(`${connector.label} was not connected here. See /tenure connect list.`, { tone: 'info' });
  return withClaimNotice({ messages: [reply] }, check);
}

async function syncNow(ctx: CommandContext, runtime: ConnectRuntime | undefined, words: Token[]): Promise<Reply> {
  if (words[0]?.text.toLowerCase() !== 'now' || words.length > 1) throw new UserError('Type /tenure connect sync now.', { usage: USAGE.sync, example: EXAMPLE.sync });
  const key = requireKey(runtime);
  await requireAdmin(ctx, WHAT);
  const active = (await listConnections(ctx.db, ctx.workspace.id)).filter((c) => c.status === 'active');
  if (active.length === 0) throw new UserError('No PSA connection here is importing yet.', { hint: 'Connect one with /tenure connect connectwise, and confirm its preview.', usage: USAGE.connect, example: EXAMPLE.connect });
  const lines: string[] = [];
  for (const c of active) {
    const result = await syncConnection({ db: ctx.db, key, logger: runtime!.logger, ...(runtime?.retry ? { retry: runtime.retry } : {}), ...(runtime?.deliveries ? { deliveries: runtime.deliveries } : {}) }, c.id, ctx.now);
    const label = connectorFor(c.connector)?.label ?? c.connector;
    lines.push(result.ok ? `• **${label}**: ${result.created} new, ${result.updated} changed, ${result.aside} kept aside, ${result.unchanged} unchanged` : `• **${label}**: failed — ${result.error}`);
  }
  return { messages: [message('PSA sync finished', [text(lines.join('\n'))])] };
}

async function connectorOfWorkspace(ctx: CommandContext, word: string | undefined, which: keyof typeof USAGE): Promise<ConnectorName> {
  if (word) return connectorNamed(word, which).name;
  const connections = await listConnections(ctx.db, ctx.workspace.id);
  if (connections.length === 1) return connections[0]!.connector;
  throw new UserError(connections.length === 0 ? 'No PSA is connected here.' : 'Several PSAs are connected: name one.', { usage: USAGE[which], example: EXAMPLE[which] });
}

async function unmatched(ctx: CommandContext, words: Token[]): Promise<Reply> {
  const connector = await connectorOfWorkspace(ctx, words[0]?.text, 'unmatched');
  return { messages: [unmatchedMessage(connectorFor(connector)!.label, await unmatchedCompanies(ctx.db, ctx.workspace.id, connector))] };
}

async function map(ctx: CommandContext, runtime: ConnectRuntime | undefined, words: Token[]): Promise<Reply> {
  const at = words.findIndex((w) => !w.quoted && w.text.toLowerCase() === 'to');
  const first = words[0] && !words[0].quoted && isConnectorName(words[0].text.toLowerCase()) ? words[0].text : undefined;
  const companyWords = words.slice(first ? 1 : 0, at);
  if (at < 0 || companyWords.length === 0 || at === words.length - 1) throw new UserError('Name the PSA company, then "to", then the account.', { usage: USAGE.map, example: EXAMPLE.map });
  const connectorName = await connectorOfWorkspace(ctx, first, 'map');
  const key = requireKey(runtime);
  const check = await requireAdmin(ctx, WHAT);
  const typed = joinWords(companyWords);
  const company = await findCompany(ctx.db, ctx.workspace.id, connectorName, typed);
  if (!company) throw new UserError(`${connectorFor(connectorName)!.label} has no company "${typed}" that Tenure has seen.`, { hint: 'See the unmatched ones with /tenure connect unmatched.', usage: USAGE.map, example: EXAMPLE.map });
  // Mapping brings the company's tickets in: new work, which an archived account takes none of.
  const account = await resolveLiveAccount(ctx.db, ctx.workspace.id, joinWords(words.slice(at + 1)));
  const connection = await openedConnection(ctx.db, ctx.workspace.id, connectorName, key);
  const { attached } = await ctx.db.transaction(async (tx) => mapCompany(tx, await syncTarget(tx, connection!), company.externalId, account.id, { userId: ctx.user.id, now: ctx.now }));
  const reply = notice(`✅ ${company.name} (${connectorFor(connectorName)!.label}) now maps to **${account.name}**${attached > 0 ? `: ${attached} ticket${attached === 1 ? '' : 's'} kept aside attached` : ''}.`, { tone: 'success' });
  return withClaimNotice({ messages: [reply] }, check);
}

async function priority(ctx: CommandContext, words: Token[]): Promise<Reply> {
  const connector = connectorNamed(words[0]?.text, 'priority');
  const severity = words.length >= 3 ? words[words.length - 1]!.text.toLowerCase() : '';
  const name = joinWords(words.slice(1, -1));
  if (!name || !['critical', 'major', 'minor', 'cosmetic', 'default'].includes(severity)) {
    throw new UserError('Name the PSA priority (quoted), then critical, major, minor, cosmetic or default.', { usage: USAGE.priority, example: EXAMPLE.priority });
  }
  const check = await requireAdmin(ctx, WHAT);
  await ctx.db.transaction((tx) => setPriorityMapping(tx, ctx.workspace.id, connector.name, name, severity === 'default' ? null : severity, { userId: ctx.user.id, now: ctx.now }));
  const shown = severity === 'default' ? `back to the default (${connector.priorities.map[name] ?? connector.priorities.fallback})` : severity;
  return withClaimNotice({ messages: [notice(`✅ ${connector.label} priority "${name}" now counts as ${shown} for tickets synced from now on or changed in the PSA.`, { tone: 'success' })] }, check);
}

export function connectCommand(runtime?: ConnectRuntime): CommandDefinition {
  return {
    name: 'connect',
    summary: 'Tickets from your PSA (ConnectWise PSA, Datto Autotask, HaloPSA): connect it, see its last sync, map its companies and priorities (admins)',
    usage: [USAGE.connect, USAGE.list, USAGE.unmatched, USAGE.map, USAGE.priority, USAGE.sync, USAGE.remove],
    examples: [EXAMPLE.connect, EXAMPLE.list, EXAMPLE.unmatched, EXAMPLE.map, EXAMPLE.priority, EXAMPLE.sync, EXAMPLE.remove],
    tenureOnly: true,
    async run(ctx, args) {
      const { sub, rest } = subcommand(args);
      if (sub === '' || sub === 'list') return list(ctx);
      if (isConnectorName(sub)) return open(ctx, runtime, args);
      if (sub === 'remove') return remove(ctx, rest);
      if (sub === 'sync') return syncNow(ctx, runtime, rest);
      if (sub === 'unmatched') return unmatched(ctx, rest);
      if (sub === 'map') return map(ctx, runtime, rest);
      if (sub === 'priority') return priority(ctx, rest);
      throw new UserError(`"${args[0]!.text}" is not something /tenure connect does.`, { usage: USAGE.connect, example: EXAMPLE.connect });
    },
    actions: {
      'connect.confirm': (ctx, value) => confirm(ctx, runtime, value),
      ...CONNECT_UNDO_ACTIONS,
    },
    forms: {
      'connect.credentials': (ctx, values, state) => submitCredentials(ctx, runtime, values, state),
    },
  };
}
