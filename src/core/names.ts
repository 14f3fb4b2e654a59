// Fuzzy name matching for "did you mean": an unknown account name is answered with
// the closest existing names, by edit distance and shared prefixes/words.

/** Case-folded, accent-stripped, whitespace-collapsed form used for matching. */
export function foldName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function editDistance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/** 0 (unrelated) … 1 (same) similarity of two names. */
export function nameSimilarity(query: string, candidate: string): number {
  const q = foldName(query);
  const c = foldName(candidate);
  if (!q || !c) return 0;
  if (q === c) return 1;
  const distance = editDistance(q, c);
  let score = 1 - distance / Math.max(q.length, c.length);
  if (c.startsWith(q) || q.startsWith(c)) score = Math.max(score, 0.75);
  else if (c.includes(q)) score = Math.max(score, 0.6);
  const qWords = new Set(q.split(' '));
  const shared = c.split(' ').filter((w) => w.length > 1 && qWords.has(w)).length;
  if (shared > 0) score = Math.max(score, 0.5 + 0.1 * shared);
  return score;
}

/** Up to `limit` candidates that look like `query`, best first. */
export function closeMatches(query: string, candidates: string[], limit = 3): string[] {
  return candidates
    .map((name) => ({ name, score: nameSimilarity(query, name) }))
    .filter((m) => m.score >= 0.4)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((m) => m.name);
}
