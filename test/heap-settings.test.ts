// Whether a process carries the young-generation limit (src/heap-settings.ts), and that
// the limit does what it says on the running Node: the new space stays at 3 × 16 MB.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hasYoungGenerationLimit, YOUNG_GENERATION_FLAG } from '../src/heap-settings.js';
import { scriptNodeFlags } from './helpers/processes.js';

/** The new space's size after allocating 3 million small objects kept alive, in MB. */
function newSpaceAfterAllocating(flags: string[]): number {
  const script = "const a=[];for(let i=0;i<3e6;i++)a.push({i});console.log(require('v8').getHeapSpaceStatistics().find(s=>s.space_name==='new_space').space_size/1048576)";
  return Number(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8', timeout: 60_000 }).trim());
}

describe('heap settings', () => {
  it('tells a limited process from one without the limit, on the command line or in NODE_OPTIONS', () => {
    expect(hasYoungGenerationLimit([YOUNG_GENERATION_FLAG])).toBe(true);
    expect(hasYoungGenerationLimit(['--import', 'tsx'], '--max-semi-space-size=8 --trace-warnings')).toBe(true);
    expect(hasYoungGenerationLimit(['--import', 'tsx'], '')).toBe(false);
    expect(hasYoungGenerationLimit([])).toBe(false);
  });

  it('npm start and npm run serve both pass the flag', () => {
    expect(scriptNodeFlags('start')).toContain(YOUNG_GENERATION_FLAG);
    expect(scriptNodeFlags('serve')).toContain(YOUNG_GENERATION_FLAG);
  });

  it('with the flag, the young generation stays at 3 x 16 MB (48 MB) however much is allocated', { timeout: 60_000 }, () => {
    expect(newSpaceAfterAllocating([YOUNG_GENERATION_FLAG])).toBeLessThanOrEqual(48);
  });
});
