// The shared tokenizer and value parsers every command uses: quoted names
// (straight or curly quotes), key=value options, Slack mentions, dates as people
// write them and money. Values are validated with zod schemas so each error says
// what to type. Quotes group an account name or an option's value; in notes,
// titles and reasons they are text, kept as typed (verbatimText).
import { z } from 'zod';
import { readDate, type DateDirection } from '../src/core/date-reading.js';
import { UserError } from '../src/core/errors.js';
import { dateOrderFor } from '../src/core/settings.js';
import { isIsoDate } from '../src/core/time.js';
import type { Workspace } from '../src/core/workspaces.js';
import { readMoney } from './money-input.js';

export interface Token {
  /** The token's text with quotes removed. */
  text: string;
  /** True when the whole token (or an option's value) was quoted. */
  quoted: boolean;
  /** For `key=value` tokens: the lower-cased key and the value. */
  key?: string;
  value?: string;
  /** What was typed, quotes included, when it differs from `text` (a quoted token). */
  raw?: string;
}

const OPENING_QUOTES: Record<string, string> = { '"': '"', '“': '”', '„': '“', '«': '»', '”': '”' };
const KEY_PREFIX = /^([A-Za-z][A-Za-z0-9_-]{0,30})=/;

/** Where a quote opened at `start` closes: a matching quote followed by space or the end. */
function findClosingQuote(input: string, start: number, closer: string): number {
  for (let i = start + 1; i < input.length; i++) {
    const ch = input[i]!;
    if (ch === '\\' && input[i + 1] === closer) {
      i++;
      continue;
    }
    if (ch === closer && (i + 1 === input.length || /\s/.test(input[i + 1]!))) return i;
  }
  return -1;
}

function unescapeQuoted(body: string, closer: string): string {
  return body.split(`\\${closer}`).join(closer);
}

/**
 * Makes arbitrary platform text safe to store: unpaired surrogates become U+FFFD
 * and NUL bytes are dropped (PostgreSQL rejects both in text values).
 */
export function cleanText(value: string): string {
  return value.toWellFormed().replace(/\u0000/g, '');
}

/**
 * Splits a command line into tokens. Quotes only open at the start of a token (or
 * right after `key=`) and only close before a space or the end, so an apostrophe or
 * a stray quote inside a word (`O'Brien`, `Robert");`) is kept literally.
 */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const text = cleanText(input).replace(/\u00a0/g, ' ');
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;

    const keyMatch = KEY_PREFIX.exec(text.slice(i, i + 33));
    const valueStart = keyMatch ? i + keyMatch[0].length : i;
    const opener = text[valueStart];
    const closer = opener !== undefined ? OPENING_QUOTES[opener] : undefined;
    if (closer) {
      const end = findClosingQuote(text, valueStart, closer);
      if (end > valueStart) {
        const body = unescapeQuoted(text.slice(valueStart + 1, end), closer);
        const raw = text.slice(i, end + 1);
        tokens.push(
          keyMatch
            ? { text: `${keyMatch[1]}=${body}`, quoted: true, key: keyMatch[1]!.toLowerCase(), value: body, raw }
            : { text: body, quoted: true, raw },
        );
        i = end + 1;
        continue;
      }
    }

    // Slack's escaped mentions are one token even if the label has spaces, also as
    // an option's value (`owner=<@U123|ana maria>`).
    if (opener === '<') {
      const close = text.indexOf('>', valueStart);
      const mention = text.slice(valueStart, close + 1);
      if (close > valueStart && /^<[@#!][^<>]*>$/.test(mention)) {
        tokens.push(
          keyMatch
            ? { text: `${keyMatch[1]}=${mention}`, quoted: false, key: keyMatch[1]!.toLowerCase(), value: mention }
            : { text: mention, quoted: false },
        );
        i = close + 1;
        continue;
      }
    }

    let end = i;
    while (end < text.length && !/\s/.test(text[end]!)) end++;
    const word = text.slice(i, end);
    i = end;
    if (keyMatch) tokens.push({ text: word, quoted: false, key: keyMatch[1]!.toLowerCase(), value: word.slice(keyMatch[0].length) });
    else tokens.push({ text: word, quoted: false });
  }
  return tokens;
}

/**
 * The longest option value (`key=value`) a command reads. Option values are short
 * (names up to 120 characters, amounts, dates, mentions); the limit is checked before
 * any pattern reads a value, so a pasted paragraph costs nothing and is answered plainly.
 */
export const MAX_OPTION_LENGTH = 200;

const withCommas = (n: number) => n.toLocaleString('en-US');

export interface SplitTokens {
  /** Tokens that are not recognised options, in order. */
  words: Token[];
  /** Recognised options (last one wins). */
  options: Record<string, string>;
  /** key=value tokens whose key is not an option of this command. */
  unknown: Token[];
}

/**
 * Separates a command's options from its words. Only keys the command knows are
 * options; any other `key=value` stays a word (it may be part of notes) and is
 * also reported, so commands without free text can reject it.
 */
export function splitOptions(tokens: Token[], knownKeys: readonly string[], aliases: Record<string, string> = {}): SplitTokens {
  const words: Token[] = [];
  const options: Record<string, string> = {};
  const unknown: Token[] = [];
  for (const token of tokens) {
    if (token.key !== undefined) {
      const key = aliases[token.key] ?? token.key;
      if (knownKeys.includes(key)) {
        const value = token.value ?? '';
        if (value.length > MAX_OPTION_LENGTH) {
          throw new UserError(`The value of ${token.key}= is ${withCommas(value.length)} characters long; an option takes at most ${MAX_OPTION_LENGTH}.`);
        }
        options[key] = value;
        continue;
      }
      unknown.push(token);
    }
    words.push(token);
  }
  return { words, options, unknown };
}

/**
 * The first word as a lower-cased subcommand ('' when there is none, or when it is
 * quoted or key=value — a quoted "Settings" is a name, not a subcommand), and the rest.
 */
export function subcommand(args: Token[]): { sub: string; rest: Token[] } {
  const first = args[0];
  const sub = first && !first.quoted && first.key === undefined ? first.text.toLowerCase() : '';
  return { sub, rest: sub ? args.slice(1) : args };
}

/** Joins words back into a name, single-spaced; a quoted name loses its quotes. */
export function joinWords(tokens: Token[]): string {
  return tokens
    .map((t) => t.text)
    .join(' ')
    .trim();
}

/**
 * Joins words back into a note, a title or a reason as they were typed: quotes in
 * them are part of what was said (`sent the "DR runbook" v2`), not syntax.
 */
export function verbatimText(tokens: Token[]): string {
  // Nothing but empty quotes (`""`) is no text at all, not two quote marks.
  if (tokens.every((t) => t.text.trim() === '')) return '';
  return tokens
    .map((t) => t.raw ?? t.text)
    .join(' ')
    .trim();
}

// ---------------------------------------------------------------- mentions

export type Mention =
  | { kind: 'user'; id: string; name?: string }
  | { kind: 'channel'; id: string; name?: string }
  | { kind: 'name'; name: string };

/** `<@U123|ana>`, `<@U123>`, `<#C123|ops>`, `<#C123>` or a plain `@ana`. */
export function parseMention(value: string): Mention | null {
  const escaped = /^<([@#])([A-Z0-9][A-Z0-9._-]*)(?:\|([^<>]*))?>$/i.exec(value.trim());
  if (escaped) {
    const name = escaped[3]?.trim() || undefined;
    const kind = escaped[1] === '@' ? 'user' : 'channel';
    return name ? { kind, id: escaped[2]!, name } : { kind, id: escaped[2]! };
  }
  const plain = /^@([\p{L}\p{N}._-]{1,80})$/u.exec(value.trim());
  if (plain) return { kind: 'name', name: plain[1]! };
  return null;
}

// ---------------------------------------------------------------- values

// Amounts are read in the workspace's currency: commands/money-input.ts.
export { parseMoney, readMoney } from './money-input.js';

/** Whole, non-negative counts: `100`, `1,200`. */
export function parseCount(value: string): number | null {
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)$/.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]!.replace(/,/g, ''));
  return Number.isSafeInteger(n) && n <= 100_000_000 ? n : null;
}

/** Strips an optional leading `#` from a short id: `42`, `#42`. */
export function parseShortId(value: string): number | null {
  const m = /^#?(\d{1,9})$/.exec(value.trim());
  return m ? Number(m[1]) : null;
}

// zod schemas for option values: each message tells the user what to type.

/**
 * The longest amount, count, date, choice or mention these schemas read: refused, with
 * its length, before any pattern runs, wherever a schema is used (an option is already
 * held to MAX_OPTION_LENGTH, which leaves room for names).
 */
export const MAX_VALUE_LENGTH = 100;

/**
 * True (and the issue added) when `v` is too long to be a `what`. Added inside each
 * schema's own check, not as a step before it: a union (`arr=none` or an amount)
 * shows the message of a branch that failed this way, not of one cut short.
 */
function tooLong(what: string, v: string, ctx: z.RefinementCtx): boolean {
  if (v.length <= MAX_VALUE_LENGTH) return false;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: `the ${what} is ${withCommas(v.length)} characters long; at most ${MAX_VALUE_LENGTH} are allowed` });
  return true;
}

/**
 * How every door says a text is over its limit: how long it is and what the limit
 * is ("the note is 3,412 characters long; a note takes at most 3,000"). Typed
 * commands, Slack and Teams forms and the console answer in these words.
 */
export function lengthProblem(what: string, length: number, max: number): string {
  return `the ${what} is ${withCommas(length)} characters long; ${/^[aeiou]/i.test(what) ? 'an' : 'a'} ${what} takes at most ${withCommas(max)}`;
}

/** lengthProblem as a sentence of its own, for a form field or an answer. */
export function lengthSentence(what: string, length: number, max: number): string {
  const problem = lengthProblem(what, length, max);
  return `${problem[0]!.toUpperCase()}${problem.slice(1)}.`;
}

/** An amount in the workspace's `currency`, as integer cents (see readMoney for what is refused). */
export const moneySchema = (currency: string) =>
  z.string().transform((v, ctx) => {
    if (tooLong('amount', v, ctx)) return z.NEVER;
    const read = readMoney(v, currency);
    if (!read.ok) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: read.problem });
      return z.NEVER;
    }
    return read.cents;
  });

/** What a date is read against: the workspace's clock, zone and numeric date order. */
export interface DateContext {
  now: Date;
  workspace: Pick<Workspace, 'settings' | 'timezone'>;
}

/**
 * A date as people write it (src/core/date-reading.ts), read in the workspace's zone
 * and date order; `direction` says which way `fri` or `Dec 1` points in this field.
 */
export const dateSchema = (at: DateContext, direction: DateDirection) =>
  z.string().transform((v, ctx) => {
    if (tooLong('date', v, ctx)) return z.NEVER;
    const read = readDate(v, { now: at.now, timeZone: at.workspace.timezone, order: dateOrderFor(at.workspace), direction });
    if (!read.ok) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: read.problem });
      return z.NEVER;
    }
    return read.date;
  });

/**
 * Lets a date option's value run on over the next words (`next=in 2 weeks`,
 * `renewal=1 Dec 2027`) when the value alone is no date and, with up to three more
 * words, the whole is one: the longest such phrase is taken. A value that is a date
 * by itself (`next=fri`) never takes the words after it, which may be a note.
 */
export function gatherDatePhrases(tokens: Token[], keys: readonly string[], isDate: (phrase: string) => boolean): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    out.push(token);
    if (token.key === undefined || token.quoted || !keys.includes(token.key) || token.value === undefined || isDate(token.value)) continue;
    for (let more = 3; more >= 1; more--) {
      const following = tokens.slice(i + 1, i + 1 + more);
      if (following.length < more || following.some((t) => t.quoted || t.key !== undefined)) continue;
      const value = [token.value, ...following.map((t) => t.text)].join(' ');
      if (!isDate(value)) continue;
      out[out.length - 1] = { ...token, text: `${token.text.slice(0, token.text.length - token.value.length)}${value}`, value };
      i += more;
      break;
    }
  }
  return out;
}

/** True when `phrase` reads as a date here, or would with the workspace's date order (it is then asked about). */
export function readsAsDate(at: DateContext, phrase: string): boolean {
  const read = readDate(phrase, { now: at.now, timeZone: at.workspace.timezone, order: dateOrderFor(at.workspace) });
  return read.ok || read.ambiguous === true;
}

export const isoDateSchema = z.string().superRefine((v, ctx) => {
  if (tooLong('date', v, ctx) || isIsoDate(v)) return;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${v}" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31` });
});

export const countSchema = z.string().transform((v, ctx) => {
  if (tooLong('number', v, ctx)) return z.NEVER;
  const n = parseCount(v);
  if (n === null) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${v}" is not a whole number; write it like 100 or 1,200` });
    return z.NEVER;
  }
  return n;
});

export function enumSchema<T extends string>(values: readonly T[], what: string) {
  return z.string().transform((v, ctx) => {
    if (tooLong(what, v, ctx)) return z.NEVER;
    const folded = v.trim().toLowerCase();
    const hit = values.find((x) => x === folded);
    if (!hit) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${v}" is not a ${what}; use one of ${values.join(', ')}` });
      return z.NEVER;
    }
    return hit;
  });
}

export const mentionSchema = z.string().transform((v, ctx) => {
  if (tooLong('person', v, ctx)) return z.NEVER;
  const m = parseMention(v);
  if (!m || m.kind === 'channel') {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${v}" is not a person; mention them like @ana` });
    return z.NEVER;
  }
  return m;
});

/** Free text with a length limit (names, titles, notes); an over-long one is answered with lengthProblem. */
export const textSchema = (what: string, max: number) =>
  z
    .string()
    .transform((v) => v.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim())
    .superRefine((v, ctx) => {
      if (v.length === 0) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `the ${what} is missing` });
      else if (v.length > max) ctx.addIssue({ code: z.ZodIssueCode.custom, message: lengthProblem(what, v.length, max) });
    });
