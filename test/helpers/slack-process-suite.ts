import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { FakeSlack } from './fake-slack.js';
import { killAll, slackProcesses } from './processes.js';
import { scratchPostgres } from './throwaway-postgres.js';

/**
 * A suite of real Tenure processes in Slack mode on one throwaway PostgreSQL: the fake Slack
 * and the database are up before the suite's own beforeAll (which makes its data through the
 * processes), and at the end every process is killed before the database is dropped, so none
 * is left writing into a database that is gone. `sql` lets a test read what the processes wrote.
 */
export function slackProcessSuite(slack: { secret: string; botToken: string }) {
  const fake = new FakeSlack();
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  let sql: postgres.Sql | undefined;
  const processes = slackProcesses(fake, slack, () => scratch!.url);
  beforeAll(async () => {
    await fake.start();
    scratch = await scratchPostgres();
    sql = postgres(scratch.url, { max: 1, onnotice: () => undefined });
  }, 120_000);
  afterAll(async () => {
    killAll(processes.apps);
    await sql?.end();
    await scratch?.drop();
    await fake.stop();
  });
  return {
    ...processes,
    fake,
    get sql(): postgres.Sql {
      if (!sql) throw new Error('the suite database is not open yet: read it inside a test or a later beforeAll');
      return sql;
    },
  };
}
