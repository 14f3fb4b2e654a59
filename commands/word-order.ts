// Forgiving word order: `/ticket critical "Acme Corp" VPN down` reads as `/ticket
// "Acme Corp" critical VPN down`. When the keyword (a severity, a touch type) comes
// first and an account name follows it, the words are put back in the order the
// commands read; otherwise they stay as typed (in a channel linked to an account the
// keyword may come first, and what follows is the title).
import { accountForChannel, findAccountByName } from '../src/core/accounts.js';
import { accountByPartOfName } from '../src/core/account-lookup.js';
import type { CommandContext } from './context.js';
import { joinWords, type Token } from './parse.js';

/** How many words after the keyword may make up an unquoted account name. */
const LONGEST_NAME_WORDS = 6;

export async function accountBeforeKeyword(ctx: CommandContext, words: Token[], isKeyword: (token: Token) => boolean): Promise<Token[]> {
  const [keyword, ...rest] = words;
  if (!keyword || rest.length === 0 || !isKeyword(keyword) || isKeyword(rest[0]!)) return words;
  const swapped = (n: number) => [...rest.slice(0, n), keyword, ...rest.slice(n)];
  // A quoted name can only be the account's.
  if (rest[0]!.quoted) return swapped(1);
  for (let n = Math.min(rest.length, LONGEST_NAME_WORDS); n >= 1; n--) {
    if (rest.slice(0, n).some((w) => w.quoted || w.key !== undefined)) continue;
    if (await findAccountByName(ctx.db, ctx.workspace.id, joinWords(rest.slice(0, n)))) return swapped(n);
  }
  // Part of a name (`critical acme …`) only where no linked account makes the words a title.
  if (rest[0]!.key === undefined && !(await accountForChannel(ctx.db, ctx.workspace.id, ctx.channel.id))) {
    const part = await accountByPartOfName(ctx.db, ctx.workspace.id, rest[0]!.text);
    if (part) return [{ ...rest[0]!, text: part.name, quoted: true }, keyword, ...rest.slice(1)];
  }
  return words;
}
