// `npm run export -- <accounts|contacts|usage|checkins|tickets|surveys|health|health-history> [--workspace ID] [--archived include|only]`:
// writes the CSV to stdout (redirect it to a file), streamed page by page; archived
// accounts are left out unless --archived asks for them.
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { ARCHIVED_CHOICES, EXPORT_KINDS, exportCsv, exportProblem, type ArchivedChoice, type ExportKind } from '../src/data/export.js';
import { runCli, UsageError, withWorkspace } from './data-cli.js';

const USAGE = `Usage: npm run -s export -- <${EXPORT_KINDS.join('|')}> [--workspace ID] [--archived include|only] > file.csv`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { workspace: { type: 'string' }, archived: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [kind, ...extra] = parsed.positionals;
  if (!kind || extra.length > 0 || !(EXPORT_KINDS as readonly string[]).includes(kind)) throw new UsageError(USAGE);
  const archived = (parsed.values.archived ?? 'exclude') as ArchivedChoice;
  if (!ARCHIVED_CHOICES.includes(archived)) throw new UsageError(`--archived ${parsed.values.archived}: use include (live and archived accounts) or only (archived accounts alone).\n${USAGE}`);
  const problem = exportProblem(kind as ExportKind, archived);
  if (problem) throw new UsageError(problem);
  await withWorkspace(parsed.values.workspace, async (database, workspace) => {
    // stdout stays open (end: false): Node does not let a process close it.
    // The current health is scored as of now: the CLI is the edge where the clock is read.
    await pipeline(exportCsv(database.db, workspace, kind as ExportKind, { now: new Date(), archived }), process.stdout, { end: false });
  });
  return 0;
}

runCli(main);
