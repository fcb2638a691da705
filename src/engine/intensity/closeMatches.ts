/** Levenshtein distance between two strings (case-sensitive; callers normalise). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A candidate for a "did you mean" list: the keys it can be typed as, and how to show it. */
export interface MatchCandidate {
  readonly keys: readonly string[];
  readonly label: string;
}

/**
 * The labels of the candidates closest to `input`: prefix matches first, then by edit distance
 * (at most a third of the input's length, minimum 2), at most `limit` of them.
 */
export function findCloseMatches(input: string, candidates: readonly MatchCandidate[], limit = 5): string[] {
  const needle = input.trim().toLowerCase();
  const maxDistance = Math.max(2, Math.floor(needle.length / 3));
  const scored: { label: string; score: number }[] = [];
  for (const candidate of candidates) {
    let best = Number.POSITIVE_INFINITY;
    for (const key of candidate.keys) {
      const k = key.toLowerCase();
      // A prefix match ranks before any typo.
      const score = needle.length > 0 && k.startsWith(needle) ? -1 : editDistance(needle, k);
      best = Math.min(best, score);
    }
    if (best <= maxDistance) scored.push({ label: candidate.label, score: best });
  }
  scored.sort((a, b) => a.score - b.score || a.label.localeCompare(b.label));
  return scored.slice(0, limit).map((s) => s.label);
}

/** "Unknown country "FRX". Did you mean: FRA (France), ...?" or, with no match, the plain message. */
export function unknownMessage(what: string, input: string, matches: readonly string[]): string {
  const base = `Unknown ${what} "${input}".`;
  return matches.length > 0 ? `${base} Did you mean: ${matches.join(', ')}?` : base;
}
