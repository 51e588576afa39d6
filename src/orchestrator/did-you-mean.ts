import { closest, distance } from 'fastest-levenshtein';

/**
 * The candidate a misspelt `word` most likely meant, or null when none is close enough to be worth
 * suggesting. A bare field name that ends a dotted candidate wins first (`lr` at the top level
 * meant `optimizer.lr`); otherwise the nearest by edit distance, within about a third of the word's
 * length, so that `adamm` suggests `adam` but `xyz` suggests nothing.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | null {
  if (candidates.length === 0) return null;
  const bySuffix = candidates.find((c) => c.endsWith(`.${word}`));
  if (bySuffix !== undefined) return bySuffix;
  const lower = word.toLowerCase();
  const best = closest(lower, candidates);
  const limit = Math.max(2, Math.floor(word.length / 3));
  return distance(lower, best.toLowerCase()) <= limit ? best : null;
}

/** `; did you mean 'x'?`, or nothing: ready to append to a message. */
export function suggestion(word: string, candidates: readonly string[]): string {
  const hit = didYouMean(word, candidates);
  return hit === null ? '' : `; did you mean '${hit}'?`;
}
