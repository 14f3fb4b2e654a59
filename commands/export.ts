// /export <kind>: the workspace's data as a CSV file in the channel (Slack uploads
// it; the console and Teams offer a download link). Large workspaces use `npm run export`.
// Each kind holds one kind of row (src/data/export.ts), so a column sums to a total.
// Archived accounts are left out, as from every list; archived=include brings their
// rows (their history) along, archived=only exports them alone.
import { parse } from 'csv-parse/sync';
import { countAccounts } from '../src/core/accounts.js';
import { UserError } from '../src/core/errors.js';
import { localDate } from '../src/core/time.js';
import { EXPORT_KINDS, exportCsvText, exportFilename, exportProblem, type ArchivedChoice, type ExportKind } from '../src/data/export.js';
import { context, message, text } from '../src/messages/builders.js';
import type { CommandContext } from './context.js';
import { refuseInCustomerChannel } from './customer-channel.js';
import { splitOptions } from './parse.js';
import type { CommandDefinition } from './registry.js';

const USAGE = `/export <${EXPORT_KINDS.join('|')}> [archived=include|only]`;
const EXAMPLE = '/export accounts';
const ARCHIVED_EXAMPLE = '/export checkins archived=include';
/** Past this a chat upload is the wrong tool: the CLI streams any size. */
const MAX_CHAT_BYTES = 20 * 1024 * 1024;

/** What each file holds, for the usage text and help. */
const HOLDS: Record<ExportKind, string> = {
  accounts: 'one row per account (ARR, renewal, stage, owner…)',
  contacts: 'one row per contact, with its account',
  usage: 'usage and spend readings',
  checkins: 'check-ins',
  tickets: 'tickets',
  surveys: 'survey answers',
  health: 'every active account’s health score now, dated',
  'health-history': 'the stored health snapshots (the trend)',
};

/** The words people use for each choice of archived accounts. */
const ARCHIVED_WORDS: Record<string, ArchivedChoice> = { include: 'include', included: 'include', yes: 'include', all: 'include', only: 'only', exclude: 'exclude', excluded: 'exclude', no: 'exclude' };

/** "health history", "Health-History", "contact": the kind meant, or undefined. */
function kindNamed(words: string): ExportKind | undefined {
  const word = words.toLowerCase().replace(/\s+/g, '-');
  return EXPORT_KINDS.find((k) => k === word || k.replace(/s$/, '') === word);
}

/** How the file's answer says whose rows it holds, and how to get the others. */
async function scopeLines(ctx: CommandContext, kind: ExportKind, archived: ArchivedChoice): Promise<{ whose: string; others?: string }> {
  if (archived === 'include') return { whose: ', archived accounts included' };
  if (archived === 'only') return { whose: ', archived accounts only' };
  const left = kind === 'health' ? 0 : await countAccounts(ctx.db, ctx.workspace.id, { archived: true });
  if (left === 0) return { whose: '' };
  return { whose: '', others: `${left} archived account${left === 1 ? ' is' : 's are'} left out: add archived=include to export ${left === 1 ? 'its' : 'their'} ${kind} too (/export ${kind} archived=include).` };
}

export const exportCommand: CommandDefinition = {
  name: 'export',
  summary: 'Download accounts, contacts, usage, check-ins, tickets, surveys or health (now or its history) as a CSV file; archived accounts with archived=include.',
  usage: [USAGE],
  examples: [EXAMPLE, '/export contacts', '/export health history', ARCHIVED_EXAMPLE],
  async run(ctx, args) {
    const { words: typed, options, unknown } = splitOptions(args, ['archived'], { archive: 'archived' });
    if (unknown.length > 0) throw new UserError(`"${unknown[0]!.text}" is not an option of /export: the one option is archived=include or archived=only.`, { usage: USAGE, example: ARCHIVED_EXAMPLE });
    const words = typed.map((a) => a.text).join(' ');
    const kind = kindNamed(words);
    if (!kind) {
      throw new UserError(words ? `"${words}" is not something I can export.` : 'What should I export?', {
        usage: USAGE,
        example: EXAMPLE,
        hint: EXPORT_KINDS.map((k) => `${k}: ${HOLDS[k]}`).join('; '),
      });
    }
    const archived = options.archived === undefined ? 'exclude' : ARCHIVED_WORDS[options.archived.trim().toLowerCase()];
    if (!archived) {
      throw new UserError(`archived=${options.archived}: use archived=include (live and archived accounts) or archived=only (archived accounts alone).`, { usage: USAGE, example: ARCHIVED_EXAMPLE });
    }
    const problem = exportProblem(kind, archived);
    if (problem) throw new UserError(problem, { usage: USAGE, example: '/export health-history archived=include' });
    await refuseInCustomerChannel(ctx, 'exports are not posted here: they hold every account', 'Run /export in one of your team’s channels or in a direct message with Tenure.');
    const csv = await exportCsvText(ctx.db, ctx.workspace, kind, { now: ctx.now, archived });
    if (Buffer.byteLength(csv) > MAX_CHAT_BYTES) {
      const flag = archived === 'exclude' ? '' : ` --archived ${archived}`;
      throw new UserError(`The ${kind} export is too large for a chat file.`, { hint: `Run npm run export -- ${kind}${flag} > ${kind}.csv on the server.` });
    }
    // Counted by the parser: notes may hold quoted line breaks.
    const rows = Math.max(0, (parse(csv) as unknown[]).length - 1);
    const rowsText = `${rows} ${rows === 1 ? 'row' : 'rows'}`;
    const filename = exportFilename(kind, archived, localDate(ctx.now, ctx.workspace.timezone));
    const { whose, others } = await scopeLines(ctx, kind, archived);
    return {
      messages: [
        message(`${filename}: ${rowsText}${whose}`, [
          text(`**Export of ${kind}**: ${rowsText}${whose} in ${filename}.`),
          ...(others ? [context(others)] : []),
          context('Re-import accounts, contacts or usage with npm run import, or see /account import.'),
        ]),
      ],
      files: [{ filename, title: `Tenure ${kind} export`, mimeType: 'text/csv', content: csv, exportKind: kind, ...(archived === 'exclude' ? {} : { exportArchived: archived }) }],
    };
  },
};
