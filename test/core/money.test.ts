// Amounts as people read them, in the workspace's currency: every expected text is
// written out by hand.
import { describe, expect, it } from 'vitest';
import { currencyOfMark, formatMoney, formatMoneyShort, isSupportedCurrency } from '../../src/core/money.js';

describe('formatMoney: Intl currency formatting in the workspace currency', () => {
  const cases: [number, string, string][] = [
    [12_000_000, 'USD', '$120,000'],
    [9_950, 'USD', '$99.50'],
    [10_000, 'USD', '$100'],
    [9_000_000, 'EUR', '€90,000'],
    [12_345, 'GBP', '£123.45'],
    [10_000, 'JPY', '¥100'],
    // The yen has no minor unit: hundredths stored from "¥100.5" are shown rounded.
    [10_050, 'JPY', '¥101'],
    [12_000_000, 'CHF', 'CHF\u00a0120,000'], // Intl keeps the code and the figure together
  ];
  it('writes whole amounts without cents, others with the currency\'s own digits', () => {
    for (const [cents, currency, shown] of cases) expect(formatMoney(cents, currency), `${cents} ${currency}`).toBe(shown);
  });
});

describe('formatMoneyShort: "$120k", "$1.2m", "€90k"', () => {
  const cases: [number, string, string][] = [
    [12_000_000, 'USD', '$120k'],
    [120_000_000, 'USD', '$1.2m'],
    [100_000_000, 'USD', '$1m'],
    // Rounds to the next unit rather than writing "$1000k".
    [99_999_999, 'USD', '$1m'],
    [99_995_000, 'USD', '$1m'],
    [9_999_999, 'USD', '$100k'],
    [12_345_600, 'USD', '$123k'],
    [1_234_500, 'USD', '$12.3k'],
    [9_000_000, 'EUR', '€90k'],
    [150_000_000, 'GBP', '£1.5m'],
    [12_000_000, 'CHF', 'CHF\u00a0120k'],
    [250_000_000_000, 'USD', '$2.5b'],
    // Under a thousand the amount is written out.
    [99_999, 'USD', '$999.99'],
    [50_000, 'EUR', '€500'],
  ];
  it('rounds into the next unit, in the workspace currency', () => {
    for (const [cents, currency, shown] of cases) expect(formatMoneyShort(cents, currency), `${cents} ${currency}`).toBe(shown);
  });
});

describe('currencies', () => {
  it('knows the ISO 4217 codes Intl supports', () => {
    for (const code of ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'SEK', 'AUD']) expect(isSupportedCurrency(code)).toBe(true);
    for (const code of ['usd', 'XYZ', 'EURO', '', 'DOLLAR']) expect(isSupportedCurrency(code)).toBe(false);
  });

  it('tells which currency a mark names', () => {
    expect(currencyOfMark('$', 'USD')).toEqual({ kind: 'ours' });
    expect(currencyOfMark('$', 'AUD')).toEqual({ kind: 'ours' });
    expect(currencyOfMark('eur', 'EUR')).toEqual({ kind: 'ours' });
    expect(currencyOfMark('€', 'USD')).toEqual({ kind: 'foreign', code: 'EUR' });
    expect(currencyOfMark('$', 'EUR')).toEqual({ kind: 'foreign', code: 'USD' });
    expect(currencyOfMark('kr', 'USD')).toEqual({ kind: 'foreign', code: null });
    expect(currencyOfMark('kr', 'SEK')).toEqual({ kind: 'ours' });
    expect(currencyOfMark('xyz', 'USD')).toEqual({ kind: 'unknown' });
  });
});
