// The account-name normaliser: what is removed from a name, what counts as visible,
// and the one sentence each refused name gets. Hand-written table of inputs.
import { describe, expect, it } from 'vitest';
import { ACCOUNT_NAME_MAX, accountName, checkAccountName, cleanName, closeMatches, editDistance, hasVisibleCharacter, nameSimilarity } from '../../src/core/names.js';
import { UserError } from '../../src/core/errors.js';

const MISSING = 'The account name is missing.';
const INVISIBLE =
  'The account name has nothing visible in it, only spaces or invisible characters: type it as people should read it, with letters or digits, e.g. "Acme Corp".';

describe('cleanName', () => {
  it.each([
    ['  Acme Corp  ', 'Acme Corp'],
    // C0 controls (NUL, BEL, ESC) and C1 controls go; line breaks and tabs become spaces so words stay apart.
    ['Acme\u0000\u0007\u001b Corp\u0090', 'Acme Corp'],
    ['Acme\nCorp', 'Acme Corp'],
    ['Acme\tCorp\r\n', 'Acme Corp'],
    ['Acme\u0085Corp\u2028Ltd\u2029', 'Acme Corp Ltd'],
    // Every bidirectional control: embeddings, overrides, isolates, marks.
    ['\u202aA\u202bc\u202cm\u202de\u202e Corp', 'Acme Corp'],
    ['\u2066Ac\u2067me\u2068 Co\u2069rp', 'Acme Corp'],
    ['\u200eAcme\u200f Corp\u061c', 'Acme Corp'],
    // Spacers with no role in any script (they only make look-alike duplicates).
    ['Ac\u200bme\u2060 Corp\ufeff', 'Acme Corp'],
    // Kept: letters of every script, joiners that shape scripts and emoji, accents.
    ['Müller & Söhne', 'Müller & Söhne'],
    ['שלום בע"מ', 'שלום בע"מ'],
    ['می\u200cخواهم', 'می\u200cخواهم'],
    ['👩\u200d💻 Devs', '👩\u200d💻 Devs'],
    ['', ''],
    ['\u0000\u202e', ''],
  ])('%j → %j', (raw, clean) => {
    expect(cleanName(raw)).toBe(clean);
  });
});

describe('hasVisibleCharacter', () => {
  it.each([
    ['a', true],
    ['7', true],
    ['€', true],
    ['-', true],
    ['😀', true],
    ['', false],
    ['   ', false],
    ['\u00a0\u3000', false],
    // Format and default-ignorable characters draw nothing.
    ['\u200b\ufeff\u2060', false],
    ['\u00ad', false],
    ['\u200d\u200c', false],
    ['\u034f\ufe0f', false],
    // Fillers and blanks that look like a space but are letters or symbols.
    ['\u3164', false],
    ['\u115f\u1160\uffa0', false],
    ['\u2800', false],
    // A combining accent with nothing to sit on.
    ['\u0301', false],
  ])('%j → %s', (value, visible) => {
    expect(hasVisibleCharacter(value)).toBe(visible);
  });
});

describe('checkAccountName', () => {
  it('accepts a name and returns it cleaned', () => {
    expect(checkAccountName('  Acme\u202e Corp ')).toEqual({ ok: true, name: 'Acme Corp' });
    expect(checkAccountName('x'.repeat(ACCOUNT_NAME_MAX))).toEqual({ ok: true, name: 'x'.repeat(ACCOUNT_NAME_MAX) });
  });

  it.each([
    ['', MISSING],
    ['   ', MISSING],
    ['\u0000\u202e', INVISIBLE],
    ['\u202e', INVISIBLE],
    ['\u200b', INVISIBLE],
    ['\ufeff \u200b', INVISIBLE],
    ['\u3164', INVISIBLE],
    ['\u2066\u2069\u00ad', INVISIBLE],
    ['x'.repeat(ACCOUNT_NAME_MAX + 1), `The account name is too long: at most ${ACCOUNT_NAME_MAX} characters.`],
  ])('refuses %j', (raw, problem) => {
    expect(checkAccountName(raw)).toEqual({ ok: false, problem });
  });

  it('accountName throws the same sentence as a UserError', () => {
    expect(accountName(' Globex\u0000 ')).toBe('Globex');
    expect(() => accountName('\u0000\u202e')).toThrow(new UserError(INVISIBLE));
    expect(() => accountName('\u0000\u202e')).toThrow(UserError);
  });
});

describe('close names for a very long query', () => {
  it('skips the edit distance only where it could not reach the match threshold, and finds prefixes and shared words still', () => {
    const long = `Acme ${'x'.repeat(3_000)}`;
    // 'Acme' is a prefix of the query: found without the 3,000 × 4 edit distance mattering.
    expect(closeMatches(long, ['Acme', 'Globex'])).toEqual(['Acme']);
    expect(closeMatches('x'.repeat(3_000), ['Acme', 'Globex'])).toEqual([]);
    // Where lengths are close, the edit score is what it always was.
    expect(nameSimilarity('Initec', 'Initech')).toBeCloseTo(1 - editDistance('initec', 'initech') / 7, 10);
    expect(closeMatches('Initec', ['Initech', 'Globex'])).toEqual(['Initech']);
  });
});
