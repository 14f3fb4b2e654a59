// Which heap settings a process lacks (src/heap-settings.ts), that the npm scripts pass
// them, and that the young-generation limit does what it says on the running Node.
import { execFileSync } from 'node:child_process';
import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { HEAP_FLAGS, missingHeapFlags } from '../src/heap-settings.js';
import { scriptNodeFlags } from './helpers/processes.js';

/** The new space's size after allocating 3 million small objects kept alive, in MB. */
function newSpaceAfterAllocating(flags: string[]): number {
  const script = "const a=[];for(let i=0;i<3e6;i++)a.push({i});console.log(require('v8').getHeapSpaceStatistics().find(s=>s.space_name==='new_space').space_size/1048576)";
  return Number(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8', timeout: 60_000 }).trim());
}

describe('heap settings', () => {
  it('names the settings a process lacks, whether given on the command line or in NODE_OPTIONS', () => {
    expect(missingHeapFlags([...HEAP_FLAGS])).toEqual([]);
    expect(missingHeapFlags(['--import', 'tsx'], '--max-semi-space-size=8 --heap-growing-percent=10 --trace-warnings')).toEqual([]);
    expect(missingHeapFlags(['--max-semi-space-size=16'])).toEqual(['--heap-growing-percent=20']);
    expect(missingHeapFlags(['--import', 'tsx'], '')).toEqual([...HEAP_FLAGS]);
  });

  it('npm start and npm run serve both pass them', () => {
    for (const flag of HEAP_FLAGS) {
      expect(scriptNodeFlags('start')).toContain(flag);
      expect(scriptNodeFlags('serve')).toContain(flag);
    }
  });

  it('node accepts them, and the young generation stays at 3 x 16 MB (48 MB) however much is allocated', { timeout: 60_000 }, () => {
    expect(newSpaceAfterAllocating([...HEAP_FLAGS])).toBeLessThanOrEqual(48);
    // The control: on a machine with memory to spare, Node 22+ without the limit grows past it
    // (V8 sizes the young generation by physical memory; small machines stay small anyway).
    const [major] = process.versions.node.split('.').map(Number);
    if (major! >= 22 && totalmem() >= 16 * 1024 ** 3) expect(newSpaceAfterAllocating([])).toBeGreaterThan(48);
  });
});
