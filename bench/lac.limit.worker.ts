// One thread of the in-process limit: its own LacRunner (the server's pipeline and session options: 1 intra-op
// thread), called in a tight loop with no HTTP, no JSON and no thread hand-off (the loop is lib/inprocess-loop.ts).

import { workerData } from 'node:worker_threads';
import { sessionOptions } from '../src/backends/onnx-session.js';
import type { LacArtifacts } from '../src/artifacts/convert/paddle/lac-convert.js';
import { LacRunner } from '../src/modules/lac/lac-runner.js';
import { loopCalls } from './lib/inprocess-loop.js';

export interface LimitWorkerData {
  artifacts: LacArtifacts;
  texts: string[];
  /** Requests' worth of texts per call: the server batches across requests, so the limit does too. */
  copies: number;
  /** Rows of a call in length groups, as the server runs them; false: one padded call (the network at batch 64). */
  lengthGroups: boolean;
}

const data = workerData as LimitWorkerData;
const runner = await LacRunner.create(data.artifacts, sessionOptions({ kind: 'cpu' }, 1));

const batch = Array.from({ length: data.copies }, () => data.texts).flat();

/** `copies` requests' texts through the server's pipeline in one go (64 short texts: one model call, or its length groups). */
async function call(): Promise<string[][]> {
  const results = await runner.run(batch, { lengthGroups: data.lengthGroups });
  return results.slice(0, data.texts.length).map((r) => r.word);
}

await loopCalls(call, (words) => words, () => runner.close());
