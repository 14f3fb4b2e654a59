// /export in the local console: the answer links the CSV, which downloads once asked for.
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.js';
import { scratchDirectory, tenureForSuite } from '../helpers/suite-tenure.js';

describe.each(ENGINES)('/export in the console on $name', (engine) => {
  const dir = scratchDirectory('tenure-console-export-');
  const app = tenureForSuite(engine, () => ({ TENURE_DATA_DIR: dir.path }), { clock: () => new Date('2026-11-23T10:00:00Z') }, [dir]);

  it('answers with a download link to the CSV of the demo accounts', async () => {
    const res = await fetch(new URL('/console/command', app.tenure.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '/export accounts' }),
    });
    const data = (await res.json()) as { messages: { text: string }[]; files: { filename: string; url: string }[] };
    expect(data.messages[0]!.text).toContain('Export of accounts');
    expect(data.files).toEqual([{ filename: 'tenure-accounts-2026-11-23.csv', title: 'Tenure accounts export', url: expect.stringMatching(/^\/console\/files\/[0-9a-f]+\//) }]);
    const file = await fetch(new URL(data.files[0]!.url, app.tenure.url));
    expect(file.headers.get('content-disposition')).toContain('tenure-accounts-2026-11-23.csv');
    const csv = await file.text();
    expect(csv.split('\n')[0]).toBe('name,external_id,arr,renewal_date,contract_start,churned_on,stage,tier,licensed_users,active_users,owner,kickoff_date');
    expect(csv).toContain('Acme Corp');

    const unknown = await fetch(new URL('/console/command', app.tenure.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '/export invoices' }),
    });
    expect(JSON.stringify(await unknown.json())).toContain('/export <accounts|contacts|usage|checkins|tickets|surveys|health|health-history>');
  });
});
