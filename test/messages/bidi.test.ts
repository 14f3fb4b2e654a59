// Bidirectional controls in user text (a note, a ticket title) must not reorder the
// rest of our line. The same message goes through every renderer: the line after
// the user's text reads left to right in each of them.
import { describe, expect, it } from 'vitest';
import { containBidi } from '../../src/messages/bidi.js';
import { button, context, field, fields, header, message, notice, text, actions } from '../../src/messages/builders.js';
import { renderPlain } from '../../src/messages/plain.js';
import { renderHtml } from '../../src/platforms/console/render.js';
import { toSlackMessage } from '../../src/platforms/slack/blocks.js';
import { toAdaptiveCard } from '../../src/platforms/teams/cards.js';

const LRE = '\u202a';
const RLE = '\u202b';
const PDF = '\u202c';
const LRO = '\u202d';
const RLO = '\u202e';
const LRI = '\u2066';
const RLI = '\u2067';
const FSI = '\u2068';
const PDI = '\u2069';
const RLM = '\u200f';
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

/** The bidi formatting characters of a string, in order, as names: what a reader's bidi algorithm acts on. */
function controls(value: string): string[] {
  const names: Record<string, string> = { [LRE]: 'LRE', [RLE]: 'RLE', [PDF]: 'PDF', [LRO]: 'LRO', [RLO]: 'RLO', [LRI]: 'LRI', [RLI]: 'RLI', [FSI]: 'FSI', [PDI]: 'PDI' };
  return [...value.matchAll(BIDI)].map((m) => names[m[0]]!);
}

/**
 * True when every embedding, override and isolate opened in each paragraph is closed
 * in it, by the rules of the Unicode Bidirectional Algorithm (X6a/X7): a PDI closes its
 * isolate and anything opened inside it; a PDF cannot close past an isolate.
 */
function balanced(value: string): boolean {
  return value.split(/[\n\r\u001c-\u001e\u0085\u2029]/).every((paragraph) => {
    const stack: ('embed' | 'isolate')[] = [];
    for (const ch of paragraph) {
      if ('\u202a\u202b\u202d\u202e'.includes(ch)) stack.push('embed');
      else if ('\u2066\u2067\u2068'.includes(ch)) stack.push('isolate');
      else if (ch === PDF && stack.at(-1) === 'embed') stack.pop();
      else if (ch === PDI && stack.includes('isolate')) stack.length = stack.lastIndexOf('isolate');
      else if (ch === PDF || ch === PDI) return false; // a closer that closes nothing (or, for PDI, could close ours)
    }
    return stack.length === 0;
  });
}

describe('containBidi', () => {
  it('leaves text without bidi controls as it is (the same string)', () => {
    const value = 'Opened #1 for Acme — critical: “VPN down” · שלום';
    expect(containBidi(value)).toBe(value);
  });

  it.each([
    // An override left open would reverse everything after it on the line.
    [`Ticket “${RLO}gnp.exe” is due Mon`, 'Ticket “gnp.exe” is due Mon'],
    [`Note: ${RLE}abc — due Mon`, 'Note: abc — due Mon'],
    [`Note: ${LRI}abc — due Mon`, 'Note: abc — due Mon'],
    // A closer that closes nothing of the user's could close an isolate of ours.
    [`“a${PDI}${RLO}b” due`, '“ab” due'],
    [`“a${PDF}b” due`, '“ab” due'],
    // Nested and interleaved: what is closed stays, what is not goes.
    [`x ${RLI}a ${RLO}b${PDI} c ${RLE}d`, `x ${RLI}a ${RLO}b${PDI} c d`],
    [`x ${LRI}a ${RLI}b${PDI} c`, `x a ${RLI}b${PDI} c`],
    [`x ${RLE}a ${FSI}b${PDF}${PDI} c${PDF}`, `x ${RLE}a ${FSI}b${PDI} c${PDF}`],
  ])('%j → %j', (input, output) => {
    expect(containBidi(input)).toBe(output);
    expect(balanced(containBidi(input))).toBe(true);
  });

  it('keeps balanced controls and marks: they only shape the user text itself', () => {
    const value = `Met ${RLI}שלום עולם${PDI} and ${LRO}abc${PDF}${RLM} · due Mon`;
    expect(containBidi(value)).toBe(value);
  });

  it('balances each line and paragraph on its own: nothing opened on one line is closed on the next', () => {
    expect(containBidi(`a ${RLO}b\n${PDF} c`)).toBe('a b\n c');
    expect(containBidi(`a ${RLI}b\u2029${PDI} c`)).toBe('a b\u2029 c');
    expect(containBidi(`a ${RLI}b\r\n${PDI} c`)).toBe('a b\r\n c');
    expect(containBidi(`${RLO}one${PDF}\n${RLO}two${PDF}`)).toBe(`${RLO}one${PDF}\n${RLO}two${PDF}`);
  });

  it('matches deep nesting like the bidi algorithm (beyond its depth limit too)', () => {
    const deep = `${RLI.repeat(200)}x${PDI.repeat(200)} due`;
    expect(containBidi(deep)).toBe(deep);
    expect(containBidi(`${RLI.repeat(200)}x${PDI.repeat(199)} due`)).toBe(`${RLI.repeat(199)}x${PDI.repeat(199)} due`);
  });

  it('is balanced whatever the input (every mix of controls and text, up to four characters)', () => {
    const alphabet = [LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, 'a', '\n'];
    let inputs = [''];
    for (let length = 1; length <= 4; length++) {
      inputs = inputs.flatMap((s) => alphabet.map((c) => s + c));
      for (const input of inputs) {
        const out = containBidi(input);
        expect(balanced(out), JSON.stringify(input)).toBe(true);
        // Only controls are ever removed, never text.
        expect(out.replace(BIDI, ''), JSON.stringify(input)).toBe(input.replace(BIDI, ''));
      }
    }
  });
});

describe('user text with bidi controls, through every renderer', () => {
  // What a command builds: our words around a note someone typed with an unbalanced RLO.
  const note = `Backups ${RLO}gnp.exe`;
  const built = message(`Logged a call with Acme: ${note}`, [
    header(`#7 · ${note}`),
    text(`📞 Logged a call with **Acme** — “${note}” — next touch Mon 30 Nov`),
    text(`> ${note}\n> second line ${LRI}still open`),
    context(`${RLE}Sentiment neutral · by @ana`),
    fields([field(`Title ${RLO}`, `${note} (open)`)]),
    actions([button('ticket.ack', `Acknowledge ${RLO}#7`, 'id-7')]),
  ]);

  it('the builders keep the words and drop only the controls that were left open', () => {
    const all = JSON.stringify(built);
    expect(controls(all)).toEqual([]);
    expect(built.text).toBe('Logged a call with Acme: Backups gnp.exe');
    expect(renderPlain(built)).toBe(
      [
        '#7 · Backups gnp.exe',
        '📞 Logged a call with Acme — “Backups gnp.exe” — next touch Mon 30 Nov',
        '> Backups gnp.exe\n> second line still open',
        'Sentiment neutral · by @ana',
        'Title : Backups gnp.exe (open)',
        '[Acknowledge #7]',
      ].join('\n'),
    );
    expect(notice(`Nothing changed on ${RLO}Acme`).text).toBe('Nothing changed on Acme');
  });

  it('Slack, Teams and the console carry no open control, and the words after the note', () => {
    const slack = JSON.stringify(toSlackMessage(built));
    const teams = JSON.stringify(toAdaptiveCard(built));
    const html = renderHtml(built);
    for (const [name, rendered] of [['slack', slack], ['teams', teams], ['console', html]] as const) {
      expect(controls(rendered), name).toEqual([]);
      expect(rendered, name).toContain('next touch Mon 30 Nov');
      expect(rendered, name).toContain('gnp.exe');
    }
  });

  it('a balanced isolate in a note reaches every renderer unchanged', () => {
    const m = message('x', [text(`Note: ${RLI}שלום${PDI} — due Mon`)]);
    expect(controls(JSON.stringify(toSlackMessage(m)))).toEqual(['RLI', 'PDI']);
    expect(controls(JSON.stringify(toAdaptiveCard(m)))).toEqual(['RLI', 'PDI']);
    expect(controls(renderHtml(m))).toEqual(['RLI', 'PDI']);
  });
});
