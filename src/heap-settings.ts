// The V8 heap settings Tenure is meant to run with, and whether this process has them.
//
// - `--max-semi-space-size=16`: from Node 22 on, V8 sizes the young generation by the
//   machine's memory: on a machine with 24 GB a semi-space grows to 64 MB (the young
//   generation to ~134 MB), against 16 MB on Node 20. Bursts of short-lived objects
//   (module loading, the daily health pass over every account) then kept ~130 MB more
//   resident for nothing.
// - `--heap-growing-percent=20`: after each full collection V8 lets the old generation
//   grow by a factor it picks from its own speed estimates, up to 4x on a machine with
//   memory to spare. Under steady command load that let a PostgreSQL-backed server climb
//   from ~185 MB to 295-311 MB with nothing more alive; a fixed 1.2x keeps it near 200 MB
//   at the same throughput (npm run bench:commands, Node 24, 10,000 accounts).
// V8 sizes the heap before any of our code runs, and setFlagsFromString comes too late
// for both, so `npm start` and `npm run serve` pass them on node's command line, and
// main() says in the log which are missing.
export const HEAP_FLAGS = ['--max-semi-space-size=16', '--heap-growing-percent=20'] as const;

/** The settings of HEAP_FLAGS this process was not started with (command line or NODE_OPTIONS). */
export function missingHeapFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  return HEAP_FLAGS.filter((flag) => !given.some((arg) => arg.startsWith(flag.split('=')[0]!)));
}
