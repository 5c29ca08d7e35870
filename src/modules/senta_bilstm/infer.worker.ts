import { getSession, ort } from '../../backends/onnx-session.js';
import { SENTA_INPUT_SEQ_LENS, SENTA_INPUT_WORD_IDS, SENTA_OUTPUT_PROBS, signatureProblem } from './senta-files.js';

// Runs in an inference thread: the classifier on a padded batch of word ids -> [negative, positive] per row.

export interface SentaTask {
  model: string;
  /** Word ids, row-major [batch, width], padded with the <unk> id. */
  ids: BigInt64Array;
  lengths: Int32Array;
  width: number;
}

/** Loads the session and proves it on one <unk> word, so a wrong file fails the start, not a request. */
export interface SentaWarmup {
  model: string;
  unkId: number;
  warmup: true;
}

const checked = new Set<string>();

async function sessionFor(model: string): Promise<ort.InferenceSession> {
  let session: ort.InferenceSession;
  try {
    session = await getSession(model);
  } catch (error) {
    throw new Error(`senta_bilstm: ${model} cannot be loaded by onnxruntime: ${(error as Error).message}`);
  }
  if (!checked.has(model)) {
    const problem = signatureProblem(session.inputNames, session.outputNames);
    if (problem) throw new Error(`senta_bilstm: ${model} does not fit: ${problem}`);
    checked.add(model);
  }
  return session;
}

async function classify(session: ort.InferenceSession, model: string, ids: BigInt64Array, lengths: Int32Array, width: number): Promise<Float32Array> {
  const batch = lengths.length;
  const output = (await session.run({
    [SENTA_INPUT_WORD_IDS]: new ort.Tensor('int64', ids, [batch, width]),
    [SENTA_INPUT_SEQ_LENS]: new ort.Tensor('int32', lengths, [batch]),
  }))[SENTA_OUTPUT_PROBS]!;
  if (output.type !== 'float32' || output.dims.length !== 2 || output.dims[0] !== batch || output.dims[1] !== 2) {
    throw new Error(`senta_bilstm: ${model} answered ${SENTA_OUTPUT_PROBS} as ${output.type} [${output.dims.join(', ')}]; expected float32 [${batch}, 2]`);
  }
  return Float32Array.from(output.data as Float32Array);
}

export default async function sentaInfer(task: SentaTask | SentaWarmup): Promise<Float32Array> {
  const session = await sessionFor(task.model);
  if ('warmup' in task) {
    try {
      return await classify(session, task.model, BigInt64Array.of(BigInt(task.unkId)), Int32Array.of(1), 1);
    } catch (error) {
      if ((error as Error).message.startsWith('senta_bilstm:')) throw error;
      throw new Error(`senta_bilstm: ${task.model} fails on one word with the <unk> id ${task.unkId} (does vocab.txt belong to this model?): ${(error as Error).message}`);
    }
  }
  return classify(session, task.model, task.ids, task.lengths, task.width);
}
