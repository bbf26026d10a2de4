/**
 * "Did you mean" candidates for a misspelt field or function name: a name that differs only in
 * case first (`Privileged` → `privileged`, the most common slip), then the names within a small
 * Damerau-Levenshtein distance (transpositions count as one edit: `lenght` → `length`).
 */

const MAX_SUGGESTIONS = 3;

/** Optimal-string-alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidates `name` is most likely a slip for, nearest first; [] when none is close. */
export function nearestNames(name: string, candidates: Iterable<string>): string[] {
  const lower = name.toLowerCase();
  // Short names have few letters to get wrong: allow one edit up to 4 characters, then one per 3.
  const limit = Math.max(1, Math.floor(name.length / 3));
  const scored: Array<{ candidate: string; score: number }> = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (candidate === name || seen.has(candidate)) continue;
    seen.add(candidate);
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const lowerCandidate = candidate.toLowerCase();
    // A case-only difference ranks before any real edit.
    const score = lowerCandidate === lower ? 0 : editDistance(lower, lowerCandidate) + 0.5;
    if (score <= limit + 0.5) scored.push({ candidate, score });
  }
  scored.sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate));
  // When only the case is wrong, that is the answer: other near names would be noise.
  const best = scored[0]?.score === 0 ? scored.filter((s) => s.score === 0) : scored;
  return best.slice(0, MAX_SUGGESTIONS).map((s) => s.candidate);
}
