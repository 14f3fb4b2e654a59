// Dependencies point inward (ARCHITECTURE.md): platforms → commands → core → db.
// Every .ts file under src/, commands/ and db/ is read with TypeScript's own import
// scanner (static, type-only, re-exports, dynamic import(), require()), each relative
// import is resolved to a repository path, and the outward ones are reported by file,
// line and import. process.env may only be read in src/config.ts.
//
// Core is the only door to the database: commands, platforms and jobs may not
// query it themselves (no drizzle-orm, no tables from db/schema, nothing but types
// from db/), so every write has one path and one audit entry, and the job ledger
// cannot be bypassed. They may still import db/schema's enum constants (the
// values a command offers, e.g. LIFECYCLE_STAGES) and types such as Db.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCANNED = ['src', 'commands', 'db'];
const PLATFORM_PACKAGES = [/^express(\/|$)/, /^@slack\/bolt(\/|$)/, /^@microsoft\/teams\.[\w-]+(\/|$)/, /^botbuilder(-[\w-]+)?(\/|$)/, /^@microsoft\/teams-ai(\/|$)/];

interface Rule {
  /** Files this rule applies to (a folder prefix, repository-relative). */
  from: string;
  why: string;
  /** Repository areas (folder or file without extension) the files may not import. */
  areas: string[];
  packages?: RegExp[];
}

const RULES: Rule[] = [
  { from: 'src/core/', why: 'core must not depend on commands or adapters', areas: ['commands', 'src/platforms', 'src/http', 'src/main'] },
  {
    from: 'commands/',
    why: 'commands must not depend on adapters or platform SDKs',
    areas: ['src/platforms', 'src/http', 'src/main'],
    packages: PLATFORM_PACKAGES,
  },
  { from: 'db/', why: 'db is the innermost layer', areas: ['src', 'commands'] },
  { from: 'src/messages/', why: 'the neutral message model must not know platforms or commands', areas: ['src/platforms', 'commands'] },
];

/** Folders whose files reach the database only through src/core/. */
const NO_DATABASE = ['commands/', 'src/platforms/', 'src/jobs/'];

/**
 * Named exceptions to the rule above, each with its reason. They are the platform
 * SDKs' own storage seams: the reason is that the SDK calls them, not a use case.
 */
const DATABASE_EXCEPTIONS: Record<string, string> = {
  'src/platforms/slack/installation-store.ts':
    "Bolt's InstallationStore: Bolt calls it with Slack's installation objects during OAuth and on every request's authorize; it is the platform's credential storage, not a use case",
  'src/platforms/teams/references.ts':
    "Teams conversation references: the Bot Framework's serialised address of a conversation, stored and read only by the Teams adapter to post proactively; no use case reads them",
};

/** db/schema's enum constants (LIFECYCLE_STAGES …): values a command offers, not tables. */
const isEnumConstant = (name: string) => /^[A-Z][A-Z0-9_]*$/.test(name);

/**
 * Database access by one file: an import of drizzle-orm, of a table (any runtime
 * value but an enum constant) from db/schema, or of any runtime value from another
 * db/ module. Type-only imports are not access. Dynamic import() and require() of
 * a db/ module count as access (they load runtime values).
 */
function databaseAccessIn(file: string, source: string): string[] {
  if (!NO_DATABASE.some((dir) => file.startsWith(dir)) || file in DATABASE_EXCEPTIONS) return [];
  const found: string[] = [];
  const report = (pos: number, what: string) =>
    found.push(`${file}:${lineOf(source, pos)} ${what}: only src/core/ may reach the database (commands, platforms and jobs call core)`);
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const check = (specifier: string, pos: number, names: { name: string; typeOnly: boolean }[] | 'all') => {
    const { kind, target } = resolveImport(file, specifier);
    if (kind === 'package') {
      const runtime = names === 'all' || names.some((n) => !n.typeOnly);
      if (/^drizzle-orm(\/|$)/.test(target) && runtime) report(pos, `imports '${specifier}'`);
      return;
    }
    if (!inArea(target, 'db')) return;
    const runtime = names === 'all' ? [{ name: '*', typeOnly: false }] : names.filter((n) => !n.typeOnly);
    const forbidden = target === 'db/schema' ? runtime.filter((n) => !isEnumConstant(n.name)) : runtime;
    if (forbidden.length > 0) report(pos, `imports ${forbidden.map((n) => n.name).join(', ')} from '${specifier}'`);
  };
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const specifier = node.moduleSpecifier.text;
      const pos = node.getStart(sourceFile);
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        if (!clause) check(specifier, pos, 'all'); // import 'x' runs the module
        else {
          const whole = clause.isTypeOnly;
          const names: { name: string; typeOnly: boolean }[] = [];
          if (clause.name) names.push({ name: clause.name.text, typeOnly: whole });
          const bindings = clause.namedBindings;
          if (bindings && ts.isNamespaceImport(bindings)) names.push({ name: `* as ${bindings.name.text}`, typeOnly: whole });
          if (bindings && ts.isNamedImports(bindings)) {
            for (const el of bindings.elements) names.push({ name: (el.propertyName ?? el.name).text, typeOnly: whole || el.isTypeOnly });
          }
          check(specifier, pos, names);
        }
      } else {
        const whole = node.isTypeOnly;
        const clause = node.exportClause;
        if (!clause || !ts.isNamedExports(clause)) check(specifier, pos, whole ? [] : 'all');
        else check(specifier, pos, clause.elements.map((el) => ({ name: (el.propertyName ?? el.name).text, typeOnly: whole || el.isTypeOnly })));
      }
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      check(node.arguments[0].text, node.getStart(sourceFile), 'all');
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

const ENV_READ = [
  /\bprocess\s*(?:\?\.|\.)\s*env\b/,
  /\bprocess\s*(?:\?\.)?\[\s*['"`]env['"`]\s*\]/,
  /\{[^{}]*\benv\b[^{}]*\}\s*=\s*(?:globalThis\.)?process\b/,
  /\bimport\s*(?:type\s+)?\{[^}]*\benv\b[^}]*\}\s*from\s*['"](?:node:)?process['"]/,
];

/** Where an import points: a repository path (no extension) for relative imports, else the package specifier. */
function resolveImport(file: string, specifier: string): { kind: 'path' | 'package'; target: string } {
  if (!specifier.startsWith('.')) return { kind: 'package', target: specifier };
  const target = posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.(?:[cm]?[jt]s|tsx)$/, '');
  return { kind: 'path', target };
}

const inArea = (target: string, area: string) => target === area || target.startsWith(`${area}/`);

function lineOf(source: string, pos: number): number {
  return source.slice(0, pos).split('\n').length;
}

/** Every rule broken by one file's source, as readable messages. */
function violationsIn(file: string, source: string): string[] {
  const found: string[] = [];
  for (const imported of ts.preProcessFile(source, true, true).importedFiles) {
    const { kind, target } = resolveImport(file, imported.fileName);
    for (const rule of RULES) {
      if (!file.startsWith(rule.from)) continue;
      const broken =
        kind === 'path'
          ? rule.areas.find((area) => inArea(target, area))
          : rule.packages?.find((p) => p.test(target))?.source;
      if (broken !== undefined) {
        found.push(`${file}:${lineOf(source, imported.pos)} imports '${imported.fileName}' (${target}): ${rule.why}`);
      }
    }
  }
  found.push(...databaseAccessIn(file, source));
  if (file !== 'src/config.ts') {
    for (const pattern of ENV_READ) {
      for (const match of source.matchAll(new RegExp(pattern.source, 'g'))) {
        const snippet = match[0].replace(/\s+/g, ' ');
        found.push(`${file}:${lineOf(source, match.index ?? 0)} reads process.env (${snippet}): only src/config.ts may`);
      }
    }
  }
  return found;
}

function tsFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFilesUnder(full));
    else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

const files = SCANNED.flatMap((dir) => tsFilesUnder(join(ROOT, dir))).map((full) => ({
  file: relative(ROOT, full).split(sep).join('/'),
  source: readFileSync(full, 'utf8'),
}));

describe('the scanner itself (so the real check cannot pass vacuously)', () => {
  const cases: [string, string, string, number][] = [
    ['core importing a command', 'src/core/health.ts', "import { x } from '../../commands/registry.js';", 1],
    ['core importing a platform, type-only over several lines', 'src/core/health.ts', "import type {\n  A,\n  B,\n} from '../platforms/slack/app.js';", 1],
    ['core importing the HTTP server dynamically', 'src/core/health.ts', "const m = await import('../http/server.js');", 1],
    ['core importing main', 'src/core/health.ts', "import { startTenure } from '../main.js';", 1],
    ['core re-exporting from commands', 'src/core/x/deep.ts', "export * from '../../../commands/parse.js';", 1],
    ['commands importing Bolt', 'commands/ticket.ts', "import { App } from '@slack/bolt';", 1],
    ['commands importing Express', 'commands/ticket.ts', "import type { Request } from 'express';", 1],
    ['commands importing botbuilder-core', 'commands/ticket.ts', "import { TurnContext } from 'botbuilder-core';", 1],
    ['commands importing Teams AI', 'commands/ticket.ts', "import { Application } from '@microsoft/teams-ai';", 1],
    ['commands importing the Teams SDK', 'commands/ticket.ts', "import type { App } from '@microsoft/teams.apps';", 1],
    ['commands importing the Teams SDK cards', 'commands/ticket.ts', "import { AdaptiveCard } from '@microsoft/teams.cards';", 1],
    ['commands importing an adapter', 'commands/ticket.ts', "import { render } from '../src/platforms/console/render.js';", 1],
    ['commands requiring the HTTP server', 'commands/ticket.ts', "const s = require('../src/http/server.js');", 1],
    ['db importing core', 'db/client.ts', "import { x } from '../src/core/time.js';", 1],
    ['db importing commands', 'db/sub/y.ts', "import '../../commands/parse.js';", 1],
    ['messages importing a platform', 'src/messages/plain.ts', "import { x } from '../platforms/slack/blocks.js';", 1],
    ['messages importing commands', 'src/messages/plain.ts', "import { x } from '../../commands/parse.js';", 1],
    ['process.env outside config', 'src/core/health.ts', 'const port = process.env.PORT;', 1],
    ['process.env by index', 'commands/x.ts', "const t = process['env'];", 1],
    ['process.env destructured', 'db/client.ts', 'const { env } = process;', 1],
    ['process.env destructured over lines', 'db/client.ts', 'const {\n  argv,\n  env,\n} = process;', 1],
    ['env imported from node:process', 'src/log.ts', "import { env } from 'node:process';", 1],
    ['two violations in one file', 'src/core/h.ts', "import '../../commands/a.js';\nimport '../platforms/b.js';", 2],
    ['a command importing drizzle-orm', 'commands/digest.ts', "import { and, eq } from 'drizzle-orm';", 1],
    ['a command importing a drizzle-orm subpath', 'commands/x.ts', "import { pgTable } from 'drizzle-orm/pg-core';", 1],
    ['a command importing a table', 'commands/usage.ts', "import { usageReadings } from '../db/schema.js';", 1],
    ['a table next to an enum constant', 'commands/usage.ts', "import { LIFECYCLE_STAGES, accounts } from '../db/schema.js';", 1],
    ['a renamed table import', 'commands/usage.ts', "import { accounts as a } from '../db/schema.js';", 1],
    ['the whole schema as a namespace', 'commands/usage.ts', "import * as schema from '../db/schema.js';", 1],
    ['a platform importing a table', 'src/platforms/slack/handlers.ts', "import { jobRuns } from '../../../db/schema.js';", 1],
    ['a job importing queryRows', 'src/jobs/health-daily.ts', "import { queryRows, type Db } from '../../db/client.js';", 1],
    ['a job importing the statement cache', 'src/jobs/x.ts', "import { cached } from '../../db/statements.js';", 1],
    ['a job loading db/ dynamically', 'src/jobs/x.ts', "const m = await import('../../db/client.js');", 1],
    ['a job re-exporting a table', 'src/jobs/x.ts', "export { accounts } from '../../db/schema.js';", 1],
    ['a platform importing a module of db/ for its effect', 'src/platforms/x/y.ts', "import '../../../db/client.js';", 1],
    // Allowed edges: nothing reported.
    ['a command importing enum constants', 'commands/checkin.ts', "import { CHECKIN_TYPES, SENTIMENTS } from '../db/schema.js';", 0],
    ['a command importing the Db type', 'commands/context.ts', "import type { Db } from '../db/client.js';", 0],
    ['a job importing a type inline', 'src/jobs/x.ts', "import { type Db } from '../../db/client.js';\nimport type { SQL } from 'drizzle-orm';", 0],
    ['a named exception', 'src/platforms/slack/installation-store.ts', "import { and } from 'drizzle-orm';\nimport { installations } from '../../../db/schema.js';", 0],
    ['the data layer is not covered', 'src/data/export.ts', "import { accounts } from '../../db/schema.js';\nimport { eq } from 'drizzle-orm';", 0],
    ['core importing db', 'src/core/accounts.ts', "import type { Db } from '../../db/client.js';\nimport { sql } from 'drizzle-orm';", 0],
    ['commands importing core and messages', 'commands/ticket.ts', "import { slaDueAt } from '../src/core/sla.js';\nimport { message } from '../src/messages/builders.js';", 0],
    ['a platform importing commands and express', 'src/platforms/slack/app.ts', "import express from 'express';\nimport { createRegistry } from '../../../commands/registry.js';", 0],
    ['main importing everything', 'src/main.ts', "import '../commands/registry.js';\nimport './platforms/console/routes.js';\nimport './http/server.js';", 0],
    ['a look-alike name is not the area', 'src/core/h.ts', "import { x } from '../mainframe.js';\nimport { y } from '../http-client/z.js';", 0],
    ['a package whose name merely starts alike', 'commands/x.ts', "import { y } from 'expressive';", 0],
    ['import text in a comment or string', 'src/core/h.ts', "// import '../../commands/a.js'\nconst s = \"import x from '../platforms/y.js'\";", 0],
    ['process.env in src/config.ts', 'src/config.ts', 'const env = process.env;', 0],
    ['a variable merely named env', 'src/core/h.ts', 'const env = loadEnv();\nconst x = env.PORT;', 0],
  ];
  it.each(cases)('%s', (_what, file, source, count) => {
    const found = violationsIn(file, source);
    expect(found, found.join('\n')).toHaveLength(count);
    for (const message of found) expect(message).toContain(file);
  });

  it('names the file, line and import in its message', () => {
    expect(violationsIn('src/core/health.ts', "import { a } from './a.js';\nimport { x } from '../../commands/registry.js';")).toEqual([
      "src/core/health.ts:2 imports '../../commands/registry.js' (commands/registry): core must not depend on commands or adapters",
    ]);
  });

  it('finds the real files and resolves their imports', () => {
    const names = files.map((f) => f.file);
    expect(names).toContain('src/config.ts');
    expect(names).toContain('commands/parse.ts');
    expect(names).toContain('db/schema.ts');
    expect(names.filter((n) => n.startsWith('src/core/')).length).toBeGreaterThan(3);
    const parse = files.find((f) => f.file === 'commands/parse.ts')!;
    const targets = ts.preProcessFile(parse.source, true, true).importedFiles.map((i) => resolveImport(parse.file, i.fileName).target);
    expect(targets).toContain('src/core/time');
    expect(targets).toContain('zod');
  });
});

describe('the repository', () => {
  it('has no import pointing outward and reads process.env only in src/config.ts', () => {
    const violations = files.flatMap(({ file, source }) => violationsIn(file, source));
    expect(violations, `\n${violations.join('\n')}\n`).toEqual([]);
  });

  it('names only database exceptions that exist and still need to be exceptions', () => {
    for (const file of Object.keys(DATABASE_EXCEPTIONS)) {
      const found = files.find((f) => f.file === file);
      expect(found, `${file} is a named exception but does not exist`).toBeDefined();
      const without = databaseAccessIn(file.replace(/^src\/platforms\//, 'src/platforms/_not-excepted_/'), found!.source);
      expect(without.length, `${file} no longer reaches the database: remove it from DATABASE_EXCEPTIONS`).toBeGreaterThan(0);
    }
  });

  it('src/config.ts is where the environment is read', () => {
    const config = files.find((f) => f.file === 'src/config.ts')!;
    expect(config.source).toMatch(/process\.env/);
  });
});

it('resolves relative imports against the importing file', () => {
  expect(resolveImport('src/core/accounts.ts', '../../db/client.js')).toEqual({ kind: 'path', target: 'db/client' });
  expect(resolveImport('commands/parse.ts', '../src/core/time.js')).toEqual({ kind: 'path', target: 'src/core/time' });
  expect(resolveImport('src/main.ts', './http/server.js')).toEqual({ kind: 'path', target: 'src/http/server' });
  expect(resolveImport('src/main.ts', 'node:url')).toEqual({ kind: 'package', target: 'node:url' });
});
