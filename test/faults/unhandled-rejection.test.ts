// An unhandled promise rejection in a real Tenure process: logged with the id of
// the request it came from, and the process keeps serving. The process is started
// by test/faults/fixtures/floating-rejection.ts, which runs main() exactly as
// `npm start` does but with a database whose health check leaves a rejecting
// promise behind. Local mode on PGlite: runs on every machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, launchTenure, untilHealthy, waitForLog, type RunningTenure } from '../helpers/processes.js';

describe('an unhandled promise rejection (PGlite, local mode)', () => {
  const apps: RunningTenure[] = [];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tenure-rejection-'));
  afterAll(() => {
    killAll(apps);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is logged with the request id and does not stop the process', { timeout: 120_000 }, async () => {
    const app = await launchTenure({ TENURE_DATA_DIR: dataDir }, { script: 'test/faults/fixtures/floating-rejection.ts' });
    apps.push(app);
    await untilHealthy(app);

    const res = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'fault-test-0001' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('fault-test-0001');
    const logged = await waitForLog(app, 'the rejection of request fault-test-0001', (l) => l.msg === 'unhandled promise rejection' && l.requestId === 'fault-test-0001');
    expect(logged.level).toBe(50);
    expect(JSON.stringify(logged.err)).toContain('a rejection nobody handles');

    // Still serving, and a request without an id of its own gets one.
    const command = await fetch(`${app.url}/console/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: '/account list' }) });
    expect(command.status).toBe(200);
    expect(JSON.stringify(await command.json())).toContain('Acme Corp');
    expect(command.headers.get('x-request-id')).toMatch(/^[0-9a-f]{12}$/);
    const again = await fetch(`${app.url}/healthz`);
    expect(again.status).toBe(200);
    const id = again.headers.get('x-request-id');
    await waitForLog(app, `the rejection of request ${id}`, (l) => l.msg === 'unhandled promise rejection' && l.requestId === id);
    expect(app.alive()).toBe(true);

    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
  });
});
