// Whole-percent shares of a total that add up to 100 as shown. Rounding each share
// on its own does not: weights of 5 and 3 are 62.5 % and 37.5 %, shown as 63 % and
// 38 % (101 %). The largest-remainder method rounds every share down, then gives the
// points still missing to the shares that lost the most in rounding.

/**
 * Each part as a whole percentage of their sum, adding up to exactly 100 (all 0 when
 * the sum is 0). A part of 0 stays 0; no share is more than 1 away from its exact
 * value. Ties in the remainder go to the larger part, then to the earlier one.
 */
export function percentShares(parts: readonly number[]): number[] {
  const total = parts.reduce((sum, p) => sum + p, 0);
  if (!(total > 0)) return parts.map(() => 0);
  const exact = parts.map((p) => (p * 100) / total);
  const shares = exact.map((e) => Math.floor(e));
  let missing = 100 - shares.reduce((sum, s) => sum + s, 0);
  const order = parts
    .map((p, i) => ({ i, p, remainder: exact[i]! - shares[i]! }))
    .filter((x) => x.p > 0)
    .sort((a, b) => b.remainder - a.remainder || b.p - a.p || a.i - b.i);
  for (const { i } of order) {
    if (missing <= 0) break;
    shares[i]!++;
    missing--;
  }
  return shares;
}
