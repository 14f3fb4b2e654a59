// The production path: `npm run build` compiles the server to dist/ (with the
// migrations and the console page beside it) and `npm run serve` (node
// dist/src/main.js) starts it without tsx — local mode here, on a fresh data
// directory: it migrates, seeds the demo, answers a command and stops on SIGTERM.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { launchTenure, untilHealthy, type RunningTenure } from './helpers/processes.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

describe('npm run build, then the compiled server', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tenure-build-'));
  let app: RunningTenure | undefined;
  afterAll(() => {
    if (app?.alive()) app.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('compiles, starts without tsx, answers in local mode and exits cleanly', async () => {
    const built = await run('npm', ['run', '--silent', 'build'], { cwd: ROOT, timeout: 180_000 });
    expect(built.stdout).toMatch(/asset files copied to dist/);
    for (const file of ['dist/src/main.js', 'dist/db/migrations/meta/_journal.json', 'dist/db/migrations/0000_init.sql', 'dist/src/platforms/console/page.html']) {
      expect(existsSync(path.join(ROOT, file)), file).toBe(true);
    }
    app = await launchTenure({ TENURE_DATA_DIR: dataDir }, { script: 'dist/src/main.js' });
    await untilHealthy(app);
    expect(app.child.spawnargs).not.toContain('tsx');
    const page = await fetch(`${app.url}/`);
    expect(await page.text()).toContain('<html');
    const res = await fetch(`${app.url}/console/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: '/account list' }) });
    expect(res.status).toBe(200);
    const reply = (await res.json()) as { messages: { text: string }[] };
    expect(reply.messages.map((m) => m.text).join('\n')).toContain('Acme Corp');
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
  }, 240_000);
});
