import type * as ort from 'onnxruntime-node';
import { LAC_INPUT_SEQ_LENS, LAC_INPUT_WORD_IDS, LAC_OUTPUT_EMISSIONS } from './graph-names.js';
import type { LacBatch } from './pipeline.js';
import { viterbiDecode } from './viterbi.js';

// One model call and its CRF decoding, the same in an inference thread and in-process.

/** Tag ids per row of the batch. */
export async function runLacBatch(session: ort.InferenceSession, Tensor: typeof ort.Tensor, crf: Float32Array, batch: LacBatch): Promise<Int32Array[]> {
  const rows = batch.lengths.length;
  const output = (await session.run({
    [LAC_INPUT_WORD_IDS]: new Tensor('int64', batch.ids, [rows, batch.width]),
    [LAC_INPUT_SEQ_LENS]: new Tensor('int32', batch.lengths, [rows]),
  }))[LAC_OUTPUT_EMISSIONS]!;
  const emissions = output.data as Float32Array;
  const numTags = output.dims[2]!;
  const tags: Int32Array[] = [];
  for (let b = 0; b < rows; b++) tags.push(viterbiDecode(emissions, b * batch.width * numTags, batch.lengths[b]!, numTags, crf));
  output.dispose();
  return tags;
}
