import type * as ort from 'onnxruntime-node';
import { LAC_INPUT_SEQ_LENS, LAC_INPUT_WORD_IDS, LAC_OUTPUT_EMISSIONS } from './graph-names.js';
import type { LacBatch } from './pipeline.js';
import { ViterbiDecoder } from './viterbi.js';
import { Tensor } from 'onnxruntime-node';
import { packBatch } from './pipeline.js';
import { runByLength } from './length-groups.js';

// LAC's model call, the one every path makes: the inference threads of lac, jieba_paddle and senta_bilstm
// (tagger.infer.ts) and, in process, the install check and the benchmark's limit (lac-runner.ts). A call's
// pieces are padded with the OOV id into batches of near-equal length, the BiGRU scores them, and Viterbi
// decodes each row.

/**
 * ONNX Runtime's CPU arena stays on; what a call at the element budget reserves in it (about 34 MB per thread)
 * stays with the session until the idle server renews it (src/process/memory-return.ts). Measured without the
 * arena: memory went back after a peak only when glibc also mapped blocks of 256 KB or more on their own, and
 * then short calls ran 2.4x and long-text calls 4.6x slower.
 */
export const LAC_SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { enableCpuMemArena: true };

/** What tags pieces: the converted network's session, the CRF's decoder, and the id padding is made of. */
export interface LacNetwork {
  session: ort.InferenceSession;
  decoder: ViterbiDecoder;
  oovId: number;
}

/**
 * A network from its session and CRF weights ((numTags + 2) x numTags: start row, end row, then
 * trans[from][to]); the number of tags follows from the weights' size.
 */
export function lacNetwork(session: ort.InferenceSession, crf: Float32Array, oovId: number): LacNetwork {
  const numTags = Math.round(Math.sqrt(crf.length + 1)) - 1;
  return { session, decoder: new ViterbiDecoder(crf, numTags), oovId };
}

/** Tag ids per row of a padded batch. */
async function runBatch({ session, decoder }: LacNetwork, batch: LacBatch): Promise<Int32Array[]> {
  const rows = batch.lengths.length;
  const output = (await session.run({
    [LAC_INPUT_WORD_IDS]: new Tensor('int64', batch.ids, [rows, batch.width]),
    [LAC_INPUT_SEQ_LENS]: new Tensor('int32', batch.lengths, [rows]),
  }))[LAC_OUTPUT_EMISSIONS]!;
  try {
    const emissions = output.data as Float32Array;
    const numTags = output.dims[2]!;
    if (numTags !== decoder.numTags) throw new Error(`the network scores ${numTags} tags but the CRF weights are for ${decoder.numTags}`);
    const tags: Int32Array[] = [];
    for (let b = 0; b < rows; b++) tags.push(decoder.decode(emissions, b * batch.width * numTags, batch.lengths[b]!));
    return tags;
  } finally {
    output.dispose();
  }
}

/**
 * One model call over pieces (character ids), run in groups of near-equal length: tag ids per piece, in order.
 * `grouped` false pads them all into one batch (the benchmark's reference: the network at its batch size).
 */
export function tagPieces(network: LacNetwork, pieces: readonly Int32Array[], grouped = true): Promise<Int32Array[]> {
  const run = (group: readonly Int32Array[]) => runBatch(network, packBatch(group, network.oovId));
  return grouped ? runByLength(pieces, run) : run(pieces);
}
