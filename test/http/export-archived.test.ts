// The download link of an export (src/http/exports.ts; Teams gets one instead of a
// file), on every database engine: it holds what /export answered — the live
// accounts' rows, or with archived=include the archived accounts' too — and the
// choice is signed with the link, so a link for the live accounts cannot be altered
// into one for all of them, nor the other way round.
import { createServer, type Server } from 'node:http';
import express from 'express';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportLinks, exportsRouter } from '../../src/http/exports.js';
import { createLogger } from '../../src/log.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';
import { closeNow, listenOnLoopback } from '../helpers/loopback-server.js';

const NOW = new Date('2026-11-23T10:00:00Z');

describe.each(ENGINES)('export links for archived accounts on $name', (engine) => {
  const t = registryOn(engine);
  const links = ExportLinks.fromSecret('signing-secret');
  let server: Server;
  let base = '';

  beforeAll(async () => {
    const app = express();
    app.use(exportsRouter({ db: t.database.db, links, clock: () => NOW, logger: createLogger('silent') }));
    server = createServer(app);
    base = await listenOnLoopback(server);
  });
  afterAll(() => closeNow(server));

  it('serves the rows /export answered with, and refuses a link whose choice was altered', async () => {
    const ctx = await newContext(t.database.db, { now: NOW });
    await t.registry.run(ctx, '/tenure settings currency=USD');
    for (const line of ['/account add "Acme Corp"', '/account add Initech', '/checkin "Acme Corp" call Went well', '/checkin Initech call Winding down', '/account archive Initech']) {
      await t.registry.run(ctx, line);
    }
    const linkFor = async (typed: string) => {
      const file = (await t.registry.run(ctx, typed)).files![0]!;
      return new URL(links.sign(ctx.workspace.id, 'checkins', NOW, file.exportArchived).path, base);
    };
    const accountsIn = async (url: URL) => {
      const res = await fetch(url);
      expect(res.status, url.toString()).toBe(200);
      return { file: res.headers.get('content-disposition'), accounts: (parse(await res.text(), { columns: true }) as Record<string, string>[]).map((r) => r.account) };
    };

    const live = await linkFor('/export checkins');
    expect(live.searchParams.has('archived')).toBe(false);
    expect(await accountsIn(live)).toEqual({ file: 'attachment; filename="tenure-checkins-2026-11-23.csv"', accounts: ['Acme Corp'] });
    const all = await linkFor('/export checkins archived=include');
    expect(all.searchParams.get('archived')).toBe('include');
    expect(await accountsIn(all)).toEqual({ file: 'attachment; filename="tenure-checkins-with-archived-2026-11-23.csv"', accounts: ['Acme Corp', 'Initech'] });

    const widened = new URL(live);
    widened.searchParams.set('archived', 'include');
    const narrowed = new URL(all);
    narrowed.searchParams.delete('archived');
    for (const altered of [widened, narrowed]) {
      const res = await fetch(altered);
      expect(res.status, altered.toString()).toBe(403);
    }
  });
});
