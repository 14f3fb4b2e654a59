// Spreadsheet formula injection, both ways. Excel, LibreOffice and Google Sheets
// evaluate a CSV cell that begins with = + - @ (and, by some, one that begins with a
// tab or carriage return), so an account name, a check-in note or a customer's survey
// reason such as `=HYPERLINK(…)` or `+cmd|' /C calc'!A0` would run when a member
// opens an export. Every CSV writer passes its cells through `neutraliseCell` (OWASP's
// advice: a leading apostrophe makes the cell text) and every CSV reader through
// `restoreCell`, so export → import gives back exactly the text that was stored.

export type CsvCell = string | number | null;

/** Text a spreadsheet would evaluate, or that a reader would take for neutralised text. */
const DANGEROUS = /^'*[=+\-@\t\r]/;
/** What `neutraliseCell` writes: apostrophes, then a character a spreadsheet would evaluate. */
const NEUTRALISED = /^'+[=+\-@\t\r]/;
/**
 * A plain negative number ("-20", "-1200.50": an NPS, a credit) is left alone: a
 * spreadsheet reads it as the number it is, which it can sum, and it cannot call
 * anything. Strict on purpose: one sign, digits, at most one fraction; "-1e5",
 * "-2+3" or "-20 seats" are neutralised. Each part matches a distinct character
 * class, so the pattern runs in linear time (no ReDoS).
 */
const PLAIN_NEGATIVE_NUMBER = /^-\d+(?:\.\d+)?$/;

/**
 * The cell as it may be written to a CSV file. Text that a spreadsheet would
 * evaluate gets a leading apostrophe; so does text that already starts with
 * apostrophes before such a character, so `restoreCell` can tell the two apart and
 * the pair is exact for every string. Numbers from the database are written as they
 * are: their text is digits with at most a sign and a point, never a formula.
 */
export function neutraliseCell(cell: CsvCell): CsvCell {
  if (typeof cell !== 'string' || !DANGEROUS.test(cell) || PLAIN_NEGATIVE_NUMBER.test(cell)) return cell;
  return `'${cell}`;
}

/**
 * A cell read from a CSV file, with the one apostrophe `neutraliseCell` (or a person
 * following the same convention in a spreadsheet) put before a formula character
 * taken off. An apostrophe before anything else is the text's own and stays.
 */
export function restoreCell(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}
