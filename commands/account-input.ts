// How commands read "which account" from text and forms: an unquoted name may
// span words and is followed by a keyword (a touch type, a severity), the
// channel's linked account stands in when the name is left out, and forms offer
// a pick list of accounts (or a text field for a large portfolio). All of these
// read an account for new work, so an archived one is refused with how to restore it
// (core/accounts.ts requireLiveAccount) and never offered.
import { accountForChannel, accountNames, countAccounts, findAccountByName, listAccounts, requireLiveAccount, resolveLiveAccount, type Account } from '../src/core/accounts.js';
import { UserError } from '../src/core/errors.js';
import type { FormField } from '../src/messages/message.js';
import { accountNameSchema } from './account-fields.js';
import type { CommandContext } from './context.js';
import { joinWords, type Token } from './parse.js';

/** The most accounts a form offers as a pick list; beyond it the name is typed. */
export const FORM_PICK_LIMIT = 100;

/** A typed account name, validated; a UserError says what is wrong with it. */
export function accountNameFrom(raw: string): string {
  const parsed = accountNameSchema.safeParse(raw);
  // The issue is already a sentence ("The account name is missing."); the registry adds the usage.
  if (!parsed.success) throw new UserError(parsed.error.issues[0]!.message);
  return parsed.data;
}

/** How many leading words may make up an unquoted account name when looking for a misspelt keyword. */
const LONGEST_NAME_WORDS = 6;

/**
 * The account name and keyword where the text says them without a lookup: a quoted
 * name followed by the keyword, or the words before the first keyword after the
 * first word. This is the split splitAccountAndKeyword tries first, so a command
 * may write by this name in one statement and, when no account has it, fall back to
 * splitAccountAndKeyword for the rest. Undefined when the text does not read so (no
 * keyword, a keyword first as in a linked channel, an invalid name).
 */
export function plainAccountName(words: Token[], isKeyword: (token: Token) => boolean): { name: string; keywordIndex: number } | undefined {
  const first = words[0];
  if (!first || isKeyword(first)) return undefined;
  const keywordIndex = first.quoted ? (words[1] && isKeyword(words[1]) ? 1 : -1) : words.findIndex((w, i) => i > 0 && isKeyword(w));
  if (keywordIndex < 1) return undefined;
  // As splitAccountAndKeyword reads them: a quoted name cleaned by the schema, unquoted words as typed.
  const typed = first.quoted ? first.text : joinWords(words.slice(0, keywordIndex));
  const name = accountNameSchema.safeParse(typed);
  return name.success && (first.quoted || name.data === typed) ? { name: name.data, keywordIndex } : undefined;
}

/**
 * Finds where the account name ends and the keyword begins. Unquoted names may
 * span words ("Acme Corp call …"), and a name may itself contain a keyword
 * ("Call Center Inc call …"), so every keyword is a candidate split and the
 * first one whose left side names an existing account wins. In a channel linked
 * to an account the name may be left out. `missing` builds the error for a
 * missing or wrong keyword (`found`: the word where it was expected).
 */
export async function splitAccountAndKeyword(
  ctx: CommandContext,
  words: Token[],
  isKeyword: (token: Token) => boolean,
  missing: (found: Token | undefined, account: Account | undefined) => UserError,
): Promise<{ account: Account; keywordIndex: number }> {
  if (words.length > 0 && isKeyword(words[0]!)) {
    const linked = await accountForChannel(ctx.db, ctx.workspace.id, ctx.channel.id);
    if (linked && !(await findAccountByName(ctx.db, ctx.workspace.id, words[0]!.text))) return { account: requireLiveAccount(linked), keywordIndex: 0 };
  }
  const candidates = words.map((w, i) => (i > 0 && isKeyword(w) ? i : -1)).filter((i) => i > 0);
  if (words[0]?.quoted) {
    const account = await resolveLiveAccount(ctx.db, ctx.workspace.id, accountNameFrom(words[0].text));
    if (!words[1] || !isKeyword(words[1])) throw missing(words[1], account);
    return { account, keywordIndex: 1 };
  }
  for (const i of candidates) {
    const account = await findAccountByName(ctx.db, ctx.workspace.id, joinWords(words.slice(0, i)));
    if (account) return { account: requireLiveAccount(account), keywordIndex: i };
  }
  if (candidates.length === 0) {
    if (words.length === 0) throw missing(undefined, undefined);
    // The longest run of leading words that names an account: the word after it should have been the keyword.
    const names = new Set((await accountNames(ctx.db, ctx.workspace.id)).map((n) => n.toLowerCase()));
    for (let i = Math.min(words.length, LONGEST_NAME_WORDS); i > 0; i--) {
      if (!names.has(joinWords(words.slice(0, i)).toLowerCase())) continue;
      throw missing(words[i], await findAccountByName(ctx.db, ctx.workspace.id, joinWords(words.slice(0, i))));
    }
    throw missing(undefined, undefined);
  }
  const account = await resolveLiveAccount(ctx.db, ctx.workspace.id, accountNameFrom(joinWords(words.slice(0, candidates[0]))));
  return { account, keywordIndex: candidates[0]! };
}

/**
 * The form's account field: a pick list for a portfolio that fits one, else a text
 * field; an archived account (a channel may still be linked to one) is not preselected.
 */
export async function accountField(ctx: CommandContext, initial?: Account): Promise<FormField> {
  const total = await countAccounts(ctx.db, ctx.workspace.id);
  const start = initial && !initial.archivedAt ? { initial: initial.name } : {};
  if (total > 0 && total <= FORM_PICK_LIMIT) {
    const accounts = await listAccounts(ctx.db, ctx.workspace.id);
    return { id: 'account', label: 'Account', kind: 'select', required: true, options: accounts.map((a) => ({ label: a.name, value: a.name })), ...start };
  }
  return { id: 'account', label: 'Account', kind: 'text', required: true, placeholder: 'Acme Corp', ...start };
}

/** The account a form names, or the error to show next to the field (with close matches). */
export async function accountFromForm(ctx: CommandContext, name: string): Promise<{ account: Account } | { error: string }> {
  try {
    const account = await findAccountByName(ctx.db, ctx.workspace.id, name);
    return { account: account ? requireLiveAccount(account) : await resolveLiveAccount(ctx.db, ctx.workspace.id, name) };
  } catch (err) {
    // Only what the person can fix goes next to the field; a database that is down is the
    // registry's to answer ("temporarily unavailable; nothing was saved").
    if (!(err instanceof UserError)) throw err;
    return { error: [err.message, err.details.hint].filter(Boolean).join(' ') };
  }
}
