// Paddle's equations written out in plain JS (float64), independent of the ONNX mapping, so tests can
// check the converted graph against what Paddle computes rather than against itself.

import type { LacTensors, LacTensorName } from '../../../src/artifacts/convert/paddle/lac-tensors.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * Paddle fc + dynamic_gru (origin_mode off) over x [T, in]. gruW uses Paddle's flat layout:
 * [H, 2H] for update|reset, then [H, H] for the candidate. Returns h per position, [T, H].
 * `reverse` runs from the last position to the first, as is_reverse=True does.
 */
export function paddleGru(
  x: ArrayLike<number>, T: number, inSize: number,
  fcW: ArrayLike<number>, fcB: ArrayLike<number>, gruW: ArrayLike<number>, gruB: ArrayLike<number>,
  H: number, reverse: boolean,
): Float64Array {
  const out = new Float64Array(T * H);
  let h = new Float64Array(H);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const g = new Float64Array(3 * H);
    for (let c = 0; c < 3 * H; c++) {
      let v = fcB[c] + gruB[c];
      for (let i = 0; i < inSize; i++) v += x[t * inSize + i] * fcW[i * 3 * H + c];
      g[c] = v;
    }
    const u = new Float64Array(H);
    const r = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      let pu = g[j];
      let pr = g[H + j];
      for (let k = 0; k < H; k++) {
        pu += h[k] * gruW[k * 2 * H + j];
        pr += h[k] * gruW[k * 2 * H + H + j];
      }
      u[j] = sigmoid(pu);
      r[j] = sigmoid(pr);
    }
    const next = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      let pc = g[2 * H + j];
      for (let k = 0; k < H; k++) pc += r[k] * h[k] * gruW[2 * H * H + k * H + j];
      const c = Math.tanh(pc);
      next[j] = (1 - u[j]) * h[j] + u[j] * c;
    }
    h = next;
    out.set(h, t * H);
  }
  return out;
}

/** The whole LAC network before the CRF for one sentence of ids: emissions [T, numTags]. */
export function paddleLacEmissions(t: LacTensors, ids: readonly number[]): Float64Array {
  const T = ids.length;
  const E = t['word_emb'].dims[1];
  const H = t['gru_0.w_0'].dims[0];
  const N = t['fc_4.b_0'].dims[0];
  let x = new Float64Array(T * E);
  ids.forEach((id, p) => x.set(t['word_emb'].data.subarray(id * E, (id + 1) * E), p * E));
  let inSize = E;
  for (let layer = 0; layer < 2; layer++) {
    const run = (n: number, reverse: boolean): Float64Array => {
      const get = (name: string) => t[name as LacTensorName].data;
      return paddleGru(x, T, inSize, get(`fc_${n}.w_0`), get(`fc_${n}.b_0`), get(`gru_${n}.w_0`), get(`gru_${n}.b_0`), H, reverse);
    };
    const fwd = run(2 * layer, false);
    const bwd = run(2 * layer + 1, true);
    const merged = new Float64Array(T * 2 * H);
    for (let p = 0; p < T; p++) {
      merged.set(fwd.subarray(p * H, (p + 1) * H), p * 2 * H);
      merged.set(bwd.subarray(p * H, (p + 1) * H), p * 2 * H + H);
    }
    x = merged;
    inSize = 2 * H;
  }
  const out = new Float64Array(T * N);
  const w = t['fc_4.w_0'].data;
  const b = t['fc_4.b_0'].data;
  for (let p = 0; p < T; p++) {
    for (let n = 0; n < N; n++) {
      let v = b[n];
      for (let i = 0; i < inSize; i++) v += x[p * inSize + i] * w[i * N + n];
      out[p * N + n] = v;
    }
  }
  return out;
}

/** Small deterministic PRNG (mulberry32) so random tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
