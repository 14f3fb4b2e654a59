// The V8 heap settings Tenure is meant to run with, and whether this process has them.
//
// - `--max-semi-space-size=16`: from Node 22 on, V8 sizes the young generation by the
//   machine's memory, so on a large machine bursts of short-lived objects (module
//   loading, the daily health pass over every account) keep far more resident than the
//   live data needs; a fixed semi-space bounds it whatever the machine.
// - `--heap-growing-percent=20`: after each full collection V8 lets the old generation
//   grow by a factor it picks from its own speed estimates, up to 4x on a machine with
//   memory to spare, so a server under steady load climbs with nothing more alive; a
//   fixed 1.2x keeps the heap near its live size at the same throughput (the measured
//   figures are in README's Performance section).
// V8 sizes the heap before any of our code runs, and setFlagsFromString comes too late
// for both, so `npm start` and `npm run serve` pass them on node's command line, and
// main() says in the log which are missing.
export const HEAP_FLAGS = ['--max-semi-space-size=16', '--heap-growing-percent=20'] as const;

/** The settings of HEAP_FLAGS this process was not started with (command line or NODE_OPTIONS). */
export function missingHeapFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  return HEAP_FLAGS.filter((flag) => !given.some((arg) => arg.startsWith(flag.split('=')[0]!)));
}
