// The files a senta_bilstm weights folder must hold, and the ONNX signature model.onnx must have.
//
// model.onnx: word_ids int64 [batch, words] (vocab ids, padded past seq_lens[b]) and seq_lens int32 [batch]
//   -> probs float32 [batch, 2] = [negative, positive] softmax probabilities. Padding must not change a row.
// vocab.txt:  PaddleHub's assets/vocab.txt unchanged: one `word<TAB>id` line per word; <unk> is added after.

export const sentaFiles = {
  model: 'model.onnx',
  vocab: 'vocab.txt',
} as const;

export const SENTA_INPUT_WORD_IDS = 'word_ids';
export const SENTA_INPUT_SEQ_LENS = 'seq_lens';
export const SENTA_OUTPUT_PROBS = 'probs';

export const SENTA_SIGNATURE = `inputs ${SENTA_INPUT_WORD_IDS} int64 [batch, words] and ${SENTA_INPUT_SEQ_LENS} int32 [batch], ` +
  `output ${SENTA_OUTPUT_PROBS} float32 [batch, 2] = [negative, positive]`;

/** Why a model's input/output names do not fit the signature, or undefined when they do. */
export function signatureProblem(inputNames: readonly string[], outputNames: readonly string[]): string | undefined {
  const missing = [
    ...[SENTA_INPUT_WORD_IDS, SENTA_INPUT_SEQ_LENS].filter((n) => !inputNames.includes(n)).map((n) => `input ${n}`),
    ...(outputNames.includes(SENTA_OUTPUT_PROBS) ? [] : [`output ${SENTA_OUTPUT_PROBS}`]),
  ];
  const extra = inputNames.filter((n) => n !== SENTA_INPUT_WORD_IDS && n !== SENTA_INPUT_SEQ_LENS);
  if (missing.length === 0 && extra.length === 0) return undefined;
  return `it has inputs [${inputNames.join(', ')}] and outputs [${outputNames.join(', ')}]` +
    `${missing.length ? `, lacking ${missing.join(', ')}` : ''}${extra.length ? `, and inputs we cannot feed: ${extra.join(', ')}` : ''}; ` +
    `expected ${SENTA_SIGNATURE}`;
}
