// One thread of an image bench's in-process figure: the module's own load() and predict(), the server's code
// path, with a pool stand-in that calls the module's task file directly on this thread instead of handing the
// task to an inference thread. So one call = one request's work (argument check, base64 and image decode,
// resize, the networks, post-processing) without HTTP, JSON or a thread hand-off. Sessions are created by
// src/backends/onnx-session.ts as in the server: CPU, 1 intra-op thread (this thread has no pool data).

import { workerData } from 'node:worker_threads';
import { valueSymbol } from 'piscina';
import { pino } from 'pino';
import { findModule } from '../src/modules/registry.js';
import type { InstallResult, ModuleContext } from '../src/modules/types.js';
import type { InferencePool } from '../src/scheduler/pool.js';
import { loopCalls } from './lib/inprocess-loop.js';

export interface VisionWorkerData {
  module: string;
  installed: InstallResult;
  /** The request body the served target gets, already parsed. */
  body: Record<string, unknown>;
}

const data = workerData as VisionWorkerData;
const definition = findModule(data.module);
if (!definition) throw new Error(`no module ${data.module}`);

/** Task files by URL, imported once: the default export is what an inference thread would run. */
const tasks = new Map<string, Promise<(payload: unknown) => Promise<unknown>>>();
function taskOf(file: string) {
  let task = tasks.get(file);
  if (!task) {
    task = import(file).then((m: { default: (payload: unknown) => Promise<unknown> }) => m.default);
    tasks.set(file, task);
  }
  return task;
}

const moved = (answer: unknown) =>
  typeof answer === 'object' && answer !== null && valueSymbol in answer ? (answer as Record<symbol, unknown>)[valueSymbol] : answer;

const pool = {
  threads: 1,
  // An answer marked to be moved is unwrapped here, as piscina does before it posts it.
  run: async (file: string, payload: unknown) => moved(await (await taskOf(file))(payload)),
  broadcast: async (file: string, payload: unknown) => [await (await taskOf(file))(payload)],
};
const context: ModuleContext = { initArgs: {}, pool: pool as unknown as InferencePool, log: pino({ level: 'silent' }) };
const loaded = await definition.load(context, data.installed);
const signal = new AbortController().signal;

async function call(): Promise<unknown[]> {
  // The server checks every request against the schema before predict; so does each call here.
  return loaded.predict(definition!.predictSchema.parse(data.body), { signal });
}

await loopCalls(call, (results) => results, () => loaded.close?.() ?? Promise.resolve());
