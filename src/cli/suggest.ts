/**
 * "Did you mean …?" for flags, commands, environment ids and config fields:
 * the candidate at the smallest Levenshtein (edit) distance, if it is close
 * enough to be a plausible typo.
 */

/** Edit distance with unit costs for insertion, deletion and substitution (Wagner–Fischer, two rows). */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, sub);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** True when every character of `a` appears in `b` in order (b is a with letters added). */
function isSubsequence(a: string, b: string): boolean {
  let i = 0;
  for (let j = 0; j < b.length && i < a.length; j++) if (a[i] === b[j]) i++;
  return i === a.length;
}

/**
 * The nearest candidate (case-insensitive), or undefined when even the best is
 * more than about a third of the word away: suggesting `--out` for `--xyz`
 * helps nobody. Ties go to a candidate the word is a subsequence of (a dropped
 * letter is the commoner typo: `--sed` → `--seed` rather than `--set`), then to
 * the earlier candidate.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    const d = levenshtein(w, lc);
    const tieWin = d === bestD && best !== undefined && isSubsequence(w, lc) && !isSubsequence(w, best.toLowerCase());
    if (d < bestD || tieWin) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.ceil(w.length / 3)) ? best : undefined;
}

/** " (did you mean X?)" or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const n = nearest(word, candidates);
  return n === undefined ? '' : ` (did you mean ${n}?)`;
}
