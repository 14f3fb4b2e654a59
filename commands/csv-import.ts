// A CSV shared in chat, imported after a look. The preview is a dry run of the file
// through the importer `npm run import` uses (accounts or usage, told apart by the
// header), posted with Import and Cancel buttons. The buttons carry the file id, its
// name and the SHA-256 of the bytes previewed, so a click works on any replica and
// after a restart (the adapter fetches the file again through ctx.files); a file
// that changed since is previewed anew instead of imported. The decision is taken
// once (src/data/chat-import.ts): a second click or a second person gets the first
// one back. The import's confirmation carries an Undo for whoever imported it
// (commands/import-undo.ts). Platform-neutral: Slack supplies the file, any adapter could.
import { z } from 'zod';
import { UserError } from '../src/core/errors.js';
import { formatDateTime } from '../src/core/time.js';
import { decideImport, fileDigest, previewImport, priorDecision, type ChatImportDecision, type ChatImportFile } from '../src/data/chat-import.js';
import type { ImportReport } from '../src/data/import.js';
import { actions, button, context, mention, message, notice, text } from '../src/messages/builders.js';
import type { Message, Reply } from '../src/messages/message.js';
import type { CommandContext, SharedFile } from './context.js';
import { IMPORT_UNDO_ACTIONS, withImportUndo } from './import-undo.js';
import type { ActionHandler } from './registry.js';

/** Files shared in chat are read whole into memory: bigger ones go through `npm run import`. */
export const CSV_IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const CSV_IMPORT_CONFIRM = 'csv-import.confirm';
export const CSV_IMPORT_CANCEL = 'csv-import.cancel';
/** Lines of changes and of bad rows a chat message lists before "…and N more". */
const LISTED = 10;

/** What a shared file says about itself: a CSV by name, MIME type or Slack's file type. */
export function looksLikeCsv(file: { name?: string | undefined; mimetype?: string | undefined; filetype?: string | undefined }): boolean {
  return /\.csv$/i.test(file.name ?? '') || /^(text|application)\/(csv|x-csv)\b/i.test(file.mimetype ?? '') || file.filetype === 'csv';
}

export function tooLargeError(name: string, bytes: number): UserError {
  const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
  return new UserError(`${name} is ${mb(bytes)} MB; files imported from chat may be up to ${mb(CSV_IMPORT_MAX_BYTES)} MB.`, {
    hint: 'Import it on the server with npm run import -- <file>, or send its rows to the ingest API (/account import explains both).',
    usage: '',
    example: '',
  });
}

const buttonValue = z
  .string()
  .transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.object({ f: z.string().min(1).max(100), n: z.string().min(1).max(300), h: z.string().regex(/^[0-9a-f]{64}$/) }));

function fileOf(value: string): ChatImportFile {
  const parsed = buttonValue.safeParse(value);
  if (!parsed.success) throw new UserError('That button is no longer valid. Share the file again to import it.', { usage: '', example: '' });
  return { id: parsed.data.f, name: parsed.data.n, digest: parsed.data.h };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "80 accounts to create, 3 to change, 2 bad rows" (preview) or "… created, … changed …" (done). */
export function countsInWords(r: Pick<ImportReport, 'kind' | 'created' | 'updated' | 'unchanged' | 'errorCount'>, done: boolean): string {
  const parts =
    r.kind === 'usage'
      ? [plural(r.created, 'reading', 'readings') + (done ? ' added' : ' to add')]
      : [plural(r.created, 'account', 'accounts') + (done ? ' created' : ' to create'), `${r.updated} ${done ? 'changed' : 'to change'}`];
  if (r.unchanged > 0) parts.push(r.kind === 'usage' ? `${r.unchanged} already stored` : `${r.unchanged} unchanged`);
  if (r.errorCount > 0) parts.push(plural(r.errorCount, 'bad row', 'bad rows') + (done ? ' skipped' : ''));
  return parts.join(', ');
}

function listed(title: string, lines: { line: number; message: string }[], total: number): string {
  const shown = lines.slice(0, LISTED).map((l) => `• line ${l.line}: ${l.message}`);
  if (total > shown.length) shown.push(`…and ${total - shown.length} more`);
  return [`**${title}**`, ...shown].join('\n');
}

/** The preview of a shared file: what importing it would do, with Import / Cancel when there is something to import. */
export async function previewSharedCsv(ctx: CommandContext, file: SharedFile): Promise<Reply> {
  let report: ImportReport;
  try {
    report = await previewImport(ctx.db, ctx.workspace.id, file.content, { userId: ctx.user.id, now: ctx.now, label: `CSV import (${file.name})` });
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(`${file.name} cannot be imported: ${err.message}`, { hint: 'Type /account import for the columns Tenure reads.', usage: '', example: '' });
  }
  const counts = countsInWords(report, false);
  const firstBad = report.errors[0] ? ` (line ${report.errors[0].line}: ${report.errors[0].message})` : '';
  const blocks = [];
  const nothing = report.created + report.updated === 0;
  blocks.push(text(nothing ? `**${file.name}** (${report.kind}): nothing to import — ${counts}.` : `**${file.name}** (${report.kind}): ${counts}.`));
  if (report.changes.length > 0) blocks.push(text(listed('Would change', report.changes, report.changes.length)));
  if (report.errorCount > 0) blocks.push(text(listed('Rows that would be skipped', report.errors, report.errorCount)));
  if (report.ignoredColumns.length > 0) blocks.push(context(`Ignored columns: ${report.ignoredColumns.join(', ')}.`));
  if (nothing) {
    // Nothing to press: only the person who shared it needs to know.
    return { messages: [message(`${file.name}: nothing to import — ${counts}${firstBad}`, blocks)] };
  }
  const value = JSON.stringify({ f: file.id, n: file.name.slice(0, 300), h: fileDigest(file.content) });
  blocks.push(
    context(`Shared by ${mention(ctx.user.platformUserId, ctx.user.displayName)}. Nothing is written until someone presses Import; it runs once, in one go.`),
    actions([button(CSV_IMPORT_CONFIRM, 'Import', value, 'primary'), button(CSV_IMPORT_CANCEL, 'Cancel', value)]),
  );
  return { messages: [message(`${file.name}: ${counts}${firstBad}`, blocks, { visibility: 'channel' })] };
}

/** The preview message after the decision: who decided, and what happened (an import with its Undo). */
function decidedMessage(ctx: CommandContext, d: ChatImportDecision): Message {
  const who = mention(d.byPlatformUserId, d.byName);
  if (d.decision === 'cancelled') {
    return notice(`Import of **${d.file}** cancelled by ${who}. Nothing was written.`, { visibility: 'channel' });
  }
  const counts = countsInWords(
    { kind: d.kind ?? 'accounts', created: d.created ?? 0, updated: d.updated ?? 0, unchanged: d.unchanged ?? 0, errorCount: d.errorCount ?? 0 },
    true,
  );
  const done = message(`${d.file} imported by @${d.byName}: ${counts}`, [text(`✅ **${d.file}** imported by ${who}: ${counts}.`)], {
    visibility: 'channel',
    tone: 'success',
  });
  return d.importId ? withImportUndo(ctx, done, d.importId, new Date(d.at)) : done;
}

function alreadyDecided(ctx: CommandContext, d: ChatImportDecision): Reply {
  const when = formatDateTime(new Date(d.at), ctx.workspace.timezone);
  const what = d.decision === 'imported' ? 'imported' : 'cancelled';
  const next = d.decision === 'imported' ? 'Nothing was imported again.' : 'Nothing was imported; upload the file again to start over.';
  return { update: decidedMessage(ctx, d), messages: [notice(`${d.file} was already ${what} by @${d.byName} (${when}). ${next}`, { tone: 'info' })] };
}

function decider(ctx: CommandContext) {
  return { userId: ctx.user.id, platformUserId: ctx.user.platformUserId, name: ctx.user.displayName, now: ctx.now };
}

const confirm: ActionHandler = async (ctx, value) => {
  const ref = fileOf(value);
  if (!ctx.files) throw new UserError('Files shared in chat can be imported only where they were shared.', { usage: '', example: '' });
  const prior = await priorDecision(ctx.db, ctx.workspace.id, ref);
  if (prior) return alreadyDecided(ctx, prior);
  const file = await ctx.files.read(ref.id);
  if (fileDigest(file.content) !== ref.digest) {
    // Not what was previewed: show what it would do now, and let someone decide again.
    const fresh = await previewSharedCsv(ctx, file);
    return { update: fresh.messages[0]!, messages: [notice(`${file.name} changed since the preview, so nothing was imported. Above is what it would do now.`, { tone: 'info' })] };
  }
  const outcome = await decideImport(ctx.db, ctx.workspace.id, ref, { kind: 'import', content: file.content }, decider(ctx));
  if (!outcome.taken) return alreadyDecided(ctx, outcome.decision);
  const report = outcome.report!;
  const done = decidedMessage(ctx, outcome.decision);
  const details: Message[] = [];
  if (report.errorCount > 0) {
    details.push(message(`${report.errorCount} rows of ${file.name} were skipped`, [text(listed('Skipped rows (fix them and share the file again: the rest is already in)', report.errors, report.errorCount))]));
  }
  return {
    update: done,
    messages: [notice(`Imported ${file.name}: ${countsInWords(report, true)}. Every change is in the audit log (/account history <name>).`, { tone: 'success' }), ...details],
  };
};

const cancel: ActionHandler = async (ctx, value) => {
  const ref = fileOf(value);
  const outcome = await decideImport(ctx.db, ctx.workspace.id, ref, { kind: 'cancel' }, decider(ctx));
  if (!outcome.taken) return alreadyDecided(ctx, outcome.decision);
  return { update: decidedMessage(ctx, outcome.decision), messages: [notice(`Cancelled: nothing from ${ref.name} was imported.`, { tone: 'info' })] };
};

/** Registered with the registry beside the commands' own buttons. */
export const CSV_IMPORT_ACTIONS: Record<string, ActionHandler> = { [CSV_IMPORT_CONFIRM]: confirm, [CSV_IMPORT_CANCEL]: cancel, ...IMPORT_UNDO_ACTIONS };
