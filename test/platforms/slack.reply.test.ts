// Every part of a Reply reaches Slack on every path: the real Bolt app over HTTP,
// the fake Slack Web API recording what the bot sent, and a registry of probe
// commands whose replies carry the parts no real command yet brings on that path
// (a form or a file from a modal submission, a file from a button, an update from
// a slash command or from App Home).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry, type CommandDefinition } from '../../commands/registry.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { notice } from '../../src/messages/builders.js';
import type { Form, Reply, ReplyFile } from '../../src/messages/message.js';
import { createSlackAdapter } from '../../src/platforms/slack/app.js';
import { ENGINES } from '../helpers/engines.js';
import { FakeSlack, form, postSigned, type RecordedCall } from '../helpers/fake-slack.js';

const SECRET = 'test-signing-secret-0123456789';

const FILE: ReplyFile = { filename: 'probe.csv', title: 'Probe export', mimeType: 'text/csv', content: 'a,b\r\n1,2\r\n' };
const NEXT_FORM: Form = { id: 'probe.next', title: 'Second step', submitLabel: 'Send', state: { step: '2' }, fields: [{ id: 'why', label: 'Why?', kind: 'text', required: true }] };
const FIRST_FORM: Form = { ...NEXT_FORM, id: 'probe', title: 'First step', state: { step: '1' } };

const everything = (said: string): Reply => ({
  messages: [notice(said)],
  update: notice(`${said} (updated)`, { visibility: 'channel' }),
  files: [FILE],
  deliveries: [{ channelId: 'UOWNER', message: notice(`${said} (for the owner)`) }],
});

const probe: CommandDefinition = {
  name: 'probe',
  summary: 'Answers with whatever part of a reply a test asks for.',
  usage: ['/probe form|update'],
  examples: ['/probe form'],
  async run(_ctx, args) {
    const what = args[0]?.text;
    if (what === 'form') return { messages: [], form: FIRST_FORM };
    return { messages: [notice('Probe answered')], update: notice('Probe update from a command') };
  },
  actions: {
    'probe.everything': async (_ctx, value) => everything(`Pressed ${value}`),
  },
  forms: {
    probe: async (_ctx, values) => ({ ok: true, reply: { messages: [notice(`Saved ${values.why ?? ''}`)], form: NEXT_FORM, files: [FILE] } }),
  },
};

describe.each(ENGINES)('Slack replies on $name', (engine) => {
  const fake = new FakeSlack();
  let server: Server;
  let release: () => Promise<void>;
  let events = '';

  beforeAll(async () => {
    await fake.start();
    const opened = await engine.open();
    release = opened.release;
    const logger = createLogger('silent');
    const config = loadConfig({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'silent' });
    const slack = createSlackAdapter({ config: config.slack!, db: opened.database.db, registry: new Registry([probe], logger), logger, timezone: 'UTC', clock: () => new Date() });
    const app = express();
    for (const router of slack.routers) app.use(router);
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    events = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await release();
    await fake.stop();
  });

  const interaction = (payload: Record<string, unknown>) =>
    postSigned(events, form({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded', { secret: SECRET });
  const slash = (text: string, responseUrl = fake.responseUrl()) =>
    postSigned(
      events,
      form({ token: 'legacy', team_id: 'T1', team_domain: 't1', channel_id: 'C1', channel_name: 'ops', user_id: 'U1', user_name: 'ana', command: '/probe', text, response_url: responseUrl, trigger_id: 'trigger-slash', api_app_id: 'A1' }),
      'application/x-www-form-urlencoded',
      { secret: SECRET },
    );
  const respondedTo = (url: string) => `respond/${url.split('/').pop()}`;
  const uploadsInto = (channel: string) => fake.of('files.completeUploadExternal').filter((c) => c.body.channel_id === channel);
  const texts = (calls: RecordedCall[]) => calls.map((c) => String(c.body.text));

  it('a modal submission whose reply brings the next form and a file: the form replaces the modal, the file is uploaded', async () => {
    const responseUrl = fake.responseUrl();
    expect((await slash('form', responseUrl)).status).toBe(200);
    const [opened] = await fake.waitFor('views.open');
    const first = opened!.body.view as { callback_id: string; private_metadata: string };
    expect(first.callback_id).toBe('probe');
    const uploads = uploadsInto('C1').length;

    const res = await interaction({
      type: 'view_submission',
      team: { id: 'T1' },
      user: { id: 'U1', username: 'ana', name: 'ana', team_id: 'T1' },
      api_app_id: 'A1',
      trigger_id: 'trigger-view',
      view: {
        id: 'V1',
        type: 'modal',
        callback_id: 'probe',
        private_metadata: first.private_metadata,
        state: { values: { why: { why: { type: 'plain_text_input', value: 'a reason' } } } },
      },
    });
    expect(res.status).toBe(200);
    // The next form is the submission's own answer: Slack swaps it in for the modal submitted.
    const ack = res.json as { response_action: string; view: { callback_id: string; private_metadata: string } };
    expect(ack.response_action).toBe('update');
    expect(ack.view.callback_id).toBe('probe.next');
    expect(JSON.parse(ack.view.private_metadata)).toMatchObject({ step: '2', channelId: 'C1', responseUrl });
    const [said] = await fake.waitFor(respondedTo(responseUrl));
    expect(String(said!.body.text)).toContain('Saved a reason');
    for (let i = 0; i < 100 && uploadsInto('C1').length === uploads; i++) await new Promise((r) => setTimeout(r, 20));
    expect(uploadsInto('C1')).toHaveLength(uploads + 1);
    expect(JSON.stringify(uploadsInto('C1').at(-1)!.body.files)).toContain('Probe export');
  });

  it('a button whose reply brings every part: message replaced, answer, file uploaded, owner told', async () => {
    const responseUrl = fake.responseUrl();
    const uploads = uploadsInto('C1').length;
    const res = await interaction({
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: 'U1', username: 'ana', name: 'ana', team_id: 'T1' },
      api_app_id: 'A1',
      trigger_id: 'trigger-button',
      channel: { id: 'C1', name: 'ops' },
      container: { type: 'message', channel_id: 'C1', message_ts: '1.1' },
      message: { ts: '1.1', type: 'message' },
      response_url: responseUrl,
      actions: [{ type: 'button', action_id: 'probe.everything', block_id: 'b', value: 'one', action_ts: '1' }],
    });
    expect(res.status).toBe(200);
    const answers = await fake.waitFor(respondedTo(responseUrl), 2);
    expect(answers.find((a) => a.body.replace_original === true)?.body.text).toBe('Pressed one (updated)');
    expect(answers.find((a) => a.body.replace_original === false)?.body.text).toBe('Pressed one');
    const delivered = await fake.waitFor('chat.postMessage');
    expect(delivered.some((c) => c.body.channel === 'UOWNER' && c.body.text === 'Pressed one (for the owner)')).toBe(true);
    for (let i = 0; i < 100 && uploadsInto('C1').length === uploads; i++) await new Promise((r) => setTimeout(r, 20));
    expect(uploadsInto('C1')).toHaveLength(uploads + 1);
  });

  it('a button in App Home (no channel, no response_url): the update and the answer reach the person', async () => {
    const before = fake.of('chat.postMessage').length;
    const res = await interaction({
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: 'U1', username: 'ana', name: 'ana', team_id: 'T1' },
      api_app_id: 'A1',
      trigger_id: 'trigger-home',
      container: { type: 'view', view_id: 'VHOME' },
      actions: [{ type: 'button', action_id: 'probe.everything', block_id: 'b', value: 'home', action_ts: '1' }],
    });
    expect(res.status).toBe(200);
    const posts = (await fake.waitFor('chat.postMessage', before + 3)).slice(before);
    expect(texts(posts.filter((c) => c.body.channel === 'U1'))).toEqual(['Pressed home (updated)', 'Pressed home']);
  });

  it('a slash command whose reply brings an update: there is no message to replace, so it is said', async () => {
    const responseUrl = fake.responseUrl();
    const res = await slash('update', responseUrl);
    expect(res.status).toBe(200);
    // The first answer rides in the ack, the next follows through response_url.
    expect((res.json as { text: string }).text).toBe('Probe update from a command');
    const [next] = await fake.waitFor(respondedTo(responseUrl));
    expect(next!.body.text).toBe('Probe answered');
  });
});
