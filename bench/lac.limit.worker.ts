// One thread of the in-process limit: its own LacRunner (the server's session options: 1 intra-op thread),
// called in a tight loop with no HTTP, no JSON and no thread hand-off. Warms up, reports ready, waits for
// the start signal so that all threads measure the same window, then loops for a fixed time.

import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { sessionOptions } from '../src/backends/onnx-session.js';
import type { LacArtifacts } from '../src/modules/lac/convert.js';
import { LacRunner } from '../src/modules/lac/lac-runner.js';

export interface LimitWorkerData {
  artifacts: LacArtifacts;
  texts: string[];
  warmupMs: number;
  measureMs: number;
}

export type LimitWorkerMessage =
  | { type: 'ready'; words: string[][] }
  | { type: 'done'; calls: number; seconds: number; latenciesMs: Float64Array };

const data = workerData as LimitWorkerData;
const port = parentPort!;
const runner = await LacRunner.create(data.artifacts, sessionOptions({ kind: 'cpu' }, 1));

/** One request's work: the server gets batch_size 1, so each text is its own model call, as here. */
async function call(): Promise<string[][]> {
  const words: string[][] = [];
  for (const text of data.texts) words.push((await runner.run([text]))[0].word);
  return words;
}

const words = await call();
const warmEnd = performance.now() + data.warmupMs;
while (performance.now() < warmEnd) await call();

port.once('message', async () => {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + data.measureMs;
  let now = start;
  while (now < end) {
    const t = now;
    await call();
    now = performance.now();
    latencies.push(now - t);
  }
  const latenciesMs = Float64Array.from(latencies);
  const message: LimitWorkerMessage = { type: 'done', calls: latencies.length, seconds: (now - start) / 1000, latenciesMs };
  port.postMessage(message, [latenciesMs.buffer]);
  await runner.close();
});
const ready: LimitWorkerMessage = { type: 'ready', words };
port.postMessage(ready);
