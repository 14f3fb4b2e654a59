// V8 settings for a process that runs the embedded database (PGlite) in itself.
//
// PGlite is PostgreSQL compiled to WebAssembly, running on Tenure's own thread. Two of
// V8's defaults, right for a JavaScript server, cost it memory it never gives back:
// - dynamic tiering recompiles PGlite's hot functions with TurboFan on background
//   threads, and the compilers' scratch memory stays in glibc's per-thread arenas: tens
//   of megabytes resident for little more throughput (README, Performance);
// - PGlite allocates many short-lived JavaScript objects per query, and V8 grows the
//   heap under load rather than collect sooner.
// The flags are set once, before PGlite compiles its module, and only by the process
// entry point when the database is PGlite: on PostgreSQL there is no WebAssembly and
// the defaults stay.
//
// Why three flags for "Liftoff only": from Node 22/24's V8 on, `--liftoff-only` set at
// run time (v8.setFlagsFromString) no longer turns off tier-up by itself — its
// implications (no tier-up, no dynamic tiering) are applied only when V8 parses its
// command line. Naming the two tiering flags as well gives the same effect at run
// time on Node 20 and 24; test/embedded-memory.test.ts checks it on the running Node.
import { setFlagsFromString } from 'node:v8';

/** Baseline-compiled WebAssembly only, and the garbage collector tuned for a small heap. */
export const EMBEDDED_DATABASE_V8_FLAGS = ['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering', '--optimize-for-size'] as const;

export function tuneV8ForEmbeddedDatabase(): void {
  for (const flag of EMBEDDED_DATABASE_V8_FLAGS) setFlagsFromString(flag);
}
