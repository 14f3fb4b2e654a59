// Money is stored as integer cents (hundredths of the workspace's currency); this
// formats it for people, in the workspace's currency, and knows which currency a
// written amount names ("€", "US$", "eur"), so that an amount in another currency
// can be refused rather than silently counted as this one (nothing is converted).

/** Every amount is written the way US English writes it ("€90,000", "CHF 1.2m"), whatever the currency. */
const LOCALE = 'en-US';

const formatters = new Map<string, Intl.NumberFormat>();
function formatter(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(LOCALE, options)));
  return f;
}

/** The ISO 4217 codes this runtime's Intl formats (Intl.supportedValuesOf), upper case. */
let supported: Set<string> | undefined;
function supportedCurrencies(): Set<string> {
  return (supported ??= new Set(Intl.supportedValuesOf('currency')));
}

/** True for a currency code Intl can format, e.g. "EUR" (upper case, as stored). */
export function isSupportedCurrency(code: string): boolean {
  return supportedCurrencies().has(code);
}

/** "Euro", "US Dollar": for sentences about a currency. */
export function currencyName(code: string): string {
  return new Intl.DisplayNames(LOCALE, { type: 'currency' }).of(code) ?? code;
}

/** Digits after the point the currency writes (2 for USD, 0 for JPY); at most 2, since cents are stored. */
function minorDigits(currency: string): number {
  const digits = formatter(`digits:${currency}`, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return Math.min(2, digits);
}

/** "$120,000", "$99.50", "€90,000": whole amounts without cents. */
export function formatMoney(cents: number, currency: string): string {
  const digits = cents % 100 === 0 ? 0 : minorDigits(currency);
  return formatter(`full:${currency}:${digits}`, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(cents / 100);
}

/**
 * "$120k", "$1.2m", "€90k" — for dense lists. Intl's compact notation does the
 * rounding, so a value that rounds up to the next unit is written in it ($999,999.99
 * is "$1m", not "$1000k"); three-digit figures drop their decimal ("$123k").
 */
export function formatMoneyShort(cents: number, currency: string): string {
  if (Math.abs(cents) < 100_000) return formatMoney(cents, currency);
  const compact = (digits: number) =>
    formatter(`short:${currency}:${digits}`, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: digits }).formatToParts(cents / 100);
  let parts = compact(1);
  const integer = parts.filter((p) => p.type === 'integer').map((p) => p.value).join('');
  if (integer.length >= 3) parts = compact(0);
  return parts.map((p) => (p.type === 'compact' ? p.value.toLowerCase() : p.value)).join('');
}

// ---------------------------------------------------------------- currency marks

/** Marks people write that Intl's en-US symbols do not include, and the currencies they name. */
const EXTRA_MARKS: Record<string, string[]> = {
  US$: ['USD'],
  C$: ['CAD'],
  AU$: ['AUD'],
  S$: ['SGD'],
};

let marks: Map<string, { codes: Set<string>; primary?: string }> | undefined;

/** Every currency mark (code, symbol, narrow symbol), folded to lower case → the currencies it can name. */
function currencyMarks(): Map<string, { codes: Set<string>; primary?: string }> {
  if (marks) return marks;
  const table = new Map<string, { codes: Set<string>; primary?: string }>();
  const add = (mark: string, code: string, primary: boolean) => {
    const key = mark.toLowerCase();
    let entry = table.get(key);
    if (!entry) table.set(key, (entry = { codes: new Set() }));
    entry.codes.add(code);
    if (primary && entry.primary === undefined) entry.primary = code;
  };
  for (const code of supportedCurrencies()) {
    add(code, code, true);
    for (const display of ['symbol', 'narrowSymbol'] as const) {
      const sign = formatter(`${display}:${code}`, { style: 'currency', currency: code, currencyDisplay: display })
        .formatToParts(0)
        .find((p) => p.type === 'currency')?.value;
      // "$" is the symbol of USD and the narrow symbol of thirty other dollars: its primary currency is USD.
      if (sign) add(sign, code, display === 'symbol');
    }
  }
  for (const [mark, codes] of Object.entries(EXTRA_MARKS)) for (const code of codes) add(mark, code, codes.length === 1);
  return (marks = table);
}

/**
 * What a currency mark written with an amount says about it, in a workspace that
 * counts in `currency`: 'ours' (its code or one of its symbols: "$" in USD, CAD or
 * AUD), 'foreign' with the currency it most likely means (null when the mark is
 * shared by several, e.g. "kr"), or 'unknown' when it names no currency at all.
 */
export function currencyOfMark(mark: string, currency: string): { kind: 'ours' } | { kind: 'foreign'; code: string | null } | { kind: 'unknown' } {
  const entry = currencyMarks().get(mark.trim().toLowerCase());
  if (!entry) return { kind: 'unknown' };
  if (entry.codes.has(currency)) return { kind: 'ours' };
  return { kind: 'foreign', code: entry.primary ?? (entry.codes.size === 1 ? [...entry.codes][0]! : null) };
}

/** The sign an amount is written with in this currency ("$", "€", "CHF"). */
export function currencySymbol(currency: string): string {
  return (
    formatter(`symbol:${currency}`, { style: 'currency', currency, currencyDisplay: 'symbol' })
      .formatToParts(0)
      .find((p) => p.type === 'currency')?.value ?? currency
  );
}
