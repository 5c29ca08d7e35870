import { ort } from '../backends/onnx-session.js';
import { modelSignature, type ModelSignature } from '../backends/onnx-metadata.js';
import { defineInfer } from '../modules/contract/define-infer.js';
import { splitOutputs, stackInputs } from './stack.js';
import type { WireTensor } from './wire-tensor.js';

// Runs in an inference thread: any ONNX file. Its warm-up answers the model's signature (the session is made
// here anyway, so the main thread never holds a copy of the model); a call stacks the items of a batch (requests'
// tensors of the same shape but the first dimension) into one run and cuts the outputs back per item.

export interface OnnxItem {
  /** Rows along the batch dimension. */
  size: number;
  /** Items stack only with items whose tensors agree in everything but the first dimension. */
  key: string;
  feeds: Record<string, WireTensor>;
}

export default defineInfer({
  open: (file: { model: string }, tools) => tools.session(file.model),
  warmup: async (session): Promise<ModelSignature> => modelSignature(session),
  async run(items: OnnxItem[], session): Promise<Record<string, WireTensor>[]> {
    const stacked = items.length === 1 ? items[0]!.feeds : stackInputs(items.map((i) => i.feeds));
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(stacked)) feeds[name] = new ort.Tensor(t.type, t.data as never, t.dims);
    const results = await session.run(feeds);
    const outputs: Record<string, WireTensor> = {};
    for (const [name, t] of Object.entries(results)) outputs[name] = { type: t.type, dims: [...t.dims], data: t.data as WireTensor['data'] };
    return items.length === 1 ? [outputs] : splitOutputs(outputs, items.map((i) => i.size));
  },
});
