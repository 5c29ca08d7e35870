import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getSession, ort } from '../../backends/onnx-session.js';
import { lacFiles } from './cache-files.js';
import type { LacBatch } from './pipeline.js';
import { LAC_SESSION_OPTIONS } from './session-options.js';
import { runLacBatch } from './run-batch.js';

// Runs in an inference thread: the BiGRU on padded batches, then Viterbi per row, so neither the network
// nor the decoding of a long text ever holds the event loop.

export interface LacTask {
  directory: string;
  /** Model calls to make one after the other. */
  batches: LacBatch[];
}

export interface LacWarmup {
  directory: string;
  warmup: true;
}

const crfs = new Map<string, Float32Array>();

function crfOf(directory: string): Float32Array {
  let crf = crfs.get(directory);
  if (!crf) {
    const bytes = readFileSync(join(directory, lacFiles.crf));
    crf = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    crfs.set(directory, crf);
  }
  return crf;
}

export default async function lacInfer(task: LacTask | LacWarmup): Promise<Int32Array[][]> {
  const session = await getSession(join(task.directory, lacFiles.model), LAC_SESSION_OPTIONS);
  const crf = crfOf(task.directory);
  if ('warmup' in task) return [];
  const results: Int32Array[][] = [];
  for (const batch of task.batches) results.push(await runLacBatch(session, ort.Tensor, crf, batch));
  return results;
}
