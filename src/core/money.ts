// Money is stored as integer cents; this formats it for people.

export function formatMoney(cents: number, currency = 'USD'): string {
  const whole = cents % 100 === 0;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: whole ? 0 : 2,
  }).format(cents / 100);
}

/** "$120k", "$1.2m" — for dense lists. */
export function formatMoneyShort(cents: number, currency = 'USD'): string {
  const units = cents / 100;
  const symbol = new Intl.NumberFormat('en-US', { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? '';
  if (units >= 1_000_000) return `${symbol}${trim(units / 1_000_000)}m`;
  if (units >= 1_000) return `${symbol}${trim(units / 1_000)}k`;
  return formatMoney(cents, currency);
}

function trim(n: number): string {
  return n.toFixed(n >= 100 ? 0 : 1).replace(/\.0$/, '');
}
