// The young-generation size Tenure is meant to run with, and whether this process has it.
//
// From Node 22 on, V8 sizes the young generation by the machine's memory: on a machine
// with 24 GB a semi-space grows to 64 MB (the young generation to ~134 MB), against 16 MB
// on Node 20. A server that allocates short-lived objects in bursts (module loading,
// the daily health pass over every account) then holds ~130 MB more resident memory for
// nothing. The limit can only be given on node's command line — V8 sizes the heap
// before any of our code runs, and setFlagsFromString comes too late — so `npm start`
// and `npm run serve` pass it, and main() says so in the log when it is missing.
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=16';

/** True when node was started with a young-generation limit (on its command line or in NODE_OPTIONS). */
export function hasYoungGenerationLimit(execArgv: readonly string[], nodeOptions = ''): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) => arg.startsWith('--max-semi-space-size'));
}
