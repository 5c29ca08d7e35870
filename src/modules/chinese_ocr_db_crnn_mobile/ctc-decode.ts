// The recogniser's per-step class probabilities to text (greedy CTC): best class per step, repeats merged,
// blanks dropped; the confidence is the mean probability of the steps kept.

export interface DecodedLine {
  text: string;
  confidence: number;
}

/**
 * Decodes one line of `steps` x `classes` probabilities starting at `offset`. `charset[0]` is the blank.
 */
export function ctcGreedyDecode(probs: Float32Array, offset: number, steps: number, classes: number, charset: readonly string[]): DecodedLine {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * classes;
    let best = 0;
    let bestP = probs[row]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += charset[best] ?? '';
      sum += bestP;
      kept++;
    }
    previous = best;
  }
  // PaddleOCR scores an empty line 0.
  return { text, confidence: kept === 0 ? 0 : sum / kept };
}

/**
 * PaddleOCR's character list for a keys file: the blank, one entry per line of the file, then the space.
 */
export function charsetFromKeys(keysFile: string): string[] {
  const lines = keysFile.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return ['blank', ...lines, ' '];
}
