// From the model's output row to PaddleHub's answer: probabilities (softmax, unless the model already gives
// them) and the k most probable classes.

export interface Scored {
  index: number;
  prob: number;
}

/** A row that is already a distribution: every value in [0, 1] and a sum of 1 (within float32 rounding). */
export function isDistribution(row: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (!(v >= 0 && v <= 1)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
}

export function softmax(row: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  const out = new Float64Array(row.length);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += out[i] = Math.exp(row[i]! - max);
  for (let i = 0; i < row.length; i++) out[i]! /= sum;
  return out;
}

export function probabilities(row: ArrayLike<number>): ArrayLike<number> {
  for (let i = 0; i < row.length; i++) {
    if (!Number.isFinite(row[i]!)) throw new Error('the model returned a score that is not a finite number');
  }
  return isDistribution(row) ? row : softmax(row);
}

/** The k highest, highest first; equal scores keep the lower class index first. */
export function topK(probs: ArrayLike<number>, k: number): Scored[] {
  const take = Math.min(k, probs.length);
  const best: Scored[] = [];
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (best.length === take && p <= best[take - 1]!.prob) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]!.prob < p) at--;
    best.splice(at, 0, { index: i, prob: p });
    if (best.length > take) best.pop();
  }
  return best;
}

/**
 * PaddleHub's result for one image: {name: probability} in descending order. Two ImageNet classes share a
 * name ("crane", "maillot"); the more probable one is kept (PaddleHub let the less probable overwrite it).
 */
export function labelled(top: readonly Scored[], names: readonly string[]): Record<string, number> {
  const entries: [string, number][] = [];
  const seen = new Set<string>();
  for (const { index, prob } of top) {
    const name = names[index] ?? `class ${index}`;
    if (seen.has(name)) continue;
    seen.add(name);
    entries.push([name, prob]);
  }
  // fromEntries defines own properties, so a name like "__proto__" from a label file stays a plain key.
  return Object.fromEntries(entries);
}
