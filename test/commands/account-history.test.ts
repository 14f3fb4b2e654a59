// /account history and /account import through the registry, on every engine.
import { describe, expect, it } from 'vitest';
import { importCsv } from '../../src/data/import.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');

describe.each(ENGINES)('/account history on $name', (engine) => {
  const t = registryOn(engine);

  it('tells the changes in words, newest first, by person or by import', async () => {
    const ctx = await newContext(t.database.db);
    await t.registry.run(ctx, '/account add "Acme Corp" arr=100k renewal=2027-03-31');
    const later = { ...ctx, now: new Date('2026-11-24T09:30:00Z') };
    await t.registry.run(later, '/account set "Acme Corp" arr=120k stage=adopt');
    await importCsv(t.database.db, ctx.workspace.id, 'name,contact email\nAcme Corp,jo@acme.com\n', {
      actor: { userId: null, now: new Date('2026-11-25T08:00:00Z'), label: 'CSV import (crm.csv)' },
    });
    await t.registry.run({ ...ctx, now: new Date('2026-11-24T10:00:00Z') }, '/checkin "Acme Corp" call Went well sentiment=positive');

    const shown = plain(await t.registry.run(ctx, '/account history acme corp'));
    expect(shown).toContain('History of Acme Corp');
    const lines = shown.split('\n').filter((l) => l.includes(' — '));
    expect(lines).toEqual([
      'Wed 25 Nov 2026 08:00 — CSV import (crm.csv) added contact jo@acme.com <jo@acme.com>',
      'Tue 24 Nov 2026 10:00 — @ana logged a call check-in (positive)',
      'Tue 24 Nov 2026 09:30 — @ana changed ARR $100,000 → $120,000, stage land → adopt',
      'Mon 23 Nov 2026 10:00 — @ana created the account',
    ]);
  });

  it('tells archives, undos, corrections and reopened tickets in words too', async () => {
    const ctx = await newContext(t.database.db);
    await t.registry.run(ctx, '/tenure settings currency=USD');
    const at = (minutes: number) => ({ ...ctx, now: new Date(Date.parse('2026-11-23T10:00:00Z') + minutes * 60_000) });
    await t.registry.run(at(1), '/account add "Acme Corp"');
    await t.registry.run(at(2), '/checkin "Acme Corp" call Walked through the runbook');
    await t.registry.run(at(3), '/checkin undo');
    await t.registry.run(at(4), '/ticket "Acme Corp" major VPN down');
    await t.registry.run(at(5), '/ticket resolve 1');
    await t.registry.run(at(6), '/ticket reopen 1');
    await t.registry.run(at(7), '/account archive "Acme Corp"');
    await t.registry.run(at(8), '/account restore "Acme Corp"');
    const lines = plain(await t.registry.run(at(9), '/account history "Acme Corp"')).split('\n').filter((l) => l.includes(' — '));
    expect(lines.map((l) => l.replace(/^.* — @ana /, ''))).toEqual([
      'restored the account',
      'archived the account',
      'reopened a ticket',
      'resolved a ticket',
      'opened ticket #1 (major)',
      'took back a call check-in',
      'logged a call check-in (neutral)',
      'created the account',
    ]);
  });

  it('explains how to import, and asks which account for history', async () => {
    const ctx = await newContext(t.database.db);
    expect(plain(await t.registry.run(ctx, '/account import'))).toContain('npm run import -- accounts.csv --dry-run');
    const missing = plain(await t.registry.run(ctx, '/account history'));
    expect(missing).toContain('/account history <name>');
  });
});
