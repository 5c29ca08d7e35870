import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { float16ToFloat32 } from './float16.js';

// A TF.js graph model as its converter writes it: model.json (a GraphDef as JSON, plus a weights manifest)
// and binary shards. Read from disk here; no TF.js code is involved.

export interface TfAttr {
  /** Base64 of a string attribute (padding, data_format, ...). */
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { s?: string[]; i?: (string | number)[]; f?: number[] };
  shape?: { dim?: { size: string | number }[]; unknownRank?: boolean };
  tensor?: { dtype?: string; tensorShape?: { dim?: { size: string | number }[] } };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

export interface TfWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | string;
  quantization?: { dtype: 'float16' | 'uint8' | 'uint16'; scale?: number; min?: number; original_dtype?: string };
}

export interface TfModelJson {
  format?: string;
  modelTopology: { node: TfNode[] };
  weightsManifest: { paths: string[]; weights: TfWeightSpec[] }[];
  signature?: unknown;
}

export type TfTensorData = Float32Array | Int32Array | Uint8Array;

export interface TfConst {
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  data: TfTensorData;
}

export interface TfGraphModel {
  nodes: TfNode[];
  weights: Map<string, TfConst>;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function bytesPer(dtype: string): number {
  if (dtype === 'float16' || dtype === 'uint16') return 2;
  if (dtype === 'uint8' || dtype === 'bool') return 1;
  if (dtype === 'float32' || dtype === 'int32') return 4;
  throw new Error(`unsupported weight dtype ${dtype}`);
}

/** Splits the concatenated shards into named tensors, undoing float16 and affine 8/16-bit quantization. */
export function decodeWeights(specs: readonly TfWeightSpec[], data: Uint8Array): Map<string, TfConst> {
  const weights = new Map<string, TfConst>();
  let offset = 0;
  for (const spec of specs) {
    const count = numel(spec.shape);
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const size = count * bytesPer(stored);
    if (offset + size > data.byteLength) throw new Error(`weight ${spec.name} runs past the end of the shards`);
    const bytes = data.subarray(offset, offset + size);
    offset += size;
    const dtype = spec.dtype === 'int32' ? 'int32' : spec.dtype === 'bool' ? 'bool' : 'float32';
    if (spec.dtype !== 'float32' && spec.dtype !== 'int32' && spec.dtype !== 'bool') throw new Error(`weight ${spec.name}: unsupported dtype ${spec.dtype}`);
    let values: TfTensorData;
    const q = spec.quantization;
    if (q?.dtype === 'float16') {
      values = float16ToFloat32(bytes);
    } else if (q) {
      const raw = q.dtype === 'uint8' ? bytes : new Uint16Array(bytes.slice().buffer);
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      values = dtype === 'int32' ? Int32Array.from(raw, (v) => Math.round(v * scale + min)) : Float32Array.from(raw, (v) => v * scale + min);
    } else if (dtype === 'float32') {
      values = new Float32Array(bytes.slice().buffer);
    } else if (dtype === 'int32') {
      values = new Int32Array(bytes.slice().buffer);
    } else {
      values = bytes.slice();
    }
    weights.set(spec.name, { dtype, shape: spec.shape, data: values });
  }
  if (offset !== data.byteLength) throw new Error(`the shards hold ${data.byteLength} bytes, the manifest describes ${offset}`);
  return weights;
}

/** Reads model.json and its shards (paths relative to it). */
export async function readTfjsModel(modelJsonPath: string): Promise<TfGraphModel> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as TfModelJson;
  if (!json.modelTopology?.node || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${modelJsonPath} is not a TF.js graph model (no modelTopology.node or weightsManifest)`);
  }
  const dir = dirname(modelJsonPath);
  const shards = await Promise.all(json.weightsManifest.flatMap((group) => group.paths).map((p) => readFile(join(dir, p))));
  const data = new Uint8Array(Buffer.concat(shards));
  return { nodes: json.modelTopology.node, weights: decodeWeights(json.weightsManifest.flatMap((g) => g.weights), data) };
}

/** The shard files a model.json names, for install steps that copy or checksum them. */
export function shardPaths(json: TfModelJson): string[] {
  return json.weightsManifest.flatMap((group) => group.paths);
}
