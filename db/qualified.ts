// An outer query's column named with its table, for hand-written subqueries.
// Drizzle renders `${surveys.id}` in a select list of a one-table query as a bare
// "id", which inside `(select … from survey_responses r where r.survey_id = "id")`
// binds to the subquery's own table (survey_responses.id), not the outer one: every
// survey then counted 0 answers. test/db/qualified-columns.test.ts finds any subquery
// that embeds a table's column without this.
import { getTableName, sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** `"table"."column"` wherever the fragment is rendered (select list, where, order by). */
export function qualified(column: AnyColumn): SQL {
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}
