// Fuzz: 10,000 random strings through every command (and random button presses
// and form submissions). Every answer must be a message or a form, and nothing
// may reach the internal-error path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../commands/context.js';
import { createRegistry, type Registry } from '../../commands/registry.js';
import type { Database } from '../../db/client.js';
import type { Reply } from '../../src/messages/message.js';
import { ENGINES } from '../helpers/engines.js';
import { collectingLog, newContext } from '../helpers/context.js';
import { prng } from '../../src/demo/prng.js';

// 10,000 per command on PGlite (always run); PostgreSQL, run in addition, takes a
// smaller sample of the same generator to keep the suite's time in bounds.
const RUNS = { pglite: 10_000, postgres: 2_000 } as const;


// Pieces that reach deep into the parsers, mixed with raw noise.
const VOCAB = [
  'add', 'set', 'list', 'link', 'help', 'Acme', 'Corp', '"Acme Corp"', '“Acme Corp”', 'acme', 'call', 'email', 'qbr', 'other',
  'arr=120k', 'arr=$1.2m', 'arr=-5', 'arr=', 'renewal=2027-03-31', 'renewal=2027-02-30', 'licensed=100', 'active=9999999999999',
  'stage=adopt', 'stage=nope', 'owner=@ana', 'owner=<@U1|ana>', 'owner=<#C1|ops>', 'owner=none', 'tier=gold', 'name=""', 'name="X"',
  'sentiment=positive', 'sentiment=', 'next=2026-12-01', 'next=2026-13-01', 'date=2026-11-20', 'date=3000-01-01', 'id=CRM-1',
  '<@U123|ana>', '<#C9|ops>', '"', '“', '”', '\\"', "'", '=', '==', 'a=b=c', '#42', '42', '🚀', 'Müller', '東京', '\u0000', '\t', '\n',
  'critical', 'major', 'cosmetic', 'ack', 'resolve', 'hours', 'holidays', 'stats', 'alerts', 'here', 'off', 'all', 'open', 'days=30', 'days=0',
  'days=sun-thu', 'tech=backup', '09:00-18:00', '9:00 - 17:00', '18:00-09:00', 'Europe/Berlin', 'Mars/Base', 'reset', '2026-12-25', '#1', '1',
  'Robert"); DROP TABLE accounts;--', '%s', '${x}', '<script>', '&amp;', '\u202e', '\ud83d', 'x'.repeat(200),
];

function randomText(random: () => number): string {
  const roll = random();
  if (roll < 0.15) {
    // Raw noise: any code points, including unpaired surrogates and controls.
    const length = Math.floor(random() * 60);
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(Math.floor(random() * 0xffff));
    return s;
  }
  if (roll < 0.2) return ' '.repeat(Math.floor(random() * 5));
  const count = 1 + Math.floor(random() * 8);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(VOCAB[Math.floor(random() * VOCAB.length)]!);
  return parts.join(random() < 0.9 ? ' ' : '');
}

function assertAnswer(reply: Reply, input: string): void {
  if (reply.form) {
    expect(reply.form.fields.length, input).toBeGreaterThan(0);
    return;
  }
  expect(reply.messages.length, input).toBeGreaterThan(0);
  for (const m of reply.messages) {
    expect(typeof m.text, input).toBe('string');
    expect(m.text.length, input).toBeGreaterThan(0);
    expect(Array.isArray(m.blocks), input).toBe(true);
  }
}

describe.each(ENGINES)('fuzzing every command on $name', (engine) => {
  let database: Database;
  let release: () => Promise<void>;
  let registry: Registry;
  let ctx: CommandContext;
  const log = collectingLog();

  beforeAll(async () => {
    ({ database, release } = await engine.open());
    registry = createRegistry(log);
    ctx = await newContext(database.db);
    await registry.run(ctx, '/account add "Acme Corp" arr=120k');
    await registry.run(ctx, '/account add Acme');
  });
  afterAll(async () => {
    await release();
  });

  it(`answers ${RUNS[engine.name]} random strings per command with a message, never an internal error`, { timeout: 600_000 }, async () => {
    const random = prng(engine.name === 'pglite' ? 1 : 2);
    const names = ['', ...registry.list().map((c) => c.name), 'tenure'];
    for (const name of names) {
      for (let i = 0; i < RUNS[engine.name]; i++) {
        const input = `${name ? `/${name} ` : ''}${randomText(random)}`;
        assertAnswer(await registry.run(ctx, input), input);
      }
    }
    expect(log.entries.map((e) => String((e.details.err as Error)?.stack ?? e.message)).slice(0, 3)).toEqual([]);
  });

  it('survives random button presses and form submissions', async () => {
    const random = prng(3);
    const ids = ['checkin.form', 'account.link', 'account.show', 'ticket.ack', 'ticket.resolve', 'ticket.show', 'nope', ''];
    for (let i = 0; i < 500; i++) {
      const id = ids[Math.floor(random() * ids.length)]!;
      assertAnswer(await registry.press(ctx, id, randomText(random)), id);
      const values: Record<string, string> = {};
      for (const key of ['account', 'type', 'date', 'sentiment', 'notes', 'next', 'extra']) if (random() < 0.8) values[key] = randomText(random);
      for (const key of ['severity', 'title', 'tech']) if (random() < 0.8) values[key] = randomText(random);
      const form = random() < 0.45 ? 'checkin' : random() < 0.9 ? 'ticket' : 'nope';
      const result = await registry.submit(ctx, form, values);
      if (result.ok) assertAnswer(result.reply, JSON.stringify(values));
      else expect(Object.keys(result.errors).length).toBeGreaterThan(0);
    }
    expect(log.entries).toEqual([]);
  });
});
