// ConnectWise PSA through the shared connector suite (contract.ts), against the local
// fake (fake-connectwise.ts), plus what only ConnectWise does: callbacks registered
// through its callbacks API, callbacks that carry no Entity (the ticket is read), and
// callbacks for other record types ignored.
import { expect, it } from 'vitest';
import { connectorContract } from './contract.js';
import { FakeConnectwise } from './fake-connectwise.js';

connectorContract(
  () => new FakeConnectwise(),
  (suite) => {
    it('reads the ticket a callback names when it carries no Entity, and ignores other record types', async () => {
      const fake = suite.fake as FakeConnectwise;
      fake.put({ id: 4001, company: { id: 250, name: 'Contoso Ltd.' }, title: 'Printer offline', priority: 'minor', openedAt: '2026-11-23T10:50:00Z' });
      expect(await suite.deliver(fake.callback(4001, { action: 'added', entity: false }))).toEqual({ status: 200, body: { outcome: 'created' } });
      expect(await suite.synced(4001)).toMatchObject({ title: 'Printer offline' });
      const company = fake.callback(4001);
      const body = company.body.replace('"Type":"ticket"', '"Type":"company"');
      const signed = fake.sign(body);
      expect(await suite.deliver({ body, headers: signed })).toEqual({ status: 200, body: { outcome: 'ignored', why: 'a company callback' } });
      expect(fake.requests.filter((r) => r.path === '/system/callbacks' && r.method === 'POST')).toHaveLength(1);
    });
  },
);
