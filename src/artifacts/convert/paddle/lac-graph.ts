// Builds LAC's network (everything before the CRF) as an ONNX opset-13 graph from Paddle's tensors.
//   word_ids int64 [B,T], seq_lens int32 [B]  ->  emissions float32 [B,T,numTags]
// Padding positions (t >= seq_lens[b]) produce values that must be ignored; GRU's sequence_lens keeps
// them from leaking into real positions, in both directions.

import { GraphBuilder, ElemType, attr, floatTensor, int64Tensor, tensorValueInfo } from '../onnx-graph.js';
import { LAC_INPUT_SEQ_LENS, LAC_INPUT_WORD_IDS, LAC_OUTPUT_EMISSIONS } from '../../../modules/lac/graph-names.js';
import { checkLacShapes, type LacTensorName, type LacTensors } from './lac-tensors.js';
import { paddleGruToOnnx, stackDirections, type OnnxGruWeights } from './paddle-gru.js';

export { paddleGruToOnnx, stackDirections, type OnnxGruWeights } from './paddle-gru.js';

export interface GruSpec {
  hidden: number;
  direction: 'forward' | 'reverse' | 'bidirectional';
  /** Name of an int32 [B] value; omit when every sequence fills the whole time axis. */
  seqLens?: string;
  /** Prefix for the initializer names. */
  prefix: string;
}

/**
 * Appends an ONNX GRU over `x` ([T, B, in], time-major as opset 13 requires) and returns its Y output,
 * shaped [T, num_directions, B, H]. Weights are already in ONNX layout (see paddleGruToOnnx).
 */
export function appendGru(g: GraphBuilder, x: string, w: OnnxGruWeights, spec: GruSpec): string {
  const dirs = spec.direction === 'bidirectional' ? 2 : 1;
  const H = spec.hidden;
  const inSize = w.W.length / (dirs * 3 * H);
  const W = g.init(floatTensor(`${spec.prefix}.W`, [dirs, 3 * H, inSize], w.W));
  const R = g.init(floatTensor(`${spec.prefix}.R`, [dirs, 3 * H, H], w.R));
  const B = g.init(floatTensor(`${spec.prefix}.B`, [dirs, 6 * H], w.B));
  const [y] = g.opMulti('GRU', [x, W, R, B, spec.seqLens ?? ''], [`${spec.prefix}.Y`], {
    hidden_size: attr.int(H),
    direction: attr.string(spec.direction),
    // Paddle applies the reset gate to h before the recurrent matmul, which is ONNX's default (0).
    linear_before_reset: attr.int(0),
  });
  return y;
}

/** Serialised ONNX model computing LAC's emission scores. */
export function buildLacGraph(t: LacTensors): Uint8Array {
  const { vocabSize, embDim, hidden: H, numTags } = checkLacShapes(t);
  const g = new GraphBuilder();
  const wordIds = g.reserve(LAC_INPUT_WORD_IDS);
  const seqLens = g.reserve(LAC_INPUT_SEQ_LENS);

  const table = g.init(floatTensor('word_emb', [vocabSize, embDim], t['word_emb'].data));
  const emb = g.op('Gather', [table, wordIds], { axis: attr.int(0) }); // [B, T, E]
  let x = g.op('Transpose', [emb], { perm: attr.ints([1, 0, 2]) }); // [T, B, E]

  // Reshape's 0 copies the input dim, so [T, B, 2, H] -> [T, B, 2H] (or [B, T, 2H]) without knowing T or B.
  const mergeDirs = g.init(int64Tensor('merge_dirs_shape', [3], [0, 0, 2 * H]));

  // Pair n is fc_n + gru_n; layer l uses pair 2l forward and pair 2l+1 backward.
  const get = (name: string): Float32Array => t[name as LacTensorName].data;
  const pair = (n: number): OnnxGruWeights =>
    paddleGruToOnnx(get(`fc_${n}.w_0`), get(`fc_${n}.b_0`), get(`gru_${n}.w_0`), get(`gru_${n}.b_0`), H);

  const layers = 2;
  for (let layer = 0; layer < layers; layer++) {
    const y = appendGru(g, x, stackDirections(pair(2 * layer), pair(2 * layer + 1)), {
      hidden: H, direction: 'bidirectional', seqLens, prefix: `bigru_${layer}`,
    });
    // Y is [T, 2, B, H]; Paddle concatenates [forward, backward] per position. The last layer goes
    // batch-major right away so the projection lands in the output layout.
    const last = layer === layers - 1;
    const perm = last ? [2, 0, 1, 3] : [0, 2, 1, 3];
    const moved = g.op('Transpose', [y], { perm: attr.ints(perm) });
    x = g.op('Reshape', [moved, mergeDirs]); // [T, B, 2H], or [B, T, 2H] after the last layer
  }

  const outW = g.init(floatTensor('fc_4.w', [2 * H, numTags], t['fc_4.w_0'].data));
  const outB = g.init(floatTensor('fc_4.b', [numTags], t['fc_4.b_0'].data));
  const scores = g.op('MatMul', [x, outW]);
  g.op('Add', [scores, outB], {}, LAC_OUTPUT_EMISSIONS);

  return g.encode({
    graphName: 'lac_emissions',
    docString: 'LAC (Baidu lexical analysis) BiGRU emissions, converted from Paddle parameters; decode with the CRF.',
    inputs: [
      tensorValueInfo(LAC_INPUT_WORD_IDS, ElemType.INT64, ['batch', 'time']),
      tensorValueInfo(LAC_INPUT_SEQ_LENS, ElemType.INT32, ['batch']),
    ],
    outputs: [tensorValueInfo(LAC_OUTPUT_EMISSIONS, ElemType.FLOAT, ['batch', 'time', numTags])],
  });
}
