// Account names: the one rule for what a name may hold (every way a name comes in —
// command, form, CSV import, ingest API — reaches it through core/accounts.ts), and
// fuzzy matching for "did you mean": an unknown account name is answered with the
// closest existing names, by edit distance and shared prefixes/words.
import { UserError } from './errors.js';

export const ACCOUNT_NAME_MAX = 120;

// Line breaks and tabs separate words, so they become spaces rather than vanish.
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// Removed outright: the other C0/C1 controls (NUL included); every bidirectional
// control (embeddings, overrides, isolates, LRM/RLM/ALM), since a name is shown
// inside our sentences and an override in it would reverse them (and a name made of
// one is invisible); and zero-width spacers that play no part in any script, which
// would only make look-alike duplicates ("Ac\u200bme" beside "Acme"). The joiners
// ZWJ/ZWNJ and variation selectors stay: scripts and emoji need them.
const REMOVED = /[\p{Cc}\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/gu;
// Something that draws a glyph: a letter, digit, punctuation mark or symbol, but not
// the default-ignorable ones (fillers such as U+3164 are letters that show nothing)
// nor the blank braille pattern, both used to fake an empty-looking name.
const VISIBLE = /[[\p{L}\p{N}\p{P}\p{S}]--[\p{Default_Ignorable_Code_Point}\u2800]]/v;

const MISSING = 'The account name is missing.';
const INVISIBLE =
  'The account name has nothing visible in it, only spaces or invisible characters: type it as people should read it, with letters or digits, e.g. "Acme Corp".';
const TOO_LONG = `The account name is too long: at most ${ACCOUNT_NAME_MAX} characters.`;

/** A name without controls, bidi controls or zero-width spacers, trimmed. Never fails. */
export function cleanName(raw: string): string {
  return raw.replace(BREAKS, ' ').replace(REMOVED, '').trim();
}

export function hasVisibleCharacter(value: string): boolean {
  return VISIBLE.test(value);
}

/** The name as it is stored, or the one sentence that says why it cannot be a name. */
export function checkAccountName(raw: string): { ok: true; name: string } | { ok: false; problem: string } {
  const name = cleanName(raw);
  // Typed nothing at all (`""`) is "missing"; typed only invisible things is told apart.
  if (name === '' && raw.trim() === '') return { ok: false, problem: MISSING };
  if (!hasVisibleCharacter(name)) return { ok: false, problem: INVISIBLE };
  if (name.length > ACCOUNT_NAME_MAX) return { ok: false, problem: TOO_LONG };
  return { ok: true, name };
}

/** As checkAccountName, throwing the problem as a UserError. */
export function accountName(raw: string): string {
  const checked = checkAccountName(raw);
  if (!checked.ok) throw new UserError(checked.problem);
  return checked.name;
}

/** Case-folded, accent-stripped, whitespace-collapsed form used for matching. */
export function foldName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function editDistance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/** 0 (unrelated) … 1 (same) similarity of two names. */
export function nameSimilarity(query: string, candidate: string): number {
  const q = foldName(query);
  const c = foldName(candidate);
  if (!q || !c) return 0;
  if (q === c) return 1;
  // The edit distance is at least the difference in length, so when one name is over
  // 2.5 times the other the edit score stays under the 0.4 closeMatches asks for:
  // skip the quadratic work (a pasted paragraph against every account name).
  const shorter = Math.min(q.length, c.length);
  const longer = Math.max(q.length, c.length);
  let score = shorter / longer < 0.4 ? 0 : 1 - editDistance(q, c) / longer;
  if (c.startsWith(q) || q.startsWith(c)) score = Math.max(score, 0.75);
  else if (c.includes(q)) score = Math.max(score, 0.6);
  const qWords = new Set(q.split(' '));
  const shared = c.split(' ').filter((w) => w.length > 1 && qWords.has(w)).length;
  if (shared > 0) score = Math.max(score, 0.5 + 0.1 * shared);
  return score;
}

/** Up to `limit` candidates that look like `query`, best first. */
export function closeMatches(query: string, candidates: string[], limit = 3): string[] {
  return candidates
    .map((name) => ({ name, score: nameSimilarity(query, name) }))
    .filter((m) => m.score >= 0.4)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((m) => m.name);
}
