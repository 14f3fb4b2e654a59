// V8 settings for a process that runs the embedded database (PGlite) in itself.
//
// PGlite is PostgreSQL compiled to WebAssembly, running on Tenure's own thread. Two of
// V8's defaults, right for a JavaScript server, cost it memory it never gives back:
// - dynamic tiering recompiles PGlite's hot functions with TurboFan on background
//   threads, and the compilers' scratch memory stays in glibc's per-thread arenas
//   (~60 MB of resident memory for ~10% more throughput);
// - PGlite allocates ~0.5 MB of short-lived JavaScript objects per query, and V8 grows
//   the heap to ~200 MB under load rather than collect sooner.
// Measured with the load benchmark (10,000 accounts, 50 concurrent): peak RSS
// 451-478 MB -> 251 MB in the full run, at 157 req/s (155-182 before); side by side on
// one seeded copy, 15 s each, 234-264 -> 168-183 req/s. The flags are set once,
// before PGlite compiles its module, and only by the process entry point when the
// database is PGlite: on PostgreSQL there is no WebAssembly and the defaults stay.
import { setFlagsFromString } from 'node:v8';

/** Baseline-compiled WebAssembly only, and the garbage collector tuned for a small heap. */
export const EMBEDDED_DATABASE_V8_FLAGS = ['--liftoff-only', '--optimize-for-size'] as const;

export function tuneV8ForEmbeddedDatabase(): void {
  for (const flag of EMBEDDED_DATABASE_V8_FLAGS) setFlagsFromString(flag);
}
