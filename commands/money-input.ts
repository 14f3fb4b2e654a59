// Amounts as people write them — `$120k`, `1.2m`, `120,000`, `€5000.50`, `90k EUR` —
// read in the workspace's currency. A mark of another currency is refused with a
// sentence naming this workspace's currency, never converted: an amount in euros
// counted as dollars would be wrong by the exchange rate, silently.
import { currencyName, currencyOfMark, currencySymbol } from '../src/core/money.js';

// A currency mark is a sign with up to three letters before it ("$", "US$", "CA$", "€")
// or two or three letters ("EUR", "usd", "kr"); which currency it names is looked up
// (src/core/money.ts), so an unknown word is not an amount. The spaces after the unit
// are part of the unit's group, so the pattern stays linear: two optional runs of
// spaces side by side (\s*[kKmM]?\s*) can split the same spaces in every possible
// way, quadratic in their number. A unit is not followed by a letter, so "5 mxn"
// reads as 5 MXN, not 5 million "xn".
const MONEY = /^(\p{L}{0,3}\p{Sc}|\p{L}{2,3})?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(?:([kKmM])(?!\p{L})\s*)?(\p{L}{2,3}|\p{L}{0,3}\p{Sc})?$/u;

export type MoneyReading = { ok: true; cents: number } | { ok: false; problem: string };

/** How to write an amount in this currency: "$120k", "€120k", "CHF 120k". */
export function moneyExample(currency: string, amount = '120k'): string {
  const sign = currencySymbol(currency);
  return /\p{L}$/u.test(sign) ? `${sign} ${amount}` : `${sign}${amount}`;
}

function notAnAmount(value: string, currency: string): MoneyReading {
  return { ok: false, problem: `"${value}" is not an amount; write it like 120000, ${moneyExample(currency)} or 1.2m` };
}

/**
 * An amount in integer cents of the workspace's `currency`, rounded half-up to the
 * cent (99.995 → 100.00), or why it cannot be read: not an amount, or written in
 * another currency.
 */
export function readMoney(value: string, currency: string): MoneyReading {
  const m = MONEY.exec(value.trim());
  if (!m) return notAnAmount(value.trim(), currency);
  for (const mark of [m[1], m[5]]) {
    if (mark === undefined) continue;
    const named = currencyOfMark(mark, currency);
    if (named.kind === 'unknown') return notAnAmount(value.trim(), currency);
    if (named.kind === 'foreign') {
      const figure = `${m[2]}${m[3] !== undefined ? `.${m[3]}` : ''}${m[4] ?? ''}`;
      const theirs = named.code ?? mark;
      return {
        ok: false,
        problem:
          `"${value.trim()}" is in ${theirs}, but this workspace counts in ${currency} (${currencyName(currency)}): ` +
          `write the amount in ${currency}, e.g. ${figure} or ${moneyExample(currency, figure)}. Tenure never converts between currencies` +
          (named.code ? `; an admin can switch the workspace to ${named.code} with /tenure settings currency=${named.code}` : '') +
          '.',
      };
    }
  }
  const whole = m[2]!.replace(/,/g, '');
  const fraction = m[3] ?? '';
  const multiplier = m[4] ? (m[4].toLowerCase() === 'k' ? 1_000n : 1_000_000n) : 1n;
  // Work in integers: "1.25" with k → 1250 → cents, no float drift. The scale stays
  // a BigInt: 10 ** n as a number is inexact past 22 digits and Infinity past 308,
  // which BigInt() would throw on. Half a cent and more rounds up: (2x + 1) / 2, floored.
  const scale = 10n ** BigInt(fraction.length);
  const units = BigInt(whole) * scale + BigInt(fraction || '0');
  const cents = (units * multiplier * 200n + scale) / (2n * scale);
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) return notAnAmount(value.trim(), currency);
  return { ok: true, cents: Number(cents) };
}

/** `$120k`, `1.2m`, `120,000` → integer cents of `currency`; null when it is not an amount in it. */
export function parseMoney(value: string, currency: string): number | null {
  const read = readMoney(value, currency);
  return read.ok ? read.cents : null;
}
