// One senta result, shaped and rounded exactly as PaddleHub's senta postprocess does:
//   label = argmax(probs) (the first index on a tie, so [0.5, 0.5] is negative)
//   positive_probs = float('%.4f' % probs[1]); negative_probs = float('%.4f' % (1 - probs[1]))
// where probs is float32, so 1 - probs[1] is a float32 subtraction, and '%.4f' rounds the exact binary
// value half to even (JavaScript's toFixed rounds exact halves up: 0.03125 -> "0.0313", Python "0.0312").

export interface SentaResult {
  text: string;
  sentiment_label: 0 | 1;
  sentiment_key: 'negative' | 'positive';
  positive_probs: number;
  negative_probs: number;
}

/** Python's float('%.4f' % x) for a float32 value x. */
export function roundLikePaddleHub(x: number): number {
  if (!Number.isFinite(x)) return x;
  // x = m * 2^e with a 24-bit m, so x * 20000 (a 15-bit factor) is exact in a double: an odd integer
  // there means x lies exactly halfway between two 4-decimal numbers.
  const twice = x * 20000;
  if (Number.isInteger(twice) && Math.abs(twice % 2) === 1) {
    const below = (twice - Math.sign(twice)) / 2; // the candidate nearer zero, in units of 1e-4
    const even = below % 2 === 0 ? below : below + Math.sign(twice);
    return Number((even / 10000).toFixed(4));
  }
  return Number(x.toFixed(4));
}

/** The result for one text from the model's two probabilities [negative, positive]. */
export function sentaResult(text: string, negative: number, positive: number): SentaResult {
  if (!Number.isFinite(negative) || !Number.isFinite(positive)) {
    throw new Error(`the model returned [${negative}, ${positive}] for a text, which are not probabilities`);
  }
  const label = positive > negative ? 1 : 0;
  const p = Math.fround(positive);
  return {
    text,
    sentiment_label: label,
    sentiment_key: label === 1 ? 'positive' : 'negative',
    positive_probs: roundLikePaddleHub(p),
    negative_probs: roundLikePaddleHub(Math.fround(1 - p)),
  };
}
