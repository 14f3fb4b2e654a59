// Finding an account by part of its name: a person types `acme` for "Acme Corp" or
// `corp` for it. The start of any word of the name counts (so the start of the name
// too); a part that fits one account finds it, one that fits several is answered with
// them to choose from. Archived accounts are found only by their whole name. The rule
// is one SQL predicate, used both here and where /checkin finds its account inside
// its write (core/checkins.ts), so both find the same account.
import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts } from '../../db/schema.js';
import { UserError } from './errors.js';
import { cleanName } from './names.js';

/** The shortest part of a name that is looked for: one letter would fit half the portfolio. */
export const PART_MIN_CHARS = 2;

/** True when `typed` is the start of a word of the name in `nameColumn` (both compared in lower case). */
export function namePartMatches(nameColumn: SQL, typed: SQL): SQL {
  return sql`(length(${typed}) >= ${sql.raw(String(PART_MIN_CHARS))} and strpos(' ' || lower(${nameColumn}), ' ' || lower(${typed})) > 0)`;
}

/** How many candidates an ambiguous part lists. */
const LISTED = 5;

/**
 * The one live account whose name `typed` is part of, undefined when none is, or a
 * UserError naming the candidates when several are.
 */
export async function accountByPartOfName(db: Db, workspaceId: string, typed: string): Promise<typeof accounts.$inferSelect | undefined> {
  const part = cleanName(typed);
  const found = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), isNull(accounts.archivedAt), namePartMatches(sql`${accounts.name}`, sql`${part}::text`)))
    .orderBy(asc(accounts.name))
    .limit(LISTED + 1);
  if (found.length <= 1) return found[0];
  const names = found.slice(0, LISTED).map((a) => `"${a.name}"`);
  const more = found.length > LISTED ? ', …' : '';
  throw new UserError(`"${part}" fits more than one account: ${names.join(', ')}${more}.`, { hint: 'Type more of the name, or the whole name in quotes.' });
}
