import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineInfer } from '../contract/define-infer.js';
import { lacFiles } from './cache-files.js';
import { LAC_SESSION_OPTIONS, lacNetwork, tagPieces, type LacNetwork } from './run-batch.js';

// Runs in an inference thread: LAC's network, the model lac, jieba_paddle and senta_bilstm declare. A call
// takes text pieces of any number of requests and answers each its tag ids, so neither the network nor the
// decoding of a long text ever holds the event loop.

/** The prepared model's folder (model.onnx, crf.f32), and the OOV id that pads a call's shorter pieces. */
export interface LacTaggerFiles {
  directory: string;
  oovId: number;
}

/** One text piece: its characters' vocab ids (q2b already applied); `size` is its length. */
export interface LacPiece {
  size: number;
  ids: Int32Array;
}

export default defineInfer({
  async open({ directory, oovId }: LacTaggerFiles, tools): Promise<LacNetwork> {
    const session = await tools.session(join(directory, lacFiles.model), LAC_SESSION_OPTIONS);
    const bytes = await readFile(join(directory, lacFiles.crf));
    // A copy: the file's bytes need not be 4-byte aligned in their buffer.
    return lacNetwork(session, new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), oovId);
  },
  // One character proves the network and the CRF weights fit each other before the first request.
  async warmup(network: LacNetwork): Promise<void> {
    await tagPieces(network, [Int32Array.of(network.oovId)]);
  },
  run: (pieces: LacPiece[], network: LacNetwork) => tagPieces(network, pieces.map((piece) => piece.ids)),
});
