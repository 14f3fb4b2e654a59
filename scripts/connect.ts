// `npm run connect -- …`: the operator's /tenure connect, for servers where nobody
// chats yet. Credentials are read from stdin (`name=value` lines, or prompts on a
// terminal), never from the command line, where ps and shell history would keep them.
//   npm run -s connect -- list [--workspace ID]
//   npm run -s connect -- connectwise [--workspace ID] [--admin USER] [--yes] < credentials.env
//   npm run -s connect -- confirm <connector> [--workspace ID]
//   npm run -s connect -- sync [--workspace ID]
//   npm run -s connect -- remove <connector> [--workspace ID]
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { PSA_CONNECTORS } from '../db/schema.js';
import type { Config } from '../src/config.js';
import { listConnections, openedConnection, removeConnection } from '../src/core/psa-connections.js';
import { parseSecretKey } from '../src/core/secrets.js';
import type { ConnectorName } from '../src/core/ticket-sources.js';
import { findUserByName, findUserByPlatformId } from '../src/core/workspaces.js';
import { connectorFor, type Connector } from '../src/psa/connectors.js';
import { confirmImport, previewAndSave } from '../src/psa/setup.js';
import { failureText, syncConnection } from '../src/psa/sync.js';
import { webhookUrl } from '../src/psa/webhook-router.js';
import { previewLine } from '../commands/connect-views.js';
import { runCli, UsageError, withWorkspace } from './data-cli.js';

const USAGE = [
  'Usage: npm run -s connect -- list [--workspace ID]',
  '       npm run -s connect -- <connectwise> [--workspace ID] [--admin USER] [--yes] < credentials.env   (name=value lines)',
  '       npm run -s connect -- confirm <connector> [--workspace ID]',
  '       npm run -s connect -- sync [--workspace ID]',
  '       npm run -s connect -- remove <connector> [--workspace ID]',
].join('\n');

const say = (line: string) => process.stdout.write(`${line}\n`);
const log = { info: () => undefined, warn: () => undefined, error: (d: Record<string, unknown>, m: string) => process.stderr.write(`${m}\n`) };

function keyOf(config: Config): Buffer {
  if (!config.secretKey) throw new UsageError('TENURE_SECRET_KEY is not set: PSA credentials are stored encrypted with it. Make one with `openssl rand -base64 32`, set it for every Tenure process, and run this again.');
  return parseSecretKey(config.secretKey);
}

function connectorArg(word: string | undefined): Connector {
  if (!word || !(PSA_CONNECTORS as readonly string[]).includes(word)) throw new UsageError(`Name the PSA: ${PSA_CONNECTORS.join(', ')}.\n${USAGE}`);
  const connector = connectorFor(word as ConnectorName);
  if (!connector) throw new UsageError(`The ${word} connector is not available in this version of Tenure yet.`);
  return connector;
}

/** name=value lines from stdin; on a terminal, a prompt per field (the answer is not echoed back). */
async function readCredentials(connector: Connector): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  const lines = createInterface({ input: process.stdin, output: process.stdin.isTTY ? process.stderr : undefined, terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) {
    for (const field of connector.credentialFields) values[field.id] = (await lines.question(`${field.label}: `)).trim();
  } else {
    for await (const line of lines) {
      const at = line.indexOf('=');
      if (at > 0) values[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  }
  lines.close();
  const parsed = connector.credentialsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${String(issue.path[0])} ${issue.message}. Give ${connector.credentialFields.map((f) => f.id).join(', ')} as name=value lines on stdin.`);
  }
  return parsed.data;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { workspace: { type: 'string' }, admin: { type: 'string' }, yes: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (parsed.values.help || parsed.positionals.length === 0) {
    say(USAGE);
    return parsed.values.help ? 0 : 2;
  }
  const [sub, arg] = parsed.positionals;
  return withWorkspace(parsed.values.workspace, async (database, workspace, config) => {
    const db = database.db;
    const now = new Date();
    if (sub === 'list') {
      const all = await listConnections(db, workspace.id);
      if (all.length === 0) say(`No PSA is connected to workspace ${workspace.name}.`);
      for (const c of all) say(`${c.connector}\t${c.status}\tlast success ${c.lastSuccessAt?.toISOString() ?? 'never'}\t${c.failingSince ? `failing since ${c.failingSince.toISOString()}: ${c.lastError}` : 'ok'}\t${c.tickets} synced, ${c.aside} aside`);
      return 0;
    }
    const key = keyOf(config);
    if (sub === 'sync') {
      let failed = 0;
      for (const c of (await listConnections(db, workspace.id)).filter((x) => x.status === 'active')) {
        const result = await syncConnection({ db, key, logger: log }, c.id, now);
        say(result.ok ? `${c.connector}: ${result.created} new, ${result.updated} changed, ${result.aside} aside, ${result.unchanged} unchanged` : `${c.connector}: failed — ${result.error}`);
        if (!result.ok) failed++;
      }
      return failed > 0 ? 1 : 0;
    }
    if (sub === 'remove') {
      const connector = connectorArg(arg);
      const removed = await db.transaction((tx) => removeConnection(tx, workspace.id, connector.name, { userId: null, now }));
      say(removed ? `${connector.label} disconnected; its credentials are deleted.` : `${connector.label} was not connected.`);
      return 0;
    }
    if (sub === 'confirm') {
      const connector = connectorArg(arg);
      const connection = await openedConnection(db, workspace.id, connector.name, key);
      if (!connection) throw new UsageError(`${connector.label} is not connected to this workspace: run npm run connect -- ${connector.name} first.`);
      const result = await confirmImport(db, connection, { ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}), actor: { userId: null, now } });
      say(`Imported: ${result.created + result.updated} tickets synced, ${result.aside} kept aside. ${result.webhook}`);
      return 0;
    }
    const connector = connectorArg(sub);
    const admin = parsed.values.admin ? ((await findUserByPlatformId(db, workspace.id, parsed.values.admin)) ?? (await findUserByName(db, workspace.id, parsed.values.admin))) : undefined;
    if (parsed.values.admin && !admin) throw new UsageError(`Nobody called ${parsed.values.admin} has used Tenure in this workspace: leave --admin out, or name someone who has.`);
    const credentials = await readCredentials(connector);
    let saved;
    try {
      saved = await previewAndSave(db, workspace.id, { connector: connector.name, credentials, key }, { userId: admin?.id ?? null, now });
    } catch (err) {
      throw new UsageError(`${connector.label}: ${failureText(err)}. Nothing was saved.`);
    }
    say(`${connector.label} preview: ${previewLine(saved.preview)}.`);
    if (saved.preview.unmatched.length > 0) say(`Unmatched: ${saved.preview.unmatched.join(', ')}`);
    say(config.publicUrl ? `Webhook URL: ${webhookUrl(config.publicUrl, saved.connection.id)}` : 'Set TENURE_PUBLIC_URL for live webhooks; the five-minute poll keeps tickets in sync meanwhile.');
    if (!parsed.values.yes) {
      say(`Nothing is imported yet. Import with: npm run -s connect -- confirm ${connector.name}${parsed.values.workspace ? ` --workspace ${parsed.values.workspace}` : ''}`);
      return 0;
    }
    const result = await confirmImport(db, saved.connection, { ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}), actor: { userId: admin?.id ?? null, now } });
    say(`Imported: ${result.created + result.updated} tickets synced, ${result.aside} kept aside. ${result.webhook}`);
    return 0;
  });
}

runCli(main);
