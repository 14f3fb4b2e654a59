// Finds every regular expression a TypeScript file builds, with TypeScript's own
// parser (a hand-written scan would trip over regex-like text in strings, comments
// and divisions): /literals/, new RegExp(…) / RegExp(…), and strings given to
// match / matchAll / search, which JavaScript turns into a RegExp.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export interface FoundPattern {
  kind: 'literal' | 'constructor' | 'string-pattern';
  file: string;
  line: number;
  source: string;
  flags: string;
}

/** A RegExp built from something only known at run time; `argument` is its source text. */
export interface DynamicPattern {
  file: string;
  line: number;
  argument: string;
}

export interface FileScan {
  patterns: FoundPattern[];
  dynamic: DynamicPattern[];
}

const STRING_TO_REGEXP_METHODS = new Set(['match', 'matchAll', 'search']);

/** The string's value when the node is a plain string or a template without `${}`. */
function constantText(node: ts.Node | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return undefined;
}

function isRegExpCallee(node: ts.Expression): boolean {
  if (ts.isIdentifier(node)) return node.text === 'RegExp';
  // globalThis.RegExp(…)
  return ts.isPropertyAccessExpression(node) && node.name.text === 'RegExp' && ts.isIdentifier(node.expression) && node.expression.text === 'globalThis';
}

export function scanSource(file: string, text: string): FileScan {
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const patterns: FoundPattern[] = [];
  const dynamic: DynamicPattern[] = [];
  const lineOf = (node: ts.Node) => sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;

  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = (node as ts.RegularExpressionLiteral).text;
      const end = literal.lastIndexOf('/');
      patterns.push({ kind: 'literal', file, line: lineOf(node), source: literal.slice(1, end), flags: literal.slice(end + 1) });
    } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && isRegExpCallee(node.expression)) {
      const [patternArg, flagsArg] = node.arguments ?? [];
      const source = constantText(patternArg);
      const flags = flagsArg === undefined ? '' : constantText(flagsArg);
      if (source !== undefined && flags !== undefined) {
        patterns.push({ kind: 'constructor', file, line: lineOf(node), source, flags });
      } else if (patternArg && ts.isRegularExpressionLiteral(patternArg) && flagsArg === undefined) {
        // new RegExp(/x/) copies the literal, which the visit below records.
      } else {
        dynamic.push({ file, line: lineOf(node), argument: node.arguments?.map((a) => a.getText(sourceFile)).join(', ') ?? '' });
      }
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && STRING_TO_REGEXP_METHODS.has(node.expression.name.text)) {
      const source = constantText(node.arguments[0]);
      if (source !== undefined) patterns.push({ kind: 'string-pattern', file, line: lineOf(node), source, flags: '' });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return { patterns, dynamic };
}

/** Every .ts file under `folders` (relative to `root`), as repository-relative paths with /. */
export function typeScriptFiles(root: string, folders: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push(relative(root, path).split(sep).join('/'));
      }
    }
  };
  for (const folder of folders) walk(join(root, folder));
  return files.sort();
}

/** Every pattern in the .ts files under `folders`. */
export function scanFolders(root: string, folders: string[]): FileScan {
  const all: FileScan = { patterns: [], dynamic: [] };
  for (const file of typeScriptFiles(root, folders)) {
    const scan = scanSource(file, readFileSync(join(root, file), 'utf8'));
    all.patterns.push(...scan.patterns);
    all.dynamic.push(...scan.dynamic);
  }
  return all;
}
