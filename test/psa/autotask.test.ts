// Datto Autotask through the shared connector suite (contract.ts), against the local
// fake (fake-autotask.ts), plus what only Autotask does: pages ordered by id, followed
// through pageDetails.nextPageUrl, with the cursor moved only after the last page.
import { expect, it } from 'vitest';
import { connectorContract } from './contract.js';
import { FakeAutotask } from './fake-autotask.js';

connectorContract(
  () => new FakeAutotask(),
  (suite) => {
    it('follows nextPageUrl across pages ordered by id, and moves the cursor only after the last one', async () => {
      const fake = suite.fake as FakeAutotask;
      const contoso = { id: 250, name: 'Contoso Ltd.' };
      // The lowest id changed last: it comes on the first page, though it is the newest change.
      fake.put({ id: 5001, company: contoso, title: 'Newest change', priority: 'minor', openedAt: '2026-11-23T11:00:00Z', updatedAt: '2026-11-23T11:30:00Z' });
      fake.put({ id: 5002, company: contoso, priority: 'minor', openedAt: '2026-11-23T11:05:00Z', updatedAt: '2026-11-23T11:10:00Z' });
      fake.put({ id: 5003, company: contoso, priority: 'minor', openedAt: '2026-11-23T11:06:00Z', updatedAt: '2026-11-23T11:11:00Z' });
      fake.pageSize = 2;
      const before = await suite.cursor();
      // The first page is stored, then the next page keeps failing: the cursor stays where it was.
      fake.failPath('/Tickets/query/next', { status: 503 }, 3);
      expect((await suite.poll('2026-11-23T11:41:00Z')).failed).toBe(1);
      expect(await suite.cursor()).toEqual(before);
      expect(await suite.synced(5003)).toBeUndefined();
      // The next run reads every page again from the same cursor and takes in the rest.
      expect((await suite.poll('2026-11-23T11:46:00Z')).synced).toBe(1);
      for (const id of [5001, 5002, 5003]) expect(await suite.synced(id)).toBeDefined();
      expect((await suite.cursor())?.toISOString()).toBe('2026-11-23T11:30:00.000Z');
      fake.pageSize = 500;
    });
  },
);
