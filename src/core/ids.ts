// The shape of a row id. Every table's id is a PostgreSQL uuid (db/schema.ts); an id
// that comes back from a button, a command line or a CLI flag is checked against this
// before it reaches a query, since text that is not a uuid makes `= $1::uuid` a
// database error instead of "no such row".

/** A uuid as PostgreSQL writes it (8-4-4-4-12 hex digits), in either case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);
