// The V8 settings main() applies on PGlite (db/embedded-memory.ts) take effect: a hot
// WebAssembly function that V8 recompiles with TurboFan by default stays baseline code
// once they are applied. (Their memory effect, 451-478 -> ~250 MB peak RSS, is measured
// by npm run bench:commands, not asserted here.) --optimize-for-size has no
// observable from JavaScript; only the Liftoff-only set is checked. On Node 24 the
// control still tiers up and `--liftoff-only` alone, set at run time, no longer holds it
// back: this test is what noticed.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/processes.js';

function tierAfterHotLoop(tune: boolean): { turboFan: boolean; liftoff: boolean; rounds: number } {
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', 'test/fixtures/wasm-tier.ts', ...(tune ? ['tune'] : [])], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { turboFan: boolean; liftoff: boolean; rounds: number };
}

describe('V8 settings for the embedded database', () => {
  it('without them, V8 recompiles a hot WebAssembly function with TurboFan (the control)', { timeout: 60_000 }, () => {
    expect(tierAfterHotLoop(false)).toMatchObject({ turboFan: true, liftoff: false });
  });

  it('with them, the same function stays Liftoff code for the whole run', { timeout: 60_000 }, () => {
    expect(tierAfterHotLoop(true)).toMatchObject({ turboFan: false, liftoff: true, rounds: 40 });
  });
});
