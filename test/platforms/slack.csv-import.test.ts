// A CSV shared in a Slack channel, end to end through the real Bolt app: the
// file_share event brings a dry-run preview in the file's thread (the file fetched
// with files.info and the bot token from a fake Slack), Import writes it once —
// however often and by whomever it is pressed, on another replica too — Cancel
// writes nothing, and oversized, foreign, changed or non-UTF-8 files are refused.
import { and, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accounts, auditLog, jobRuns, usageReadings, workspaces } from '../../db/schema.js';
import { createLogger } from '../../src/log.js';
import { startTenure } from '../../src/main.js';
import { ENGINES } from '../helpers/engines.js';
import { FakeSlack, form, postSigned, type FakeFile, type RecordedCall } from '../helpers/fake-slack.js';
import { tenureForSuite, testConfig } from '../helpers/suite-tenure.js';

const SECRET = 'test-signing-secret-0123456789';
const TOKEN = 'xoxb-test-token';

const ACCOUNTS_CSV =
  'Company Name,Customer ID,Annual Value,Contract End,Licensed Users,Active Users\r\n' +
  'Acme Corp,A-1,$150k,2027-03-31,100,72\r\n' +
  'Zürich Bänk,Z-9,"1,200,000",2027-02-28,50,40\r\n' +
  'Beta,B-2,lots,2027-01-01,10,5\r\n' +
  'Gamma,G-3,5000,2027-02-30,10,3\r\n' +
  'Delta,D-4,5000,2027-05-01,10,3\r\n';

interface Block {
  type: string;
  text?: { text: string };
  elements?: { action_id: string; value: string; text: { text: string } }[];
}

describe.each(ENGINES)('CSV files shared in Slack on $name', (engine) => {
  const fake = new FakeSlack();
  const env = () => ({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: `${fake.url}/api/` });
  for (const [id, name] of [['UANA', 'ana'], ['UBEN', 'ben'], ['UCARLA', 'carla'], ['UDAN', 'dan']]) fake.profiles.set(id!, name!);
  const app = tenureForSuite(engine, env, { slackAckBudgetMs: 1_500 }, [fake]);
  let events = '';
  let sequence = 0;

  beforeAll(async () => {
    events = new URL('/slack/events', app.tenure.url).toString();
    // Acme exists before the file arrives: the file changes it.
    await postSigned(
      events,
      form({ token: 'legacy', team_id: 'T1', team_domain: 't1', channel_id: 'C1', channel_name: 'ops', user_id: 'UANA', user_name: 'ana', command: '/account', text: 'add "Acme Corp" arr=120k id=A-1', response_url: fake.responseUrl(), trigger_id: 't', api_app_id: 'A1' }),
      'application/x-www-form-urlencoded',
      { secret: SECRET },
    );
  });
  const workspaceId = async () =>
    (await app.database.db.select().from(workspaces).where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, 'T1'))))[0]!.id;
  const accountCount = async () => (await app.database.db.select({ n: count() }).from(accounts).where(eq(accounts.workspaceId, await workspaceId())))[0]!.n;
  const auditCount = async () => (await app.database.db.select({ n: count() }).from(auditLog).where(eq(auditLog.workspaceId, await workspaceId())))[0]!.n;

  /** Someone shares files in channel C1; returns the event's ts. */
  const share = async (files: FakeFile[], options: { user?: string; botId?: string; url?: string } = {}) => {
    const ts = `1700000000.${String(++sequence).padStart(6, '0')}`;
    const body = JSON.stringify({
      token: 'legacy',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: `EvFile${sequence}${Date.now()}`,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'message',
        subtype: 'file_share',
        user: options.user ?? 'UANA',
        channel: 'C1',
        channel_type: 'channel',
        ts,
        event_ts: ts,
        text: '',
        ...(options.botId ? { bot_id: options.botId } : {}),
        files: files.map((f) => fake.shareFile(f)),
      },
    });
    const res = await postSigned(options.url ?? events, body, 'application/json', { secret: SECRET });
    expect(res.status).toBe(200);
    return { ts, body };
  };

  /** The next message the bot posts into the channel (a preview), after `from` posts. */
  const nextPost = async (from: number): Promise<RecordedCall> => (await fake.waitFor('chat.postMessage', from + 1))[from]!;
  const buttonsOf = (call: RecordedCall) => (call.body.blocks as Block[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

  /** Presses a button of a preview as `user`; resolves with what the bot answered through response_url. */
  const press = async (button: { action_id: string; value: string }, user = 'UANA', answers = 2, url = events) => {
    const responseUrl = fake.responseUrl();
    const res = await postSigned(
      url,
      form({
        payload: JSON.stringify({
          type: 'block_actions',
          team: { id: 'T1', domain: 't1' },
          user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T1' },
          api_app_id: 'A1',
          trigger_id: `t-${Math.random()}`,
          channel: { id: 'C1', name: 'ops' },
          container: { type: 'message', channel_id: 'C1', message_ts: '1.1', thread_ts: '1.0' },
          message: { ts: '1.1', type: 'message' },
          response_url: responseUrl,
          actions: [{ type: 'button', action_id: button.action_id, block_id: 'b', value: button.value, action_ts: '1' }],
        }),
      }),
      'application/x-www-form-urlencoded',
      { secret: SECRET },
    );
    expect(res.status, res.text).toBe(200);
    return fake.waitFor(`respond/${responseUrl.split('/').pop()}`, answers);
  };

  it('previews a shared accounts file in its thread: counts, bad rows by line, Import and Cancel; nothing written yet', async () => {
    const before = { accounts: await accountCount(), audit: await auditCount() };
    const posts = fake.of('chat.postMessage').length;
    const { ts } = await share([{ id: 'F_ACCOUNTS', name: 'accounts.csv', content: ACCOUNTS_CSV }]);
    const preview = await nextPost(posts);
    expect(preview.body).toMatchObject({ channel: 'C1', thread_ts: ts });
    expect(String(preview.body.text)).toBe('accounts.csv: 2 accounts to create, 1 to change, 2 bad rows (line 4: arr "lots" is not an amount; write it like 120000, $120k or 1.2m)');
    const shown = JSON.stringify(preview.body.blocks);
    expect(shown).toContain('line 5: renewal date \\"2027-02-30\\" is not a date');
    expect(shown).toContain('update \\"Acme Corp\\": arr');
    expect(shown).toContain('<@UANA>');
    expect(buttonsOf(preview).map((b) => [b.action_id, b.text.text])).toEqual([
      ['csv-import.confirm', 'Import'],
      ['csv-import.cancel', 'Cancel'],
    ]);
    // Fetched with files.info and the bot token, from the host Slack named.
    expect(fake.of('files.info').at(-1)!.body.file).toBe('F_ACCOUNTS');
    expect(fake.of('download/F_ACCOUNTS').at(-1)!.body.authorization).toBe(`Bearer ${TOKEN}`);
    expect({ accounts: await accountCount(), audit: await auditCount() }).toEqual(before);
  });

  it('imports on Import once, however often and by whomever it is pressed', async () => {
    const preview = fake.of('chat.postMessage').find((c) => String(c.body.text).startsWith('accounts.csv:'))!;
    const [importButton] = buttonsOf(preview);
    const before = await accountCount();
    const answers = await press(importButton!, 'UANA', 3);
    expect(answers[0]!.body).toMatchObject({ replace_original: true, response_type: 'in_channel' });
    expect(String(answers[0]!.body.text)).toBe('accounts.csv imported by @ana: 2 accounts created, 1 changed, 2 bad rows skipped');
    expect(answers[1]!.body).toMatchObject({ replace_original: false, response_type: 'ephemeral' });
    expect(JSON.stringify(answers[2]!.body)).toContain('line 5: renewal date');
    expect(await accountCount()).toBe(before + 2);
    const ws = await workspaceId();
    const [acme] = await app.database.db.select().from(accounts).where(and(eq(accounts.workspaceId, ws), eq(accounts.externalId, 'A-1')));
    expect(acme!.arrCents).toBe(15_000_000);
    const [zurich] = await app.database.db.select().from(accounts).where(and(eq(accounts.workspaceId, ws), eq(accounts.externalId, 'Z-9')));
    expect(zurich).toMatchObject({ name: 'Zürich Bänk', arrCents: 120_000_000 });
    const [created] = await app.database.db.select().from(auditLog).where(and(eq(auditLog.entityId, zurich!.id), eq(auditLog.action, 'create')));
    expect(created).toMatchObject({ actorLabel: 'CSV import (accounts.csv)' });
    expect(created!.actorUserId).not.toBeNull();

    const audit = await auditCount();
    const again = await press(importButton!, 'UANA');
    expect(String(again[1]!.body.text)).toMatch(/^accounts\.csv was already imported by @ana \(.+\)\. Nothing was imported again\.$/);
    expect(again[0]!.body).toMatchObject({ replace_original: true });
    const other = await press(importButton!, 'UBEN');
    expect(String(other[1]!.body.text)).toContain('already imported by @ana');
    // Two people at the same moment: one import between them, whatever the order.
    await Promise.all([press(importButton!, 'UCARLA'), press(importButton!, 'UDAN')]);
    expect(await accountCount()).toBe(before + 2);
    expect(await auditCount()).toBe(audit);
  });

  it('writes nothing on Cancel, and Import after Cancel says so', async () => {
    const posts = fake.of('chat.postMessage').length;
    await share([{ id: 'F_CANCEL', name: 'more.csv', content: 'name,arr\nOmega,1k\n' }]);
    const [importButton, cancelButton] = buttonsOf(await nextPost(posts));
    const before = await accountCount();
    const cancelled = await press(cancelButton!, 'UBEN');
    expect(String(cancelled[0]!.body.text)).toContain('Import of *more.csv* cancelled by <@UBEN>');
    const late = await press(importButton!, 'UANA');
    expect(String(late[1]!.body.text)).toContain('more.csv was already cancelled by @ben');
    expect(await accountCount()).toBe(before);
  });

  it('works after a restart: another process (sharing only the database) imports from the button alone', async () => {
    const posts = fake.of('chat.postMessage').length;
    await share([{ id: 'F_USAGE', name: 'usage-november.csv', content: 'account,date,active users,spend\nAcme Corp,2026-11-01,70,12000\nDelta,2026-11-01,3,\nNobody,2026-11-01,1,\n' }]);
    const preview = await nextPost(posts);
    expect(String(preview.body.text)).toBe('usage-november.csv: 2 readings to add, 1 bad row (line 4: no account named "Nobody")');
    const [importButton] = buttonsOf(preview);
    const other = await startTenure(testConfig(env()), { database: { ...app.database, close: async () => undefined }, logger: createLogger('silent') });
    try {
      const downloads = fake.of('download/F_USAGE').length;
      const answers = await press(importButton!, 'UANA', 2, new URL('/slack/events', other.url).toString());
      expect(String(answers[0]!.body.text)).toBe('usage-november.csv imported by @ana: 2 readings added, 1 bad row skipped');
      // The other process had nothing in memory: it fetched the file again.
      expect(fake.of('download/F_USAGE').length).toBe(downloads + 1);
    } finally {
      await other.close();
    }
    const readings = await app.database.db.select().from(usageReadings).where(eq(usageReadings.workspaceId, await workspaceId()));
    expect(readings.map((r) => [r.activeUsers, r.spendCents, r.source]).sort()).toEqual([
      [3, null, 'csv'],
      [70, 1_200_000, 'csv'],
    ]);
  });

  it('previews again instead of importing when the file changed since the preview', async () => {
    const posts = fake.of('chat.postMessage').length;
    await share([{ id: 'F_EDITED', name: 'edited.csv', content: 'name,arr\nSigma,1k\n' }]);
    const [importButton] = buttonsOf(await nextPost(posts));
    fake.files.set('F_EDITED', { id: 'F_EDITED', name: 'edited.csv', content: 'name,arr\nSigma,1k\nTau,2k\n' });
    const before = await accountCount();
    const answers = await press(importButton!, 'UANA');
    expect(answers[0]!.body).toMatchObject({ replace_original: true });
    expect(String(answers[0]!.body.text)).toBe('edited.csv: 2 accounts to create, 0 to change');
    expect(String(answers[1]!.body.text)).toContain('edited.csv changed since the preview, so nothing was imported');
    expect(await accountCount()).toBe(before);
  });

  it('tells the sharer privately what is wrong: too large, not UTF-8, not an import file; nothing to import', async () => {
    const ephemerals = fake.of('chat.postEphemeral').length;
    const downloads = fake.calls.filter((c) => c.method.startsWith('download/')).length;
    await share([{ id: 'F_BIG', name: 'big.csv', content: 'name\nx\n', size: 6 * 1024 * 1024 }], { user: 'UBEN' });
    const [big] = (await fake.waitFor('chat.postEphemeral', ephemerals + 1)).slice(ephemerals);
    expect(big!.body).toMatchObject({ channel: 'C1', user: 'UBEN' });
    expect(String(big!.body.text)).toContain('big.csv is 6.0 MB; files imported from chat may be up to 5.0 MB.');
    // Refused from files.info's size: never downloaded.
    expect(fake.calls.filter((c) => c.method.startsWith('download/')).length).toBe(downloads);

    await share([{ id: 'F_LATIN', name: 'latin1.csv', content: Buffer.from('name,arr\nM\xfcller GmbH,1k\n', 'latin1') }]);
    const latin = (await fake.waitFor('chat.postEphemeral', ephemerals + 2))[ephemerals + 1]!;
    expect(String(latin.body.text)).toContain('latin1.csv is not UTF-8 text');
    expect(JSON.stringify(latin.body.blocks)).toContain('CSV UTF-8');

    await share([{ id: 'F_ODD', name: 'invoices.csv', content: 'invoice,total\n1,20\n' }]);
    const odd = (await fake.waitFor('chat.postEphemeral', ephemerals + 3))[ephemerals + 2]!;
    expect(String(odd.body.text)).toContain('invoices.csv cannot be imported: No account column in the header (invoice, total)');

    await share([{ id: 'F_SAME', name: 'same.csv', content: 'name,arr\nDelta,5000\n' }]);
    const same = (await fake.waitFor('chat.postEphemeral', ephemerals + 4))[ephemerals + 3]!;
    expect(String(same.body.text)).toBe('same.csv: nothing to import — 0 accounts to create, 0 to change, 1 unchanged');
    expect(JSON.stringify(same.body.blocks)).not.toContain('csv-import.confirm');
  });

  it('ignores files that are not CSV, come from another organisation or were shared by a bot, and each event once', async () => {
    const posts = fake.of('chat.postMessage').length;
    const ephemerals = fake.of('chat.postEphemeral').length;
    const infos = fake.of('files.info').length;
    await share([{ id: 'F_PNG', name: 'chart.png', content: 'png' }]);
    await share([{ id: 'F_CONNECT', name: 'theirs.csv', content: 'name\nTheirs\n', team: 'T_PARTNER' }]);
    await share([{ id: 'F_BOT', name: 'tenure-accounts.csv', content: 'name\nBot\n' }], { botId: 'B123' });
    const { body } = await share([{ id: 'F_ONCE', name: 'once.csv', content: 'name\nOnce Ltd\n' }]);
    await fake.waitFor('chat.postMessage', posts + 1);
    // Slack retries the same event: no second preview.
    expect((await postSigned(events, body, 'application/json', { secret: SECRET, retryNum: 1, timestamp: Math.floor(Date.now() / 1000) + 1 })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.of('chat.postMessage').length).toBe(posts + 1);
    expect(fake.of('chat.postEphemeral').length).toBe(ephemerals);
    expect(fake.of('files.info').slice(infos).map((c) => c.body.file)).toEqual(['F_ONCE']);
  });

  it('drops ordinary channel messages (message.channels brings them all) without writing anything', async () => {
    const eventId = `EvChat${Date.now()}`;
    const chat = JSON.stringify({
      token: 'legacy',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'message', user: 'UANA', channel: 'C1', channel_type: 'channel', ts: '1700000099.000100', text: 'see you at the QBR' },
    });
    const calls = fake.calls.length;
    expect((await postSigned(events, chat, 'application/json', { secret: SECRET })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await app.database.db.select().from(jobRuns).where(eq(jobRuns.periodKey, eventId))).toEqual([]);
    expect(fake.calls.slice(calls).map((c) => c.method)).toEqual([]);
  });
});
