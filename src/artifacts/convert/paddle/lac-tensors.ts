// The parameter set of LAC's network (embedding -> 2 bidirectional GRU layers -> fc -> CRF), named as Paddle
// saved them, and the shape contract between them.

import type { PaddleTensor } from './paddle-tensor.js';

/** File names under model_baseline/, in the order the network uses them. */
export const LAC_TENSOR_NAMES = [
  'word_emb',
  'fc_0.w_0', 'fc_0.b_0', 'gru_0.w_0', 'gru_0.b_0', // layer 1 forward
  'fc_1.w_0', 'fc_1.b_0', 'gru_1.w_0', 'gru_1.b_0', // layer 1 backward
  'fc_2.w_0', 'fc_2.b_0', 'gru_2.w_0', 'gru_2.b_0', // layer 2 forward
  'fc_3.w_0', 'fc_3.b_0', 'gru_3.w_0', 'gru_3.b_0', // layer 2 backward
  'fc_4.w_0', 'fc_4.b_0', // emissions
  'crfw', // CRF: start row, end row, then the transition matrix
] as const;

export type LacTensorName = (typeof LAC_TENSOR_NAMES)[number];
export type LacTensors = Readonly<Record<LacTensorName, PaddleTensor>>;

/** Sizes that follow from the tensors; everything else in the graph is derived from these. */
export interface LacDims {
  vocabSize: number;
  embDim: number;
  hidden: number;
  numTags: number;
}

/**
 * Checks every tensor against the shapes the network implies and returns the sizes.
 * Sizes come from word_emb, gru_0.w_0 and fc_4.b_0, so a model with other widths still converts.
 */
export function checkLacShapes(t: LacTensors): LacDims {
  for (const name of LAC_TENSOR_NAMES) {
    if (!t[name]) throw new Error(`LAC tensor ${name} is missing`);
  }
  const vocabSize = t['word_emb'].dims[0];
  const embDim = t['word_emb'].dims[1];
  const hidden = t['gru_0.w_0'].dims[0];
  const numTags = t['fc_4.b_0'].dims[0];
  const expected: Record<LacTensorName, number[]> = {
    word_emb: [vocabSize, embDim],
    'fc_0.w_0': [embDim, 3 * hidden], 'fc_1.w_0': [embDim, 3 * hidden],
    'fc_2.w_0': [2 * hidden, 3 * hidden], 'fc_3.w_0': [2 * hidden, 3 * hidden],
    'fc_0.b_0': [3 * hidden], 'fc_1.b_0': [3 * hidden], 'fc_2.b_0': [3 * hidden], 'fc_3.b_0': [3 * hidden],
    'gru_0.w_0': [hidden, 3 * hidden], 'gru_1.w_0': [hidden, 3 * hidden],
    'gru_2.w_0': [hidden, 3 * hidden], 'gru_3.w_0': [hidden, 3 * hidden],
    'gru_0.b_0': [1, 3 * hidden], 'gru_1.b_0': [1, 3 * hidden],
    'gru_2.b_0': [1, 3 * hidden], 'gru_3.b_0': [1, 3 * hidden],
    'fc_4.w_0': [2 * hidden, numTags], 'fc_4.b_0': [numTags],
    crfw: [numTags + 2, numTags],
  };
  for (const name of LAC_TENSOR_NAMES) {
    const got = t[name].dims;
    const want = expected[name];
    if (got.length !== want.length || got.some((d, i) => d !== want[i]) || want.some((d) => !(d > 0))) {
      throw new Error(`LAC tensor ${name} has shape [${got.join(', ')}], expected [${want.join(', ')}]`);
    }
  }
  return { vocabSize, embDim, hidden, numTags };
}
