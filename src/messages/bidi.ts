// Keeps bidirectional controls in user text (a note, a ticket title, a reason) from
// reordering the rest of our line. Notes are stored verbatim; this runs when a
// message is built (builders.ts), so only what is shown changes.
//
// Why drop what is left open instead of wrapping user text in FSI…PDI isolates: a
// message's text is one string by the time it reaches the builders, with the user's
// words already inside our sentence, and a wrap would need every command and job
// that quotes a note to mark it. What can be known here is enough: our own words
// hold no bidi controls, so an embedding, override or isolate opened in a line and
// not closed in it can only be the user's, and would run on over our words to the
// end of the line. Dropping it (and any closer that closes nothing, which could
// close an isolate of the reader's) leaves every paragraph balanced; controls the
// user did close shape only their own text and stay. Nothing is added, so no
// isolate characters reach a copy, a log or an export.

const EMBEDDINGS = new Set(['\u202a', '\u202b', '\u202d', '\u202e']); // LRE, RLE, LRO, RLO
const ISOLATES = new Set(['\u2066', '\u2067', '\u2068']); // LRI, RLI, FSI
const PDF = '\u202c';
const PDI = '\u2069';
const ANY_FORMATTING = /[\u202a-\u202e\u2066-\u2069]/;
// Where the bidi algorithm starts a new paragraph (its type B): nothing opened before one reaches past it.
const PARAGRAPH_BREAK = /(\r\n|[\n\r\u001c-\u001e\u0085\u2029])/;

/** One paragraph with its unclosed openers and unmatched closers removed, matched as UAX #9 rules X6a/X7 do. */
function containParagraph(paragraph: string): string {
  const open: { at: number; isolate: boolean }[] = [];
  const drop = new Set<number>();
  for (let i = 0; i < paragraph.length; i++) {
    const ch = paragraph[i]!;
    if (EMBEDDINGS.has(ch)) open.push({ at: i, isolate: false });
    else if (ISOLATES.has(ch)) open.push({ at: i, isolate: true });
    else if (ch === PDF) {
      // A PDF closes the innermost embedding, never past an isolate.
      if (open.length > 0 && !open[open.length - 1]!.isolate) open.pop();
      else drop.add(i);
    } else if (ch === PDI) {
      // A PDI closes the innermost isolate and whatever was opened inside it.
      let k = open.length - 1;
      while (k >= 0 && !open[k]!.isolate) k--;
      if (k >= 0) open.length = k;
      else drop.add(i);
    }
  }
  for (const o of open) drop.add(o.at);
  if (drop.size === 0) return paragraph;
  let out = '';
  for (let i = 0; i < paragraph.length; i++) if (!drop.has(i)) out += paragraph[i];
  return out;
}

/** Text whose every paragraph closes what it opens: user text can reorder only itself. */
export function containBidi(value: string): string {
  if (!ANY_FORMATTING.test(value)) return value;
  return value
    .split(PARAGRAPH_BREAK)
    .map((piece, i) => (i % 2 === 1 ? piece : containParagraph(piece)))
    .join('');
}
