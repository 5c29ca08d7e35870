// One thread of the in-process limit: its own LacRunner (the server's session options: 1 intra-op thread),
// called in a tight loop with no HTTP, no JSON and no thread hand-off (the loop is lib/inprocess-loop.ts).

import { workerData } from 'node:worker_threads';
import { sessionOptions } from '../src/backends/onnx-session.js';
import type { LacArtifacts } from '../src/modules/lac/convert.js';
import { LacRunner } from '../src/modules/lac/lac-runner.js';
import { loopCalls } from './lib/inprocess-loop.js';

export interface LimitWorkerData {
  artifacts: LacArtifacts;
  texts: string[];
}

const data = workerData as LimitWorkerData;
const runner = await LacRunner.create(data.artifacts, sessionOptions({ kind: 'cpu' }, 1));

/** One request's work: the server gets batch_size 1, so each text is its own model call, as here. */
async function call(): Promise<string[][]> {
  const words: string[][] = [];
  for (const text of data.texts) words.push((await runner.run([text]))[0].word);
  return words;
}

await loopCalls(call, (words) => words, () => runner.close());
