// CRF Viterbi decoding with Paddle's crf_decoding weights: row 0 start scores, row 1 end scores,
// rows 2.. the transition matrix trans[from][to].
//
// Mirrors Paddle's reference kernel so ties and rounding come out the same: scores are float32
// (Math.fround after every addition - a double sum of two floats rounds to the float sum exactly),
// the running max starts at -FLT_MAX and only a strictly greater score replaces it (lowest index wins).

const NEG_FLT_MAX = -3.4028234663852886e38;

/**
 * @param emissions scores laid out [T, numTags] starting at `offset`
 * @param length    T (0 gives an empty path)
 * @param crf       (numTags + 2) * numTags weights
 * @returns the best tag id per position
 */
export function viterbiDecode(
  emissions: Float32Array,
  offset: number,
  length: number,
  numTags: number,
  crf: Float32Array,
): Int32Array {
  const N = numTags;
  if (crf.length !== (N + 2) * N) throw new Error(`CRF weights have ${crf.length} values, expected ${(N + 2) * N}`);
  if (offset < 0 || offset + length * N > emissions.length) {
    throw new Error(`emissions hold ${emissions.length} values; cannot read ${length}x${N} from offset ${offset}`);
  }
  const path = new Int32Array(length);
  if (length === 0) return path;

  const trans = 2 * N; // start of the transition rows inside crf
  let alpha = new Float32Array(N);
  let next = new Float32Array(N);
  const track = new Int32Array(length * N);

  for (let j = 0; j < N; j++) alpha[j] = Math.fround(crf[j] + emissions[offset + j]);

  for (let k = 1; k < length; k++) {
    const x = offset + k * N;
    for (let i = 0; i < N; i++) {
      let best = NEG_FLT_MAX;
      let bestJ = 0;
      for (let j = 0; j < N; j++) {
        const score = Math.fround(alpha[j] + crf[trans + j * N + i]);
        if (score > best) {
          best = score;
          bestJ = j;
        }
      }
      next[i] = Math.fround(best + emissions[x + i]);
      track[k * N + i] = bestJ;
    }
    [alpha, next] = [next, alpha];
  }

  let best = NEG_FLT_MAX;
  let bestI = 0;
  for (let i = 0; i < N; i++) {
    const score = Math.fround(alpha[i] + crf[N + i]);
    if (score > best) {
      best = score;
      bestI = i;
    }
  }
  path[length - 1] = bestI;
  for (let k = length - 1; k >= 1; k--) {
    bestI = track[k * N + bestI];
    path[k - 1] = bestI;
  }
  return path;
}
