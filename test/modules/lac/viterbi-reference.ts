// The scalar Viterbi that mirrors Paddle's crf_decoding kernel line by line (it was the server's decoder before
// the SIMD kernel): the oracle the decoder must agree with, tag for tag, on every input.

const NEG_FLT_MAX = -3.4028234663852886e38;

/** crf: start row, end row, then trans[from][to]; emissions [length, numTags] from `offset`. */
export function referenceViterbi(emissions: Float32Array, offset: number, length: number, numTags: number, crf: Float32Array): Int32Array {
  const N = numTags;
  const path = new Int32Array(length);
  if (length === 0) return path;
  const trans = 2 * N;
  let alpha = new Float32Array(N);
  let next = new Float32Array(N);
  const track = new Int32Array(length * N);
  for (let j = 0; j < N; j++) alpha[j] = Math.fround(crf[j]! + emissions[offset + j]!);
  for (let k = 1; k < length; k++) {
    const x = offset + k * N;
    for (let i = 0; i < N; i++) {
      let best = NEG_FLT_MAX;
      let bestJ = 0;
      for (let j = 0; j < N; j++) {
        const score = Math.fround(alpha[j]! + crf[trans + j * N + i]!);
        if (score > best) {
          best = score;
          bestJ = j;
        }
      }
      next[i] = Math.fround(best + emissions[x + i]!);
      track[k * N + i] = bestJ;
    }
    [alpha, next] = [next, alpha];
  }
  let best = NEG_FLT_MAX;
  let bestI = 0;
  for (let i = 0; i < N; i++) {
    const score = Math.fround(alpha[i]! + crf[N + i]!);
    if (score > best) {
      best = score;
      bestI = i;
    }
  }
  path[length - 1] = bestI;
  for (let k = length - 1; k >= 1; k--) {
    bestI = track[k * N + bestI]!;
    path[k - 1] = bestI;
  }
  return path;
}
