import { basename } from 'node:path';
import type { ModelSignature, TensorMetadata } from '../backends/onnx-metadata.js';
import { hubError } from '../errors/catalogue.js';
import { inferModel, openModel, type ModelHandle } from '../modules/contract/model-handle.js';
import type { CallContext, ModuleContext } from '../modules/types.js';
import { specOf } from '../server/v2/datatypes.js';
import { TensorError, type DecodedTensor } from '../server/v2/tensor-codec.js';
import { shapeMismatch } from '../server/v2/shape.js';
import type { OnnxItem } from './onnx-run.infer.js';
import { stackKey } from './stack.js';
import type { WireTensor } from './wire-tensor.js';
import type { V2Model } from '../server/v2/routes.js';

// Any ONNX file served with no code: its signature comes from the model, requests' tensors are checked
// against it, and where the model has a batch dimension, concurrent requests are stacked into one call by the
// scheduler (a request is one item of as many rows as its batch). Outputs go back to each request. The file is
// a model of the module contract like any module's: opened in every thread, fed through its batcher.

export const ONNX_DEFAULT_SCHEDULE = { maxBatchSize: 32, maxElements: 32, maxQueueDelayMs: 0, maxQueueSize: 1024 };

const onnxRun = inferModel<typeof import('./onnx-run.infer.js').default>(new URL('./onnx-run.infer.js', import.meta.url), ONNX_DEFAULT_SCHEDULE,
  // Rows are what a call is limited by; without a batch dimension every request is its own call.
  (schedule, signature) => (signature.batchDimension ? { ...schedule, maxElements: schedule.maxBatchSize } : { ...schedule, maxBatchSize: 1 }));

export class OnnxFileModel {
  private closing = false;

  private constructor(
    readonly name: string,
    readonly path: string,
    readonly signature: ModelSignature,
    private readonly handle: ModelHandle<OnnxItem, Record<string, WireTensor>, ModelSignature>,
  ) {}

  /** Loads the model in every thread (a broken file fails here, not at the first request) and reads its signature. */
  static async load(name: string, path: string, pool: ModuleContext['pool'], context: Pick<ModuleContext, 'schedule' | 'observe'> = {}): Promise<OnnxFileModel> {
    const handle = await openModel(name, onnxRun, { model: path }, { ...context, pool });
    return new OnnxFileModel(name, path, handle.info, handle);
  }

  static nameOf(path: string): string {
    return basename(path).replace(/\.onnx$/i, '');
  }

  get queueLength(): number {
    return this.handle.queueLength;
  }

  get running(): number {
    return this.handle.running;
  }

  /** Checks the request's tensors against the signature: every input given once, datatypes and shapes that fit. */
  feedsFor(inputs: DecodedTensor[]): Record<string, WireTensor> {
    const declared = new Map(this.signature.inputs.map((t) => [t.name, t]));
    const feeds: Record<string, WireTensor> = {};
    for (const input of inputs) {
      const want = declared.get(input.name);
      if (!want) throw new TensorError(`input ${input.name} is not an input of ${this.name}; its inputs: ${[...declared.keys()].join(', ')}`);
      if (want.datatype !== input.datatype) throw new TensorError(`input ${input.name} must be ${want.datatype}, got ${input.datatype}`);
      const mismatch = shapeMismatch(input.shape, want.declared);
      if (mismatch) throw new TensorError(`input ${input.name}: ${mismatch}`);
      feeds[input.name] = { type: specOf(want.datatype).ort, dims: input.shape, data: input.data };
    }
    const missing = [...declared.keys()].filter((n) => !(n in feeds));
    if (missing.length) throw new TensorError(`${this.name} needs the input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    if (this.signature.batchDimension) {
      const rows = new Set(Object.values(feeds).map((f) => f.dims[0]));
      if (rows.size > 1) throw new TensorError(`the inputs disagree on the batch dimension: ${[...rows].join(' vs ')}`);
    }
    return feeds;
  }

  /**
   * Stops taking requests (they get 503), waits until its queued and running calls are done, then frees its
   * session in every thread: a session released while a call runs on it would take the process down.
   */
  async close(): Promise<void> {
    this.closing = true;
    await this.handle.close();
  }

  /** The model as the /v2 routes serve it. */
  asV2(version = '1'): V2Model {
    return {
      name: this.name,
      versions: [version],
      platform: 'onnxruntime_onnx',
      inputs: this.signature.inputs,
      outputs: this.signature.outputs,
      ready: () => !this.closing,
      infer: (request, call) => this.infer(request.inputs, request.outputs?.map((o) => o.name), call),
    };
  }

  /**
   * Runs several items of one request, each a batch of its own rows, in one submission: the scheduler merges
   * them with each other and with other requests' items. The results follow the items' order.
   */
  async inferItems(items: DecodedTensor[][], call: CallContext): Promise<Record<string, WireTensor>[]> {
    if (this.closing) throw hubError('MODEL_UNLOADING', this.name);
    const entries = items.map((inputs) => {
      const feeds = this.feedsFor(inputs);
      const rows = this.signature.batchDimension ? Object.values(feeds)[0]!.dims[0]! : 1;
      return { size: Math.max(1, rows), key: stackKey(feeds), feeds };
    });
    return this.handle.infer(entries, call);
  }

  /** Runs one request; outputs limited to `names` when given (unknown names are refused). */
  async infer(inputs: DecodedTensor[], names: string[] | undefined, call: CallContext): Promise<Record<string, WireTensor>> {
    if (this.closing) throw hubError('MODEL_UNLOADING', this.name);
    const outputs = new Map<string, TensorMetadata>(this.signature.outputs.map((t) => [t.name, t]));
    for (const name of names ?? []) if (!outputs.has(name)) throw new TensorError(`output ${name} is not an output of ${this.name}; its outputs: ${[...outputs.keys()].join(', ')}`);
    const feeds = this.feedsFor(inputs);
    const rows = this.signature.batchDimension ? Object.values(feeds)[0]!.dims[0]! : 1;
    const [result] = await this.handle.infer([{ size: Math.max(1, rows), key: stackKey(feeds), feeds }], call);
    if (!names) return result!;
    return Object.fromEntries(names.map((n) => [n, result![n]!]));
  }
}
