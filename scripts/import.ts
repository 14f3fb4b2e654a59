// `npm run import -- <file.csv> [--workspace ID] [--dry-run] [--kind accounts|usage]`:
// streams the file through the shared importer in one transaction and prints what
// was (or, with --dry-run, would be) created and changed, and each bad row by line.
import { createReadStream, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeReport, importCsv } from '../src/data/import.js';
import { runCli, UsageError, withWorkspace } from './data-cli.js';

const USAGE = 'Usage: npm run import -- <file.csv> [--workspace ID] [--dry-run] [--kind accounts|usage]';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        workspace: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        kind: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\nAccounts: name, external id, arr, renewal, start, licensed, active, stage, tier, owner, contact name/email/role.\nUsage readings: account (or external id), date, active, licensed, spend, forecast.\n`);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError(USAGE);
  if (!existsSync(file)) throw new UsageError(`No such file: ${file}`);
  const kind = values.kind;
  if (kind !== undefined && kind !== 'accounts' && kind !== 'usage') throw new UsageError(`--kind must be accounts or usage.\n${USAGE}`);

  const report = await withWorkspace(values.workspace, async (database, workspace) => {
    process.stderr.write(`Importing ${file} into workspace "${workspace.name}" (${workspace.id})…\n`);
    return importCsv(database.db, workspace.id, createReadStream(file), {
      kind,
      dryRun: values['dry-run'],
      actor: { userId: null, now: new Date(), label: `CSV import (${file.split(/[\\/]/).pop()})` },
      source: 'csv',
    });
  });
  process.stdout.write(`${describeReport(report).join('\n')}\n`);
  return report.errorCount > 0 ? 1 : 0;
}

runCli(main);
