// Forgiving word order: `/ticket critical "Acme Corp" VPN down` reads as `/ticket
// "Acme Corp" critical VPN down`. When the keyword (a severity, a touch type, an
// outcome) comes first and an account name follows it, the words are put back in the
// order the commands read; otherwise they stay as typed (in a channel linked to an
// account the keyword may come first, and what follows is the title). The other way
// round for subcommands: `/account "Acme Corp" set tier=gold` reads as `/account set
// "Acme Corp" tier=gold`. Only words are moved, never rewritten, so notes and titles
// stay as typed.
import { accountForChannel, accountsNamedAnyOf } from '../src/core/accounts.js';
import { accountByPartOfName } from '../src/core/account-lookup.js';
import type { CommandContext } from './context.js';
import { joinWords, type Token } from './parse.js';

/** How many words after the keyword may make up an unquoted account name. */
const LONGEST_NAME_WORDS = 6;

/**
 * `linkedKeepsWords`: in a channel linked to an account, only a quoted name is moved,
 * so `/checkin call Acme Corp confirmed the renewal` in Acme's channel keeps its note whole.
 */
export async function accountBeforeKeyword(ctx: CommandContext, words: Token[], isKeyword: (token: Token) => boolean, options: { linkedKeepsWords?: boolean } = {}): Promise<Token[]> {
  const [keyword, ...rest] = words;
  if (!keyword || rest.length === 0 || !isKeyword(keyword) || isKeyword(rest[0]!)) return words;
  const swapped = (n: number) => [...rest.slice(0, n), keyword, ...rest.slice(n)];
  // A quoted name can only be the account's.
  if (rest[0]!.quoted) return swapped(1);
  if (options.linkedKeepsWords && (await accountForChannel(ctx.db, ctx.workspace.id, ctx.channel.id))) return words;
  // One query for every reading: the longest name wins, and a name that starts with the
  // keyword ("Call Center Inc call …") means the words are already in order.
  const asTyped = leadingPhrases(words, 2);
  const afterKeyword = leadingPhrases(rest, 1);
  const found = await accountsNamedAnyOf(ctx.db, ctx.workspace.id, [...asTyped.map((p) => p.text), ...afterKeyword.map((p) => p.text)]);
  const indexes = new Set(found.map((f) => f.index));
  if (asTyped.some((_p, i) => indexes.has(i))) return words;
  const longest = afterKeyword.find((_p, i) => indexes.has(asTyped.length + i));
  if (longest) return swapped(longest.words);
  // Part of a name (`critical acme …`) only where no linked account makes the words a title.
  if (rest[0]!.key === undefined && !(await accountForChannel(ctx.db, ctx.workspace.id, ctx.channel.id))) {
    const part = await accountByPartOfName(ctx.db, ctx.workspace.id, rest[0]!.text);
    if (part) return [{ ...rest[0]!, text: part.name, quoted: true }, keyword, ...rest.slice(1)];
  }
  return words;
}

/** The runs of leading words, longest first (at most LONGEST_NAME_WORDS, at least `fewest`), that could be an unquoted name. */
function leadingPhrases(words: Token[], fewest: number): { words: number; text: string }[] {
  const phrases: { words: number; text: string }[] = [];
  for (let n = Math.min(words.length, LONGEST_NAME_WORDS); n >= fewest; n--) {
    if (words.slice(0, n).some((w) => w.quoted || w.key !== undefined)) continue;
    phrases.push({ words: n, text: joinWords(words.slice(0, n)) });
  }
  return phrases;
}

/**
 * Puts a subcommand typed after the account's name first: `"Acme Corp" set tier=gold`
 * → `set "Acme Corp" tier=gold`. Only when the words before it are a quoted name, an
 * account's whole name or a single word that is part of one, and the words together
 * are not themselves an account's name ("Acme Link Ltd" stays a name).
 */
export async function subcommandBeforeAccount(ctx: CommandContext, args: Token[], subcommands: readonly string[], otherSubcommands: readonly string[] = []): Promise<Token[]> {
  const isSubcommand = (t: Token) => !t.quoted && t.key === undefined && subcommands.includes(t.text.toLowerCase());
  const first = args[0];
  // `add Link Corp`: a line that starts with any subcommand is already in order.
  if (!first || first.key !== undefined || isSubcommand(first) || (!first.quoted && otherSubcommands.includes(first.text.toLowerCase()))) return args;
  const at = args.findIndex((t, i) => i > 0 && isSubcommand(t));
  if (at < 0 || at > LONGEST_NAME_WORDS) return args;
  const name = args.slice(0, at);
  const moved = () => [args[at]!, ...name, ...args.slice(at + 1)];
  if (first.quoted) return name.length === 1 ? moved() : args;
  if (name.some((w) => w.quoted || w.key !== undefined)) return args;
  const whole = joinWords(args.filter((w) => w.key === undefined));
  const found = new Set((await accountsNamedAnyOf(ctx.db, ctx.workspace.id, [whole, joinWords(name)])).map((f) => f.index));
  if (found.has(0)) return args;
  if (found.has(1)) return moved();
  // Part of a name (`acme set …`): an ambiguous part is moved too, and the subcommand lists the candidates.
  const part = name.length === 1 ? await accountByPartOfName(ctx.db, ctx.workspace.id, first.text).catch(() => true) : undefined;
  return part ? moved() : args;
}
