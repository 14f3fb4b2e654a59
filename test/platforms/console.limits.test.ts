// Issue 24, item 8 at the console's door: a long survey reason, a long note and a long
// command reach the command and are answered in its words (how long, what the limit
// is), not with the door's raw 400 ("values.reason: String must contain at most 5000
// character(s)"), through the real server on a throwaway PGlite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startTenure, type Tenure } from '../../src/main.js';

interface ConsoleAnswer {
  ok?: boolean;
  errors?: Record<string, string>;
  form?: { id: string; state: Record<string, string> };
  messages: { text: string; actions: { id: string; label: string; value: string }[] }[];
}

describe('limits at the console door', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tenure-console-limits-'));
  let tenure: Tenure;
  beforeAll(async () => {
    const config = { ...loadConfig({ TENURE_DATA_DIR: dir, LOG_LEVEL: 'silent' }), port: 0 };
    tenure = await startTenure(config, { logger: createLogger('silent'), clock: () => new Date('2026-12-06T10:00:00Z') });
  });
  afterAll(async () => {
    await tenure?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (route: string, body: Record<string, unknown>): Promise<{ status: number; json: ConsoleAnswer }> => {
    const res = await fetch(new URL(route, tenure.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as ConsoleAnswer };
  };
  const command = (text: string) => post('/console/command', { text, user: 'ana', channel: 'acme-corp' });

  it('a survey reason of 5,001 characters is answered with its length and the limit, and a short one is kept', async () => {
    await command('/account add "Acme Corp"');
    await command('/account link "Acme Corp"');
    const survey = (await command('/survey nps "Acme Corp" force=yes')).json.messages[0]!;
    const nine = survey.actions.find((a) => a.label === '9')!;
    const thanks = (await post('/console/action', { id: 'survey.answer', value: nine.value, user: 'dana', channel: 'acme-corp' })).json;
    const reasonButton = thanks.messages.flatMap((m) => m.actions).find((a) => a.id === 'survey.reason')!;
    const opened = (await post('/console/action', { id: 'survey.reason', value: reasonButton.value, user: 'dana', channel: 'acme-corp' })).json;
    const state = opened.form!.state;

    const long = await post('/console/form', { id: 'survey.reason', values: { reason: 'x'.repeat(5_001) }, state, user: 'dana', channel: 'acme-corp' });
    expect(long.status).toBe(200);
    expect(long.json).toEqual({ ok: false, errors: { reason: 'The reason is 5,001 characters long; a reason takes at most 2,000.' } });

    const kept = await post('/console/form', { id: 'survey.reason', values: { reason: 'Quick "DR runbook" answers' }, state, user: 'dana', channel: 'acme-corp' });
    expect(kept.json.ok).toBe(true);
  });

  it('a typed note over the limit, and a command over 4,000 characters, are answered by the command', async () => {
    const note = await command(`/checkin "Acme Corp" call ${'y'.repeat(3_500)}`);
    expect(note.status).toBe(200);
    expect(note.json.messages[0]!.text).toContain('The note is 3,500 characters long; a note takes at most 3,000.');
    const huge = await command(`/checkin "Acme Corp" call ${'z'.repeat(4_500)}`);
    expect(huge.status).toBe(200);
    expect(huge.json.messages[0]!.text).toContain('That command is 4,526 characters long; a command takes at most 4,000.');
  });
});
