// Creates a new PGlite data directory (initdb) in a process of its own, then exits.
//
// PGlite 0.5 runs initdb inside the calling process with three WebAssembly instances
// alive at once (the database, a temporary database and initdb itself). Their linear
// memory is never returned to the operating system while the process lives, so a
// server that created its own data directory kept ~300 MB more resident for its whole
// life than one that opened an existing directory. Done here, that memory goes back to
// the operating system when this process exits, before the server opens the directory.
// Plain JavaScript so it runs the same from tsx and from the compiled build (dist/).
//
// Usage: node [V8 flags] db/pglite-initdb.mjs <pgdata dir> '<start params as JSON>'
import { PGlite } from '@electric-sql/pglite';

const [dataDir, startParamsJson] = process.argv.slice(2);
if (!dataDir || !startParamsJson) {
  process.stderr.write('usage: pglite-initdb.mjs <pgdata dir> <start params JSON>\n');
  process.exit(2);
}
try {
  const client = await PGlite.create({ dataDir, startParams: JSON.parse(startParamsJson) });
  await client.close();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
