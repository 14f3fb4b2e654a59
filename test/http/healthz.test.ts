// GET /healthz reports the database: 200 when it answers, 503 when it does not.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startTenure, type Tenure } from '../../src/main.js';

describe('GET /healthz', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tenure-health-'));
  let tenure: Tenure | undefined;
  afterAll(async () => {
    await tenure?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers ok while the database answers and 503 once it does not', async () => {
    const config = { ...loadConfig({ TENURE_DATA_DIR: dir, LOG_LEVEL: 'silent' }), port: 0 };
    tenure = await startTenure(config, { logger: createLogger('silent') });
    const ok = await fetch(new URL('/healthz', tenure.url));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', db: 'ok' });

    const missing = await fetch(new URL('/no-such-page', tenure.url));
    expect(missing.status).toBe(404);

    await tenure.database.close();
    const down = await fetch(new URL('/healthz', tenure.url));
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable', db: 'unavailable' });
  });
});
