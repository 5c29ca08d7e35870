// Where LAC's model call spends CPU, per sentence, at the batch sizes the server forms: the whole call
// (tagPieces: padding, the BiGRU in ONNX Runtime, Viterbi per row), the network alone and the decoding alone.
// In process, one session with the server's options (1 intra-op thread), the benchmark's two sentences
// (10 and 7 characters). Parts are measured in alternating rounds so a busy machine weighs on all alike;
// figures are medians of process CPU time.
//
//   node dist/bench/lac.batch-cost.js [prepared lac folder]   (default: the one installed under HUB_HOME)

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from '../src/backends/onnx-session.js';
import { lacFiles, lexiconOf, readLexiconFiles } from '../src/modules/lac/cache-files.js';
import { LAC_INPUT_SEQ_LENS, LAC_INPUT_WORD_IDS, LAC_OUTPUT_EMISSIONS } from '../src/modules/lac/graph-names.js';
import { packBatch } from '../src/modules/lac/pipeline.js';
import { LAC_SESSION_OPTIONS, lacNetwork, tagPieces } from '../src/modules/lac/run-batch.js';
import { installedLac } from '../src/modules/lac/weights.js';
import { num, textTable } from './lib/markdown.js';

const BATCHES = [1, 4, 16, 32, 64];
const TEXTS = ['天气预报说今天要下雨', '今天是个好日子'];
const ROUNDS = 15;
/** Sentences per measurement, so each lasts tens of milliseconds. */
const SENTENCES_PER_ROUND = 640;

const directory = process.argv[2] ?? (await installedLac({}))?.directory;
if (!directory) throw new Error('no prepared lac: run `hub install lac` (with this HUB_HOME) or name a prepared folder');

const lexicon = lexiconOf(await readLexiconFiles(directory));
const crfBytes = await readFile(join(directory, lacFiles.crf));
const crf = new Float32Array(crfBytes.buffer.slice(crfBytes.byteOffset, crfBytes.byteOffset + crfBytes.byteLength));
const session = await ort.InferenceSession.create(join(directory, lacFiles.model), { ...sessionOptions({ kind: 'cpu' }, 1), ...LAC_SESSION_OPTIONS });
const network = lacNetwork(session, crf, lexicon.oovId);

const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const rows: string[][] = [];
for (const size of BATCHES) {
  // Longest first, as the pipeline orders a call's pieces.
  const pieces = Array.from({ length: size }, (_, i) => TEXTS[i < size / 2 ? 0 : 1]!)
    .map((text) => Int32Array.from(Array.from(text), (ch) => lexicon.vocab.get(ch) ?? lexicon.oovId));
  const batch = packBatch(pieces, lexicon.oovId);
  const feeds = {
    [LAC_INPUT_WORD_IDS]: new ort.Tensor('int64', batch.ids, [size, batch.width]),
    [LAC_INPUT_SEQ_LENS]: new ort.Tensor('int32', batch.lengths, [size]),
  };
  const emissions = (await session.run(feeds))[LAC_OUTPUT_EMISSIONS]!.data as Float32Array;
  const rowValues = batch.width * network.decoder.numTags;

  const parts: Record<string, () => Promise<unknown> | void> = {
    call: () => tagPieces(network, pieces),
    network: () => session.run(feeds),
    decode: () => {
      for (let b = 0; b < size; b++) network.decoder.decode(emissions, b * rowValues, batch.lengths[b]!);
    },
  };
  const calls = Math.max(5, Math.round(SENTENCES_PER_ROUND / size));
  const perSentence: Record<string, number[]> = {};
  for (let round = -2; round < ROUNDS; round++) { // two rounds to warm up
    for (const [part, run] of Object.entries(parts)) {
      const before = cpuMicros();
      for (let i = 0; i < calls; i++) await run();
      if (round >= 0) (perSentence[part] ??= []).push((cpuMicros() - before) / calls / size);
    }
  }
  rows.push([String(size), ...Object.keys(parts).map((part) => num(median(perSentence[part]!), 1))]);
}

console.log(`LAC model call, CPU us per sentence (median of ${ROUNDS} rounds), ${directory}`);
console.log(textTable(['batch', 'call', 'network', 'decode'], rows));
await session.release();
