// HaloPSA through the shared connector suite (contract.ts), against the local fake
// (fake-halopsa.ts), plus what only Halo does: an OAuth2 token fetched with the client
// credentials once per run, dates written without a zone, and webhook payloads read
// only for the ticket's id.
import { expect, it } from 'vitest';
import { connectorContract } from './contract.js';
import { FakeHalopsa } from './fake-halopsa.js';

connectorContract(
  () => new FakeHalopsa(),
  (suite) => {
    it('reads the ticket a webhook names whatever else its payload carries, and ignores one that names none', async () => {
      const fake = suite.fake as FakeHalopsa;
      fake.put({ id: 6001, company: { id: 250, name: 'Contoso Ltd.' }, title: 'Printer offline', priority: 'minor', openedAt: '2026-11-23T11:50:00Z' });
      const signed = fake.webhook(6001, { secret: await suite.secret(), action: 'create' });
      const bare = JSON.stringify({ object_id: 6001 });
      expect(await suite.deliver({ body: bare, headers: signed.headers })).toEqual({ status: 200, body: { outcome: 'created' } });
      // Halo writes 11:50 without a zone: it is UTC.
      expect(await suite.synced(6001)).toMatchObject({ title: 'Printer offline', openedAt: new Date('2026-11-23T11:50:00Z') });
      expect(await suite.deliver({ body: JSON.stringify({ event: 'Client Updated' }), headers: signed.headers })).toEqual({ status: 200, body: { outcome: 'ignored', why: 'a payload that names no ticket' } });
    });
  },
);
