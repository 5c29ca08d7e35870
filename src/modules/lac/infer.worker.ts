import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getSession, ort } from '../../backends/onnx-session.js';
import { lacFiles } from './cache-files.js';
import { viterbiDecode } from './viterbi.js';

// Runs in an inference thread: the BiGRU on a padded batch, then Viterbi per text, so neither the network
// nor the decoding of a very long text ever holds the event loop.

export interface LacBatch {
  /** Character ids, row-major [batch, width], padded with 0. */
  ids: BigInt64Array;
  lengths: Int32Array;
  width: number;
}

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
  const session = await getSession(join(task.directory, lacFiles.model));
  const crf = crfOf(task.directory);
  if ('warmup' in task) return [];
  const results: Int32Array[][] = [];
  for (const batch of task.batches) {
    const rows = batch.lengths.length;
    const feeds = {
      word_ids: new ort.Tensor('int64', batch.ids, [rows, batch.width]),
      seq_lens: new ort.Tensor('int32', batch.lengths, [rows]),
    };
    const output = (await session.run(feeds)).emissions!;
    const emissions = output.data as Float32Array;
    const numTags = output.dims[2]!;
    const tags: Int32Array[] = [];
    for (let b = 0; b < rows; b++) tags.push(viterbiDecode(emissions, b * batch.width * numTags, batch.lengths[b]!, numTags, crf));
    results.push(tags);
  }
  return results;
}
