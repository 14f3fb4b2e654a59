// Hand-written subqueries name the outer table's columns with their table. Drizzle
// renders `${surveys.id}` in the select list of a one-table query as a bare "id";
// inside `(select … from survey_responses r where r.survey_id = "id")` that binds to
// survey_responses.id, and /survey list counted 0 answers for every survey. Every
// sql`…` template under src/, commands/, db/ and scripts/ that holds a `select` is
// read with TypeScript's parser; a table's column embedded in it directly (not through
// db/qualified.ts) is reported by file and line. A subquery's own table is named by
// its alias in the text, so it never needs an embedded column.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { is, Table } from 'drizzle-orm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCANNED = ['src', 'commands', 'db', 'scripts'];
const TABLES = new Set(Object.entries(schema).flatMap(([name, value]) => (is(value, Table) ? [name] : [])));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file:line  sql template` for each hand-written query embedding a table's column bare. */
function bareColumnsInSubqueries(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isTaggedTemplateExpression(node) && /^sql\b/.test(node.tag.getText(source)) && ts.isTemplateExpression(node.template)) {
      const literal = [node.template.head.text, ...node.template.templateSpans.map((s) => s.literal.text)].join(' ');
      if (/\bselect\b/i.test(literal)) {
        for (const span of node.template.templateSpans) {
          const e = span.expression;
          if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && TABLES.has(e.expression.text)) {
            const line = source.getLineAndCharacterOfPosition(e.getStart(source)).line + 1;
            found.push(`${relative(ROOT, file).split(sep).join('/')}:${line}  \${${e.getText(source)}}`);
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('hand-written subqueries', () => {
  it('name the outer table’s columns with qualified(), never as a bare embedded column', () => {
    const files = SCANNED.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((file) => bareColumnsInSubqueries(join(ROOT, file), readFileSync(join(ROOT, file), 'utf8')));
    expect(found, 'wrap these in qualified(…) from db/qualified.ts').toEqual([]);
  });

  it('the check finds the trap it is written for', () => {
    const trap = "const q = sql`(select count(*) from survey_responses r where r.survey_id = ${surveys.id})`;";
    const safe = "const q = sql`(select count(*) from survey_responses r where r.survey_id = ${qualified(surveys.id)})`;";
    expect(bareColumnsInSubqueries(join(ROOT, 'x.ts'), trap)).toEqual(['x.ts:1  ${surveys.id}']);
    expect(bareColumnsInSubqueries(join(ROOT, 'x.ts'), safe)).toEqual([]);
  });
});
