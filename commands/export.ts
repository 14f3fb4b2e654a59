// /export <kind>: the workspace's data as a CSV file in the channel (Slack uploads
// it; the console and Teams offer a download link). Large workspaces use `npm run export`.
// Each kind holds one kind of row (src/data/export.ts), so a column sums to a total.
import { parse } from 'csv-parse/sync';
import { UserError } from '../src/core/errors.js';
import { localDate } from '../src/core/time.js';
import { EXPORT_KINDS, exportCsvText, type ExportKind } from '../src/data/export.js';
import { context, message, text } from '../src/messages/builders.js';
import { refuseInCustomerChannel } from './customer-channel.js';
import type { CommandDefinition } from './registry.js';

const USAGE = `/export <${EXPORT_KINDS.join('|')}>`;
const EXAMPLE = '/export accounts';
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

/** "health history", "Health-History", "contact": the kind meant, or undefined. */
function kindNamed(words: string): ExportKind | undefined {
  const word = words.toLowerCase().replace(/\s+/g, '-');
  return EXPORT_KINDS.find((k) => k === word || k.replace(/s$/, '') === word);
}

export const exportCommand: CommandDefinition = {
  name: 'export',
  summary: 'Download accounts, contacts, usage, check-ins, tickets, surveys or health (now or its history) as a CSV file.',
  usage: [USAGE],
  examples: [EXAMPLE, '/export contacts', '/export health history'],
  async run(ctx, args) {
    const words = args.map((a) => a.text).join(' ');
    const kind = kindNamed(words);
    if (!kind) {
      throw new UserError(words ? `"${words}" is not something I can export.` : 'What should I export?', {
        usage: USAGE,
        example: EXAMPLE,
        hint: EXPORT_KINDS.map((k) => `${k}: ${HOLDS[k]}`).join('; '),
      });
    }
    await refuseInCustomerChannel(ctx, 'exports are not posted here: they hold every account', 'Run /export in one of your team’s channels or in a direct message with Tenure.');
    const csv = await exportCsvText(ctx.db, ctx.workspace, kind, { now: ctx.now });
    if (Buffer.byteLength(csv) > MAX_CHAT_BYTES) {
      throw new UserError(`The ${kind} export is too large for a chat file.`, { hint: `Run npm run export -- ${kind} > ${kind}.csv on the server.` });
    }
    // Counted by the parser: notes may hold quoted line breaks.
    const rows = Math.max(0, (parse(csv) as unknown[]).length - 1);
    const rowsText = `${rows} ${rows === 1 ? 'row' : 'rows'}`;
    const filename = `tenure-${kind}-${localDate(ctx.now, ctx.workspace.timezone)}.csv`;
    return {
      messages: [
        message(`${filename}: ${rowsText}`, [
          text(`**Export of ${kind}**: ${rowsText} in ${filename}.`),
          context('Re-import accounts, contacts or usage with npm run import, or see /account import.'),
        ]),
      ],
      files: [{ filename, title: `Tenure ${kind} export`, mimeType: 'text/csv', content: csv, exportKind: kind }],
    };
  },
};
