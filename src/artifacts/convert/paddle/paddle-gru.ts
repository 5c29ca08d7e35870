// Maps one direction of a Paddle fc + dynamic_gru pair (origin_mode off) onto ONNX GRU weights.
//
// Paddle, per step, with pre-activations g = x*fcW + fcB + gruB laid out [u | r | c]:
//   u = sig(g_u + h*Wu)   r = sig(g_r + h*Wr)   c = tanh(g_c + (r.h)*Wc)   h' = (1-u).h + u.c
// ONNX GRU (gate order z, r, h; linear_before_reset = 0):
//   z = sig(x*Wz^T + h*Rz^T + bz)  r likewise  hh = tanh(x*Wh^T + (r.h)*Rh^T + bh)  h' = (1-z).hh + z.h
// So z must equal 1-u = sig(-pre_u): the update gate's weights and biases go in negated.
//
// The recurrent weight [H, 3H] is NOT three column blocks: Paddle stores it flat as [H, 2H] (u and r
// side by side) followed by [H, H] for the candidate. Splitting by columns gives garbage tags.

export interface OnnxGruWeights {
  /** [3H, in], gate order z, r, h: ONNX computes x * W^T. */
  W: Float32Array;
  /** [3H, H]: ONNX computes h * R^T. */
  R: Float32Array;
  /** [6H] = [Wb | Rb]; all biases go into Wb since Paddle adds them before the recurrence. */
  B: Float32Array;
}

/**
 * @param fcW   Paddle fc weight [in, 3H] (row-major), computes x * fcW
 * @param fcB   Paddle fc bias [3H]
 * @param gruW  Paddle dynamic_gru weight, 3H*H values in Paddle's flat layout (see above)
 * @param gruB  Paddle dynamic_gru bias [1, 3H]
 * @param hidden H
 */
export function paddleGruToOnnx(
  fcW: Float32Array,
  fcB: Float32Array,
  gruW: Float32Array,
  gruB: Float32Array,
  hidden: number,
): OnnxGruWeights {
  const H = hidden;
  const H3 = 3 * H;
  if (!(H > 0) || fcW.length % H3 !== 0) throw new Error(`fc weight has ${fcW.length} values, not a multiple of 3*${H}`);
  if (fcB.length !== H3) throw new Error(`fc bias has ${fcB.length} values, expected ${H3}`);
  if (gruW.length !== H3 * H) throw new Error(`gru weight has ${gruW.length} values, expected ${H3 * H}`);
  if (gruB.length !== H3) throw new Error(`gru bias has ${gruB.length} values, expected ${H3}`);
  const inSize = fcW.length / H3;

  // Gate g's output unit j lives in Paddle column g*H + j; z (gate 0) is negated.
  const sign = [-1, 1, 1];

  const W = new Float32Array(H3 * inSize);
  for (let g = 0; g < 3; g++) {
    for (let j = 0; j < H; j++) {
      const row = (g * H + j) * inSize;
      for (let i = 0; i < inSize; i++) W[row + i] = sign[g] * fcW[i * H3 + g * H + j];
    }
  }

  const R = new Float32Array(H3 * H);
  const candidateBase = 2 * H * H;
  for (let j = 0; j < H; j++) {
    for (let k = 0; k < H; k++) {
      R[(0 * H + j) * H + k] = -gruW[k * 2 * H + j]; // update, from the [H, 2H] block's left half
      R[(1 * H + j) * H + k] = gruW[k * 2 * H + H + j]; // reset, its right half
      R[(2 * H + j) * H + k] = gruW[candidateBase + k * H + j]; // candidate, the trailing [H, H] block
    }
  }

  const B = new Float32Array(2 * H3); // recurrent half stays zero
  for (let g = 0; g < 3; g++) {
    for (let j = 0; j < H; j++) B[g * H + j] = sign[g] * (fcB[g * H + j] + gruB[g * H + j]);
  }
  return { W, R, B };
}

/** Stacks forward and backward weights into ONNX's [num_directions, ...] layout for a bidirectional GRU. */
export function stackDirections(fwd: OnnxGruWeights, bwd: OnnxGruWeights): OnnxGruWeights {
  const cat = (a: Float32Array, b: Float32Array): Float32Array => {
    const out = new Float32Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  };
  return { W: cat(fwd.W, bwd.W), R: cat(fwd.R, bwd.R), B: cat(fwd.B, bwd.B) };
}
