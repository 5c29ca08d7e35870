import { getSession, ort } from '../backends/onnx-session.js';
import { modelSignature, type ModelSignature } from '../backends/onnx-metadata.js';
import type { WireTensor } from './wire-tensor.js';

// Runs in an inference thread: any ONNX file, fed by name, answering the outputs asked for (all by default),
// or, for a describe task, the model's signature (the session is made here anyway, so the main thread never
// holds a copy of the model).

export interface OnnxRunTask {
  model: string;
  feeds: Record<string, WireTensor>;
  outputs?: string[];
}

export interface OnnxDescribeTask {
  model: string;
  describe: true;
}

export default async function onnxRun(task: OnnxRunTask | OnnxDescribeTask): Promise<Record<string, WireTensor> | ModelSignature> {
  const session = await getSession(task.model);
  if ('describe' in task) return modelSignature(session);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(task.feeds)) feeds[name] = new ort.Tensor(t.type, t.data as never, t.dims);
  const results = task.outputs ? await session.run(feeds, task.outputs) : await session.run(feeds);
  const out: Record<string, WireTensor> = {};
  for (const [name, t] of Object.entries(results)) out[name] = { type: t.type, dims: [...t.dims], data: t.data as WireTensor['data'] };
  return out;
}
