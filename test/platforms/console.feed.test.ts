// The console's channel feed: what jobs post is kept per channel and served at
// GET /console/feed; in local mode main.ts runs the SLA watcher into it, and
// close() stops the scheduler before the database closes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobRuns } from '../../db/schema.js';
import { loadConfig } from '../../src/config.js';
import type { Workspace } from '../../src/core/workspaces.js';
import { createLogger } from '../../src/log.js';
import { startTenure, type Tenure } from '../../src/main.js';
import { notice } from '../../src/messages/builders.js';
import { ConsoleFeed } from '../../src/platforms/console/feed.js';

const NOW = new Date('2026-11-23T10:00:00Z'); // a Monday
const someWorkspace = {} as Workspace;

describe('ConsoleFeed', () => {
  it('keeps messages per channel, in order, and serves what is new after a sequence number', async () => {
    const feed = new ConsoleFeed(() => NOW, 3);
    await feed.post(someWorkspace, 'acme', notice('one'));
    await feed.post(someWorkspace, 'ops', notice('elsewhere'));
    await feed.post(someWorkspace, 'acme', notice('two'));
    const all = feed.since('acme', 0);
    expect(all.entries.map((e) => [e.seq, e.message.text])).toEqual([
      [1, 'one'],
      [3, 'two'],
    ]);
    expect(all.last).toBe(3);
    expect(feed.since('acme', 3)).toEqual({ entries: [], last: 3 });
    expect(feed.since('nobody', 0)).toEqual({ entries: [], last: 0 });
    // A page that remembers a previous process's numbers gets everything again.
    expect(feed.since('acme', 99).entries).toHaveLength(2);
    // Only the newest `keep` messages of a channel are kept.
    for (const text of ['three', 'four']) await feed.post(someWorkspace, 'acme', notice(text));
    expect(feed.since('acme', 0).entries.map((e) => e.message.text)).toEqual(['two', 'three', 'four']);
  });
});

describe('local mode: SLA alerts in the console feed', () => {
  let dataDir: string;
  let tenure: Tenure;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tenure-feed-'));
    const config = { ...loadConfig({ TENURE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), port: 0 };
    tenure = await startTenure(config, { logger: createLogger('silent'), clock: () => NOW });
  });
  afterAll(async () => {
    await tenure?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const feed = async (query: string) => {
    const res = await fetch(new URL(`/console/feed?${query}`, tenure.url));
    return { status: res.status, body: (await res.json()) as { messages: { seq: number; text: string; html: string; visibility: string }[]; last: number; error?: string } };
  };

  it('posts the demo’s overdue-ticket alerts where the accounts’ alerts go, once — never in a customer channel', async () => {
    // The first pass starts with the server; this joins it (or runs another, which posts nothing new).
    await tenure.scheduler!.runNow('sla-watch');
    // The daily health pass also starts with the server (renewal alerts may land here too).
    await tenure.scheduler!.runNow('health-daily');
    // Initech has only a customer channel (#initech): its alerts go to the demo's alert channel, #cs-team.
    expect((await feed('channel=initech&after=0')).body.messages.filter((m) => m.text.includes('SLA'))).toEqual([]);
    const initech = await feed('channel=cs-team&after=0');
    expect(initech.status).toBe(200);
    const slaAlerts = initech.body.messages.filter((m) => m.text.includes('SLA') && m.text.includes('for Initech'));
    expect(slaAlerts.length).toBeGreaterThan(0);
    for (const m of slaAlerts) {
      expect(m.text).toMatch(/SLA (warning|breached) — ticket #\d+ \((critical|major)\) for Initech/);
      expect(m.visibility).toBe('channel');
      expect(m.html).toContain('data-action-id="ticket.ack"');
    }
    expect((await feed('channel=general&after=0')).body.messages).toEqual([]);

    // Again: nothing new, and the page's `after` returns nothing it has seen.
    await tenure.scheduler!.runNow('sla-watch');
    const again = await feed(`channel=cs-team&after=${initech.body.last}`);
    expect(again.body).toEqual({ messages: [], last: initech.body.last });
    expect((await feed('channel=cs-team&after=0')).body.messages).toHaveLength(initech.body.messages.length);
    const ledger = await tenure.database.db.select().from(jobRuns);
    expect(ledger.length).toBeGreaterThan(0);
    expect(ledger.every((r) => r.status === 'done')).toBe(true);
  });

  it('refuses a malformed query', async () => {
    expect((await feed('channel=Not A Channel')).status).toBe(400);
    expect((await feed('channel=general&after=-1')).status).toBe(400);
  });
});
