// A survey end to end through the console's JSON API, as the page drives it:
// post, three people answer, one changes, the tally updates, the results are right.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startTenure, type Tenure } from '../../src/main.js';

interface ConsoleReply {
  messages: { text: string; html: string; visibility: string; actions: { id: string; label: string; value: string }[] }[];
  update?: { text: string; html: string };
}

describe('a survey in the console', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tenure-console-survey-'));
  let tenure: Tenure;
  beforeAll(async () => {
    const config = { ...loadConfig({ TENURE_DATA_DIR: dir, LOG_LEVEL: 'silent' }), port: 0 };
    tenure = await startTenure(config, { logger: createLogger('silent'), clock: () => new Date('2026-11-23T10:00:00Z') });
  });
  afterAll(async () => {
    await tenure?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (route: string, body: Record<string, unknown>): Promise<ConsoleReply> => {
    const res = await fetch(new URL(route, tenure.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as ConsoleReply;
  };

  it('posts, takes three answers and a change, updates the tally, and shows the right NPS', async () => {
    const posted = await post('/console/command', { text: '/survey nps "Acme Corp" force=yes', user: 'ana', channel: 'acme-corp' });
    const survey = posted.messages[0]!;
    expect(survey.visibility).toBe('channel');
    expect(survey.actions.map((a) => a.label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    // The survey is written for the customer (no number); the person who started it is told its number privately.
    expect(survey.text).not.toMatch(/#\d/);
    const started = posted.messages[1]!;
    expect(started.visibility).toBe('ephemeral');
    const number = /Survey #(\d+)/.exec(started.text)![1];
    const click = (user: string, label: string) => post('/console/action', { id: 'survey.answer', value: survey.actions.find((a) => a.label === label)!.value, user, channel: 'acme-corp' });

    expect((await click('dana', '9')).update!.text).toContain('1 response so far');
    await click('marcus', '10');
    await click('priya', '3');
    const changed = await click('priya', '7');
    expect(changed.messages[0]!.text).toContain('Changed your answer to 7 (passive).');
    expect(changed.update!.text).toContain('3 responses so far');
    expect(changed.update!.html).not.toContain('(passive)');

    const results = await post('/console/command', { text: `/survey results ${number}`, user: 'ana', channel: 'acme-corp' });
    const text = results.messages[0]!.text;
    expect(text).toContain('NPS: +67');
    expect(text).toContain('Promoters (9–10): 2 (67%)');
    expect(text).toContain('Passives (7–8): 1 (33%)');
    expect(text).toContain('Detractors (0–6): 0 (0%)');
  });
});
