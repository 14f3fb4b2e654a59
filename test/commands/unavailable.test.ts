// When the database is gone a command answers "temporarily unavailable, nothing
// was saved" — not an apology with an error id, and never a crash.
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../commands/registry.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { collectingLog, newContext } from '../helpers/context.js';

describe.each(ENGINES)('database unavailable on $name', (engine) => {
  it('answers every kind of request with a clear, actionable message', async () => {
    const { database, release } = await engine.open();
    const log = collectingLog();
    const registry = createRegistry(log);
    const ctx = await newContext(database.db);
    await registry.run(ctx, '/account add Acme');
    await database.close();
    try {
      for (const input of ['/account list', '/account add Globex', '/checkin Acme call hello']) {
        const reply = await registry.run(ctx, input);
        expect(reply.messages[0]!.tone).toBe('error');
        expect(renderPlain(reply.messages[0]!)).toContain('temporarily unavailable; nothing was saved');
      }
      const submitted = await registry.submit(ctx, 'checkin', { account: 'Acme', type: 'call', date: '2026-11-23', sentiment: 'neutral', notes: 'x', next: '' });
      expect(submitted.ok && renderPlain(submitted.reply.messages[0]!)).toContain('temporarily unavailable');
      expect(log.entries.every((e) => e.message === 'database unavailable')).toBe(true);
    } finally {
      await release().catch(() => undefined);
    }
  });
});
