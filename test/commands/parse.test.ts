// The shared tokenizer and value parsers: every expected value below is written out
// by hand (cents, token texts), never computed with the code under test.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { UserError } from '../../src/core/errors.js';
import {
  countSchema,
  enumSchema,
  isoDateSchema,
  joinWords,
  mentionSchema,
  moneySchema,
  parseCount,
  parseMention,
  parseMoney,
  parseShortId,
  readMoney,
  splitOptions,
  textSchema,
  tokenize,
  type Token,
} from '../../commands/parse.js';

const texts = (input: string) => tokenize(input).map((t) => t.text);

describe('tokenize: token texts', () => {
  const cases: [string, string, string[]][] = [
    ['plain words', 'checkin Acme call', ['checkin', 'Acme', 'call']],
    ['straight quotes group a name', 'checkin "Acme Corp" call', ['checkin', 'Acme Corp', 'call']],
    ['curly quotes group a name', 'checkin “Acme Corp” call', ['checkin', 'Acme Corp', 'call']],
    ['German low-high quotes', '„Acme Corp“ call', ['Acme Corp', 'call']],
    ['guillemets', '«Acme Corp» call', ['Acme Corp', 'call']],
    ['two right quotes (phone keyboards)', '”Acme Corp” call', ['Acme Corp', 'call']],
    ['unterminated quote is literal', '"Acme Corp call', ['"Acme', 'Corp', 'call']],
    ['unterminated curly quote is literal', '“Acme Corp', ['“Acme', 'Corp']],
    ['apostrophe inside a word', "O'Brien Consulting", ["O'Brien", 'Consulting']],
    ['single quotes do not group', "'Acme Corp'", ["'Acme", "Corp'"]],
    [
      'SQL-looking text is kept verbatim',
      'Robert"); DROP TABLE accounts;--',
      ['Robert");', 'DROP', 'TABLE', 'accounts;--'],
    ],
    ['quote in the middle of a word does not open', 'ab"cd ef"', ['ab"cd', 'ef"']],
    ['quote closes only before a space or the end', '"Acme"Corp x"', ['Acme"Corp x']],
    ['escaped quote inside quotes', '"say \\"hi\\" now" x', ['say "hi" now', 'x']],
    ['escaped closing quote leaves it unterminated', '"abc\\" def', ['"abc\\"', 'def']],
    ['empty quotes are an empty token', '"" x', ['', 'x']],
    ['umlauts and ampersand', '"Müller & Söhne" call', ['Müller & Söhne', 'call']],
    ['emoji name', '"🚀 Rocket Labs" qbr', ['🚀 Rocket Labs', 'qbr']],
    ['Japanese names', '日本語 "株式会社 テスト"', ['日本語', '株式会社 テスト']],
    ['tabs and newlines separate', 'a\tb\nc\r\nd', ['a', 'b', 'c', 'd']],
    ['no-break space separates', 'Acme\u00a0Corp', ['Acme', 'Corp']],
    ['no-break space inside quotes is a space', '"Acme\u00a0Corp"', ['Acme Corp']],
    ['leading and trailing space', '   a   b   ', ['a', 'b']],
    ['empty input', '', []],
    ['only space', ' \t\n ', []],
    ['Slack user mention', 'owner <@U123|ana>', ['owner', '<@U123|ana>']],
    ['Slack channel mention', 'link <#C1|ops>', ['link', '<#C1|ops>']],
    ['mention label with a space stays one token', '<@U123|ana maria> x', ['<@U123|ana maria>', 'x']],
    ['special mention', '<!here> hi', ['<!here>', 'hi']],
    ['a lone < is a word', 'a < b', ['a', '<', 'b']],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(texts(input)).toEqual(expected);
  });
});

describe('tokenize: quoted flag and key=value', () => {
  const cases: [string, string, Token[]][] = [
    ['quoted name', '"Acme Corp"', [{ text: 'Acme Corp', quoted: true, raw: '"Acme Corp"' }]],
    ['unquoted word', 'Acme', [{ text: 'Acme', quoted: false }]],
    ['key=value', 'arr=120k', [{ text: 'arr=120k', quoted: false, key: 'arr', value: '120k' }]],
    ['key is lower-cased, value is not', 'ARR=120K', [{ text: 'ARR=120K', quoted: false, key: 'arr', value: '120K' }]],
    [
      'key="quoted value"',
      'notes="went well, renewal likely" x',
      [
        { text: 'notes=went well, renewal likely', quoted: true, key: 'notes', value: 'went well, renewal likely', raw: 'notes="went well, renewal likely"' },
        { text: 'x', quoted: false },
      ],
    ],
    ['key=“curly value”', 'tier=“gold plus”', [{ text: 'tier=gold plus', quoted: true, key: 'tier', value: 'gold plus', raw: 'tier=“gold plus”' }]],
    ['missing value', 'arr=', [{ text: 'arr=', quoted: false, key: 'arr', value: '' }]],
    ['key="" is an empty value', 'name=""', [{ text: 'name=', quoted: true, key: 'name', value: '', raw: 'name=""' }]],
    [
      'unterminated quoted value is literal',
      'notes="abc def',
      [
        { text: 'notes="abc', quoted: false, key: 'notes', value: '"abc' },
        { text: 'def', quoted: false },
      ],
    ],
    ['value with = keeps the rest', 'a=b=c', [{ text: 'a=b=c', quoted: false, key: 'a', value: 'b=c' }]],
    ['= first is not a key', '=x', [{ text: '=x', quoted: false }]],
    ['digit-first is not a key', '1=2', [{ text: '1=2', quoted: false }]],
    ['URL is not a key', 'https://x.io/?a=b', [{ text: 'https://x.io/?a=b', quoted: false }]],
    [
      'mention as an option value',
      'owner=<@U1|ana>',
      [{ text: 'owner=<@U1|ana>', quoted: false, key: 'owner', value: '<@U1|ana>' }],
    ],
    [
      'mention with a spaced label as an option value',
      'owner=<@U1|ana maria> x',
      [
        { text: 'owner=<@U1|ana maria>', quoted: false, key: 'owner', value: '<@U1|ana maria>' },
        { text: 'x', quoted: false },
      ],
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(tokenize(input)).toEqual(expected);
  });
});

describe('splitOptions', () => {
  const known = ['arr', 'renewal', 'owner'] as const;
  const aliases = { renews: 'renewal', mrr: 'arr' };

  it('separates known options from words, keeping word order', () => {
    const split = splitOptions(tokenize('add "Acme Corp" arr=120k renewal=2027-03-31 extra'), known, aliases);
    expect(split.words.map((t) => t.text)).toEqual(['add', 'Acme Corp', 'extra']);
    expect(split.options).toEqual({ arr: '120k', renewal: '2027-03-31' });
    expect(split.unknown).toEqual([]);
  });

  it('maps aliases to their key', () => {
    expect(splitOptions(tokenize('x renews=2027-01-01 mrr=5k'), known, aliases).options).toEqual({
      renewal: '2027-01-01',
      arr: '5k',
    });
  });

  it('reports unknown keys and keeps them as words', () => {
    const split = splitOptions(tokenize('Acme note=hello stage=adopt'), known, aliases);
    expect(split.words.map((t) => t.text)).toEqual(['Acme', 'note=hello', 'stage=adopt']);
    expect(split.unknown.map((t) => t.key)).toEqual(['note', 'stage']);
    expect(split.options).toEqual({});
  });

  it('the last occurrence of a key wins, also through an alias', () => {
    expect(splitOptions(tokenize('arr=1k arr=2k'), known).options).toEqual({ arr: '2k' });
    expect(splitOptions(tokenize('arr=1k mrr=3k'), known, aliases).options).toEqual({ arr: '3k' });
  });

  it('a missing value is an empty string, not a dropped option', () => {
    expect(splitOptions(tokenize('arr= owner=@ana'), known).options).toEqual({ arr: '', owner: '@ana' });
  });

  it('keys are case-insensitive', () => {
    expect(splitOptions(tokenize('ARR=7k'), known).options).toEqual({ arr: '7k' });
  });

  it('joinWords puts a quoted name back together single-spaced', () => {
    expect(joinWords(splitOptions(tokenize('  "Acme  Corp"   EMEA arr=1k '), known).words)).toBe('Acme  Corp EMEA');
    expect(joinWords([])).toBe('');
  });
});

describe('parseMention', () => {
  const cases: [string, ReturnType<typeof parseMention>][] = [
    ['<@U123|ana>', { kind: 'user', id: 'U123', name: 'ana' }],
    ['<@U123>', { kind: 'user', id: 'U123' }],
    ['<@W0AB12|ana maria>', { kind: 'user', id: 'W0AB12', name: 'ana maria' }],
    ['<#C1|ops>', { kind: 'channel', id: 'C1', name: 'ops' }],
    ['<#C123>', { kind: 'channel', id: 'C123' }],
    ['<@U123|>', { kind: 'user', id: 'U123' }],
    ['  <@U123|ana>  ', { kind: 'user', id: 'U123', name: 'ana' }],
    ['@ana', { kind: 'name', name: 'ana' }],
    ['@ana.maria', { kind: 'name', name: 'ana.maria' }],
    ['@José', { kind: 'name', name: 'José' }],
    ['ana', null],
    ['@', null],
    ['@ana maria', null],
    ['<!here>', null],
    ['<@>', null],
    ['<@U1|a<b>', null],
    ['', null],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(parseMention(input)).toEqual(expected);
  });
});

describe('parseMoney → integer cents of the workspace currency', () => {
  const accepted: [string, string, number][] = [
    ['$120k', 'USD', 12_000_000],
    ['120k', 'USD', 12_000_000],
    ['120K', 'USD', 12_000_000],
    ['1.2m', 'USD', 120_000_000],
    ['$1.2M', 'USD', 120_000_000],
    ['120,000', 'USD', 12_000_000],
    ['1,234,567', 'USD', 123_456_700],
    ['€5000.50', 'EUR', 500_050],
    ['£99.9', 'GBP', 9_990],
    ['¥100', 'JPY', 10_000],
    ['0.5k', 'USD', 50_000],
    ['1.25k', 'USD', 125_000],
    ['1.2345k', 'USD', 123_450],
    ['120 usd', 'USD', 12_000],
    ['120USD', 'USD', 12_000],
    ['$ 120k', 'USD', 12_000_000],
    ['5 k', 'USD', 500_000],
    ['2.5m eur', 'EUR', 250_000_000],
    ['5 k usd', 'USD', 500_000],
    ['5\tk\u00a0eur', 'EUR', 500_000],
    ['$ 1,200 k', 'USD', 120_000_000],
    ['0', 'USD', 0],
    ['  42  ', 'USD', 4_200],
    ['0.01', 'USD', 1],
    ['1.' + '0'.repeat(400), 'USD', 100], // long fractions are exact, not a crash
    ['90071992547409.91', 'USD', 9_007_199_254_740_991], // the largest safe number of cents
  ];
  it.each(accepted)('%j in %s → %i', (input, currency, cents) => {
    expect(parseMoney(input, currency)).toBe(cents);
  });

  it('reads a mark of the workspace currency before or after the amount: a sign or the code', () => {
    const cases: [string, string, number][] = [
      ['5000.50 €', 'EUR', 500_050],
      ['US$120', 'USD', 12_000],
      ['EUR 90k', 'EUR', 9_000_000],
      // "$" is also the sign of the other dollars, and "CA$" of this one.
      ['$120k', 'CAD', 12_000_000],
      ['CA$120k', 'CAD', 12_000_000],
      ['5 mxn', 'MXN', 500], // a unit is not the start of a code
      ['CHF 1.2m', 'CHF', 120_000_000],
    ];
    for (const [input, currency, cents] of cases) expect(parseMoney(input, currency), `${input} in ${currency}`).toBe(cents);
  });

  it('rounds half-up to the cent (99.995 was stored as 99.99)', () => {
    const cases: [string, number][] = [
      ['99.995', 10_000],
      ['99.994', 9_999],
      ['1.239', 124],
      ['1.2345', 123],
      ['0.005', 1],
      ['0.0049', 0],
      ['1.000005k', 100_001], // 1,000.005
    ];
    for (const [input, cents] of cases) expect(parseMoney(input, 'USD'), input).toBe(cents);
  });

  const rejected = [
    '-5',
    '$-5',
    '1.2.3',
    'k',
    '$',
    '$ ',
    '',
    '12kk',
    '1,20',
    '12,0000',
    '.5',
    '5.',
    'abc',
    '120 dollars',
    '5 usd k', // the unit comes before the currency
    '5 k k',
    '1' + ' '.repeat(40_000) + 'x', // spaces without a unit or currency after them
    '1' + ' '.repeat(40_000) + 'k' + ' '.repeat(40_000) + 'x',
    '5e3',
    '0x10',
    '１２０', // full-width digits
    '90071992547409.92',
    '9999999999999999999999m',
    '9'.repeat(400),
  ];
  it.each(rejected)('rejects %j', (input) => {
    expect(parseMoney(input, 'USD')).toBeNull();
  });

  // Another currency's mark is refused, never converted (€90k used to be read as $90,000).
  const foreign: [string, string][] = [
    ['€90k', 'USD'],
    ['90k EUR', 'USD'],
    ['£99.9', 'USD'],
    ['¥100', 'USD'],
    ['$120k', 'EUR'],
    ['US$120', 'CAD'],
    ['120 usd', 'GBP'],
  ];
  it.each(foreign)('refuses %j in a %s workspace', (input, currency) => {
    expect(parseMoney(input, currency)).toBeNull();
  });

  it('says which currency the workspace counts in and how to write the amount', () => {
    expect(readMoney('€90k', 'USD')).toEqual({
      ok: false,
      problem:
        '"€90k" is in EUR, but this workspace counts in USD (US Dollar): write the amount in USD, e.g. 90k or $90k. Tenure never converts between currencies; an admin can switch the workspace to EUR with /tenure settings currency=EUR.',
    });
    expect(readMoney('$1.5m', 'EUR')).toEqual({
      ok: false,
      problem:
        '"$1.5m" is in USD, but this workspace counts in EUR (Euro): write the amount in EUR, e.g. 1.5m or €1.5m. Tenure never converts between currencies; an admin can switch the workspace to USD with /tenure settings currency=USD.',
    });
    // A sign several currencies share names none of them.
    expect(readMoney('90k kr', 'EUR')).toEqual({
      ok: false,
      problem: '"90k kr" is in kr, but this workspace counts in EUR (Euro): write the amount in EUR, e.g. 90k or €90k. Tenure never converts between currencies.',
    });
  });
});

describe('values too long to read are refused before any pattern reads them', () => {
  it('splitOptions names the option, its length and the limit', () => {
    const long = '1' + ' '.repeat(30_000) + 'x';
    expect(() => splitOptions(tokenize(`Acme arr="${long}"`), ['arr'])).toThrow(
      new UserError('The value of arr= is 30,002 characters long; an option takes at most 200.'),
    );
    // The key as the person typed it, also through an alias.
    expect(() => splitOptions(tokenize(`Acme mrr="${'9'.repeat(201)}"`), ['arr'], { mrr: 'arr' })).toThrow(
      'The value of mrr= is 201 characters long; an option takes at most 200.',
    );
    expect(splitOptions(tokenize(`Acme arr=${'9'.repeat(200)}`), ['arr']).options.arr).toHaveLength(200);
  });

  it('an unknown key=value is part of the text, not an option, and is not limited here', () => {
    const note = `note=${'x'.repeat(1_000)}`;
    expect(splitOptions(tokenize(`Acme ${note}`), ['arr']).words.map((t) => t.text)).toEqual(['Acme', note]);
  });

  it('the value schemas (also used by forms) say how long the value was and the limit', () => {
    const long = '1' + ' '.repeat(30_000) + 'x';
    expect(errorOf(moneySchema('USD'), long)).toBe('the amount is 30,002 characters long; at most 100 are allowed');
    expect(errorOf(countSchema, long)).toBe('the number is 30,002 characters long; at most 100 are allowed');
    expect(errorOf(isoDateSchema, long)).toBe('the date is 30,002 characters long; at most 100 are allowed');
    expect(errorOf(mentionSchema, '@' + 'a'.repeat(200))).toBe('the person is 201 characters long; at most 100 are allowed');
    expect(errorOf(enumSchema(['low', 'high'] as const, 'level'), 'l'.repeat(101))).toBe('the level is 101 characters long; at most 100 are allowed');
    expect(moneySchema('USD').parse(' '.repeat(96) + '$12k')).toBe(1_200_000);
  });
});

describe('parseCount', () => {
  const cases: [string, number | null][] = [
    ['0', 0],
    ['100', 100],
    ['1,200', 1_200],
    [' 72 ', 72],
    ['100000000', 100_000_000],
    ['100000001', null],
    ['-1', null],
    ['1.5', null],
    ['1,20', null],
    ['10k', null],
    ['', null],
    ['abc', null],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(parseCount(input)).toBe(expected);
  });
});

describe('parseShortId', () => {
  const cases: [string, number | null][] = [
    ['42', 42],
    ['#42', 42],
    [' #7 ', 7],
    ['#0042', 42],
    ['4x', null],
    ['#', null],
    ['##42', null],
    ['# 42', null],
    ['-3', null],
    ['1234567890', null],
    ['', null],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(parseShortId(input)).toBe(expected);
  });
});

/** The single error message a schema gives for an input (fails the test if it parses). */
function errorOf(schema: z.ZodTypeAny, input: unknown): string {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  expect(result.error.issues).toHaveLength(1);
  return result.error.issues[0]!.message;
}

describe('zod schemas tell the user what to type', () => {
  it('moneySchema', () => {
    expect(moneySchema('USD').parse('$120k')).toBe(12_000_000);
    expect(errorOf(moneySchema('USD'), 'lots')).toBe('"lots" is not an amount; write it like 120000, $120k or 1.2m');
    // The example is written in the workspace's currency.
    expect(errorOf(moneySchema('EUR'), 'lots')).toBe('"lots" is not an amount; write it like 120000, €120k or 1.2m');
    expect(errorOf(moneySchema('USD'), '€90k')).toMatch(/^"€90k" is in EUR, but this workspace counts in USD/);
  });

  it('isoDateSchema', () => {
    expect(isoDateSchema.parse('2027-03-31')).toBe('2027-03-31');
    expect(errorOf(isoDateSchema, '31/03/2027')).toBe('"31/03/2027" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31');
    expect(errorOf(isoDateSchema, '2027-02-29')).toBe('"2027-02-29" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31');
  });

  it('countSchema', () => {
    expect(countSchema.parse('1,200')).toBe(1_200);
    expect(errorOf(countSchema, 'ten')).toBe('"ten" is not a whole number; write it like 100 or 1,200');
  });

  it('enumSchema folds case and lists the choices', () => {
    const severity = enumSchema(['critical', 'major', 'minor', 'cosmetic'] as const, 'severity');
    expect(severity.parse(' MAJOR ')).toBe('major');
    expect(errorOf(severity, 'urgent')).toBe('"urgent" is not a severity; use one of critical, major, minor, cosmetic');
  });

  it('mentionSchema takes people, not channels', () => {
    expect(mentionSchema.parse('<@U1|ana>')).toEqual({ kind: 'user', id: 'U1', name: 'ana' });
    expect(mentionSchema.parse('@ana')).toEqual({ kind: 'name', name: 'ana' });
    expect(errorOf(mentionSchema, '<#C1|ops>')).toBe('"<#C1|ops>" is not a person; mention them like @ana');
    expect(errorOf(mentionSchema, 'ana')).toBe('"ana" is not a person; mention them like @ana');
  });

  it('textSchema strips control characters, trims, and names what is missing or too long', () => {
    const name = textSchema('account name', 10);
    expect(name.parse('  Acme\u0007 Corp ')).toBe('Acme Corp');
    expect(name.parse('Müller\tAG')).toBe('Müller\tAG');
    expect(errorOf(name, '   ')).toBe('the account name is missing');
    expect(errorOf(name, '\u0000\u0001')).toBe('the account name is missing');
    expect(errorOf(name, 'Acme Corporation')).toBe('the account name is 16 characters long; an account name takes at most 10');
  });
});
