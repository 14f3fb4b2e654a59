// Every regular expression in src/, commands/ and db/ is checked for catastrophic
// backtracking with recheck (automata analysis, fuzzing where that cannot decide):
// a pattern whose matching time grows faster than the input (two \s* side by side:
// a value of 40,000 spaces blocks the event loop for seconds) fails the test.
// Patterns built at run time are listed below with a reason and checked with what
// they are built from.
import { fileURLToPath } from 'node:url';
import { check, type Diagnostics } from 'recheck';
import { describe, expect, it } from 'vitest';
import { EXPORT_KINDS } from '../src/data/export.js';
import { scanFolders, scanSource, type DynamicPattern } from './helpers/regex-literals.js';
import { asUnicodeMode } from './helpers/unicode-sets.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCANNED = ['src', 'commands', 'db'];

/**
 * recheck's limit for one pattern, in ms (its default). A check that runs out of
 * time is tried once more on its own with RETRY_TIMEOUT, since a busy machine is the
 * usual cause. 'unknown' after that, or for any other reason (syntax recheck cannot
 * read), fails the test like 'vulnerable': a pattern nobody has shown to be safe is
 * not assumed safe — simplify it until recheck can decide. 'safe' is accepted from
 * either checker: from fuzzing (recheck's choice for large counted repeats and huge
 * classes) it means no input its search built was slow.
 */
const TIMEOUT = 10_000;
const RETRY_TIMEOUT = 60_000;

interface Pattern {
  source: string;
  flags: string;
  where: string;
}

interface Verdict extends Pattern {
  result: Diagnostics;
}

/** One pattern; a v-flag one as its u equivalent, which recheck can read. */
async function checkPattern(p: Pattern, timeout: number): Promise<Diagnostics> {
  const readable = asUnicodeMode(p.source, p.flags);
  if ('unsupported' in readable) return { source: p.source, flags: p.flags, status: 'unknown', error: { kind: 'unsupported', message: readable.unsupported } };
  return check(readable.source, readable.flags, { timeout });
}

/** Checks each distinct pattern once, all at a time, then re-checks time-outs one by one. */
async function checkPatterns(patterns: Pattern[]): Promise<Verdict[]> {
  const distinct = new Map<string, Pattern>();
  for (const p of patterns) {
    const key = `${p.flags}/${p.source}`;
    const seen = distinct.get(key);
    distinct.set(key, seen ? { ...seen, where: `${seen.where}, ${p.where}` } : p);
  }
  const verdicts = await Promise.all(
    [...distinct.values()].map(async (p) => ({ ...p, result: await checkPattern(p, TIMEOUT) })),
  );
  for (const v of verdicts) {
    if (v.result.status === 'unknown' && v.result.error.kind === 'timeout') v.result = await checkPattern(v, RETRY_TIMEOUT);
  }
  return verdicts;
}

function problem(v: Verdict): string {
  const pattern = `${v.where}: /${v.source}/${v.flags}`;
  if (v.result.status === 'vulnerable') {
    return `${pattern} is vulnerable (${v.result.complexity.summary}), e.g. ${JSON.stringify(v.result.attack.pattern)}`;
  }
  const error = v.result.status === 'unknown' ? v.result.error : undefined;
  return `${pattern} could not be decided (${error?.kind}${error && 'message' in error ? `: ${error.message}` : ''})`;
}

const escapeLiteral = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface DynamicEntry {
  file: string;
  /** The constructor's arguments as written, so a changed construction must be looked at again. */
  argument: string;
  why: string;
  /** The patterns it builds (all of them, or representative ones when the input is data). */
  instances: () => RegExp[];
}

const DYNAMIC: DynamicEntry[] = [
  {
    file: 'src/http/exports.ts',
    argument: "`^(${EXPORT_KINDS.join('|')})\\\\.csv$`",
    why: 'an anchored alternation of the fixed export kinds',
    instances: () => [new RegExp(`^(${EXPORT_KINDS.join('|')})\\.csv$`)],
  },
  {
    file: 'src/log.ts',
    argument: "literals.map(escapeRegExp).join('|'), 'g'",
    why: 'an alternation of configured secrets, each escaped (escapeRegExp leaves no quantifier, class or group), so every position is compared with a fixed set of strings',
    instances: () => [new RegExp(['xoxb-1234-abcd', 'pa$$w(o)rd+[1]{2}*?.|x', 'with \\"quotes\\"'].map(escapeLiteral).join('|'), 'g')],
  },
  {
    file: 'src/platforms/slack/event-listener.ts',
    argument: "`^(?:${[...handlers.keys()].join('|')})$`",
    why: 'an anchored alternation of the Slack event types Tenure listens to, names fixed in src/platforms/slack/handlers.ts',
    instances: () => [/^(?:app_home_opened|message|app_uninstalled|tokens_revoked)$/],
  },
];

const SAMPLE = String.raw`
const literal = /ab+c/gi;
const ratio = total / count / 2;
const text = '/not a pattern/'; // /nor this/
/* /nor this/ */
const built = new RegExp('x\\d+', 'u');
const called = RegExp(${'`'}^y$${'`'});
const global = new globalThis.RegExp('z');
const found = 'text'.match('a.c');
const replaced = 'text'.replace('a.c', '');
const copied = new RegExp(/copied/);
const fromInput = new RegExp(userInput);
const fromTemplate = new RegExp(${'`'}^${'${prefix}'}-\\d+$${'`'}, 'i');
const withFlags = new RegExp('a', flags);
`;

describe('the regular-expression scan', () => {
  it('finds literals, RegExp constructions and strings used as patterns, and nothing in strings, comments or divisions', () => {
    const scan = scanSource('sample.ts', SAMPLE);
    expect(scan.patterns.map((p) => [p.line, p.kind, p.source, p.flags])).toEqual([
      [2, 'literal', 'ab+c', 'gi'],
      [6, 'constructor', 'x\\d+', 'u'],
      [7, 'constructor', '^y$', ''],
      [8, 'constructor', 'z', ''],
      [9, 'string-pattern', 'a.c', ''],
      [11, 'literal', 'copied', ''],
    ]);
    expect(scan.dynamic).toEqual<DynamicPattern[]>([
      { file: 'sample.ts', line: 12, argument: 'userInput' },
      { file: 'sample.ts', line: 13, argument: "`^${prefix}-\\\\d+$`, 'i'" },
      { file: 'sample.ts', line: 14, argument: "'a', flags" },
    ]);
  });

  it('flags the money pattern as it was before issue 18, and passes a linear one', async () => {
    const source = String.raw`
      const MONEY = /^([$€£¥])?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*([kKmM])?\s*(usd|eur|gbp|aud|cad|chf|jpy)?$/i;
      const COUNT = new RegExp('^(\\d{1,3}(?:,\\d{3})+|\\d+)$');
    `;
    const scan = scanSource('old-parse.ts', source);
    const verdicts = await checkPatterns(scan.patterns.map((p) => ({ source: p.source, flags: p.flags, where: `${p.file}:${p.line}` })));
    expect(verdicts.map((v) => [v.where, v.result.status])).toEqual([
      ['old-parse.ts:2', 'vulnerable'],
      ['old-parse.ts:3', 'safe'],
    ]);
    const money = verdicts[0]!.result;
    expect(money.status === 'vulnerable' && money.complexity).toMatchObject({ type: 'polynomial', degree: 2 });
  }, 120_000);

  it('reads v-flag patterns (which recheck cannot) as the u pattern matching the same characters', async () => {
    const visible = String.raw`[[\p{L}\p{N}]--[\p{Default_Ignorable_Code_Point}]]`;
    const rewritten = asUnicodeMode(`^${visible}+$`, 'v');
    if ('unsupported' in rewritten) throw new Error(rewritten.unsupported);
    expect(rewritten.flags).toBe('u');
    const original = new RegExp(`^${visible}+$`, 'v');
    const asU = new RegExp(rewritten.source, rewritten.flags);
    for (const sample of ['Acme', 'Ä1', '株式会社', '\u3164', 'a\u200bb', ' ', '😀', '', 'Ω\u0301']) {
      expect(asU.test(sample), JSON.stringify(sample)).toBe(original.test(sample));
    }
    expect(asUnicodeMode(String.raw`^[\q{ab|c}]$`, 'v')).toEqual({ unsupported: String.raw`the class [\q{ab|c}] can match strings of several characters` });

    const source = String.raw`
      const ONE = /${visible}/v;
      const TWO = /^${visible}+[\p{Lu}&&\p{Script=Latin}]+$/v;
      const EMOJI = /^[\p{RGI_Emoji}]$/v;
    `;
    const verdicts = await checkPatterns(scanSource('sets.ts', source).patterns.map((p) => ({ source: p.source, flags: p.flags, where: `${p.file}:${p.line}` })));
    expect(verdicts.map((v) => [v.where, v.result.status])).toEqual([
      ['sets.ts:2', 'safe'],
      ['sets.ts:3', 'vulnerable'],
      ['sets.ts:4', 'unknown'],
    ]);
  }, 120_000);
});

describe('regular expressions in src/, commands/ and db/', () => {
  const scan = scanFolders(ROOT, SCANNED);

  it('are found (the scan reads the code base)', () => {
    const files = new Set(scan.patterns.map((p) => p.file));
    expect(files).toContain('commands/parse.ts');
    expect(files).toContain('src/data/import-usage.ts');
    expect(scan.patterns.length).toBeGreaterThan(100);
  });

  it('built at run time are each listed here with a reason, and every listed one still exists', () => {
    const key = (d: { file: string; argument: string }) => `${d.file}: new RegExp(${d.argument})`;
    expect(scan.dynamic.map(key).sort()).toEqual(DYNAMIC.map(key).sort());
  });

  it('none backtracks catastrophically', async () => {
    const patterns: Pattern[] = [
      ...scan.patterns.map((p) => ({ source: p.source, flags: p.flags, where: `${p.file}:${p.line}` })),
      ...DYNAMIC.flatMap((d) => d.instances().map((r) => ({ source: r.source, flags: r.flags, where: `${d.file} (built at run time)` }))),
    ];
    const verdicts = await checkPatterns(patterns);
    expect(verdicts.filter((v) => v.result.status !== 'safe').map(problem)).toEqual([]);
  }, 300_000);
});
