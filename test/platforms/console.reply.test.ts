// The console answers every part of a Reply on every route: the console adapter's
// own routes over HTTP, with probe commands whose button and form replies carry a
// file (the console used to link files only for typed commands).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry, type CommandDefinition } from '../../commands/registry.js';
import { createLogger } from '../../src/log.js';
import { notice } from '../../src/messages/builders.js';
import type { Reply } from '../../src/messages/message.js';
import { createConsoleAdapter } from '../../src/platforms/console/adapter.js';
import { ENGINES } from '../helpers/engines.js';

const everything = (said: string): Reply => ({
  messages: [notice(said)],
  update: notice(`${said} (updated)`),
  files: [{ filename: 'probe.csv', title: 'Probe export', mimeType: 'text/csv', content: 'a,b\r\n1,2\r\n' }],
  deliveries: [{ channelId: 'owner', message: notice(`${said} (for the owner)`) }],
});

const probe: CommandDefinition = {
  name: 'probe',
  summary: 'Answers with every part of a reply.',
  usage: ['/probe'],
  examples: ['/probe'],
  run: async () => everything('Typed'),
  actions: { 'probe.everything': async (_ctx, value) => everything(`Pressed ${value}`) },
  forms: { probe: async (_ctx, values) => ({ ok: true, reply: { ...everything(`Saved ${values.why ?? ''}`), form: { id: 'probe', title: 'Again', submitLabel: 'Send', fields: [] } } }) },
};

interface Answer {
  ok?: boolean;
  messages: { text: string }[];
  update?: { text: string };
  form?: { id: string };
  deliveries?: { channelId: string; message: { text: string } }[];
  files?: { filename: string; url: string }[];
}

describe.each(ENGINES)('console replies on $name', (engine) => {
  let server: Server;
  let base = '';
  let release: () => Promise<void>;

  beforeAll(async () => {
    const opened = await engine.open();
    release = opened.release;
    const logger = createLogger('silent');
    const adapter = createConsoleAdapter({ db: opened.database.db, registry: new Registry([probe], logger), timezone: 'UTC', clock: () => new Date() });
    const app = express();
    for (const router of adapter.routers) app.use(router);
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await release();
  });

  const post = async (route: string, body: unknown): Promise<Answer> => {
    const res = await fetch(`${base}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as Answer;
  };

  it.each([
    ['a typed command', '/console/command', { text: '/probe' }, 'Typed'],
    ['a button', '/console/action', { id: 'probe.everything', value: 'one' }, 'Pressed one'],
    ['a form', '/console/form', { id: 'probe', values: { why: 'a reason' } }, 'Saved a reason'],
  ])('%s: messages, update, deliveries (to their feed) and a downloadable file', async (_what, route, body, said) => {
    const answer = await post(route, body);
    expect(answer.messages.map((m) => m.text)).toEqual([said]);
    expect(answer.update?.text).toBe(`${said} (updated)`);
    // A delivery goes to the feed of whom it is for, not into the answer of whoever asked.
    expect(answer.deliveries).toBeUndefined();
    const feed = (await (await fetch(`${base}/console/feed?channel=owner`)).json()) as { messages: { text: string }[] };
    expect(feed.messages.map((m) => m.text)).toContain(`${said} (for the owner)`);
    expect(answer.files).toEqual([{ filename: 'probe.csv', title: 'Probe export', url: expect.stringMatching(/^\/console\/files\/[0-9a-f]+\/probe\.csv$/) }]);
    const file = await fetch(`${base}${answer.files![0]!.url}`);
    expect(await file.text()).toBe('a,b\r\n1,2\r\n');
    if (route === '/console/form') expect(answer).toMatchObject({ ok: true, form: { id: 'probe' } });
  });
});
