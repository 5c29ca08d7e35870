import { ort } from '../../backends/onnx-session.js';
import { defineInfer } from '../contract/define-infer.js';
import { packBatch } from '../lac/pipeline.js';
import { SENTA_INPUT_SEQ_LENS, SENTA_INPUT_WORD_IDS, SENTA_OUTPUT_PROBS, signatureProblem } from './senta-files.js';

// Runs in an inference thread: senta's BiLSTM classifier on the word ids of a call's texts (from any number
// of requests), padded into one batch -> [negative, positive] per text.

/** The classifier file, and the <unk> id, which pads shorter rows and proves the vocabulary fits the model. */
export interface SentaModelFile {
  model: string;
  unkId: number;
}

/** One text's words as vocab ids; `size` is their number. */
export interface WordIds {
  size: number;
  ids: Int32Array;
}

export type SentaProbs = [negative: number, positive: number];

async function classify(session: ort.InferenceSession, { model, unkId }: SentaModelFile, rows: readonly Int32Array[]): Promise<SentaProbs[]> {
  // Padding is the <unk> id, a valid row of any embedding; seq_lens keeps it out of the result.
  const { ids, lengths, width } = packBatch(rows, unkId);
  const batch = rows.length;
  const output = (await session.run({
    [SENTA_INPUT_WORD_IDS]: new ort.Tensor('int64', ids, [batch, width]),
    [SENTA_INPUT_SEQ_LENS]: new ort.Tensor('int32', lengths, [batch]),
  }))[SENTA_OUTPUT_PROBS]!;
  if (output.type !== 'float32' || output.dims.length !== 2 || output.dims[0] !== batch || output.dims[1] !== 2) {
    throw new Error(`senta_bilstm: ${model} answered ${SENTA_OUTPUT_PROBS} as ${output.type} [${output.dims.join(', ')}]; expected float32 [${batch}, 2]`);
  }
  const probs = output.data as Float32Array;
  return rows.map((_, b) => [probs[2 * b]!, probs[2 * b + 1]!]);
}

export default defineInfer({
  async open({ model }: SentaModelFile, tools): Promise<ort.InferenceSession> {
    let session: ort.InferenceSession;
    try {
      session = await tools.session(model);
    } catch (error) {
      throw new Error(`senta_bilstm: ${model} cannot be loaded by onnxruntime: ${(error as Error).message}`);
    }
    const problem = signatureProblem(session.inputNames, session.outputNames);
    if (problem) throw new Error(`senta_bilstm: ${model} does not fit: ${problem}`);
    return session;
  },
  // One <unk> word proves the model and the vocabulary belong together, so a wrong pair fails the start, not a request.
  async warmup(session: ort.InferenceSession, file: SentaModelFile): Promise<SentaProbs> {
    try {
      return (await classify(session, file, [Int32Array.of(file.unkId)]))[0]!;
    } catch (error) {
      if ((error as Error).message.startsWith('senta_bilstm:')) throw error;
      throw new Error(`senta_bilstm: ${file.model} fails on one word with the <unk> id ${file.unkId} (does vocab.txt belong to this model?): ${(error as Error).message}`);
    }
  },
  run: (texts: WordIds[], session: ort.InferenceSession, file: SentaModelFile) => classify(session, file, texts.map((text) => text.ids)),
});
