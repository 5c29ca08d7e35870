// Small typed helpers for writing ONNX models with onnx-proto (protobufjs 6 generated code).
// Generic on purpose: nothing here knows about LAC, so other converted modules can reuse it.

import { createRequire } from 'node:module';
import type OnnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

// protobufjs and the generated ONNX schema cost about 100 ms of CPU to load, in the main thread and in every
// inference thread whose task files import this one; only encoding a model (a conversion) needs them, so they
// are loaded then. onnx-proto is CommonJS: require gives its module.exports.
let loaded: typeof OnnxProto.onnx | undefined;
const onnxSchema = () => (loaded ??= (createRequire(import.meta.url)('onnx-proto') as typeof OnnxProto).onnx);

export type TensorProto = OnnxTypes.ITensorProto;
export type NodeProto = OnnxTypes.INodeProto;
export type ValueInfoProto = OnnxTypes.IValueInfoProto;
export type AttributeProto = OnnxTypes.IAttributeProto;

/** ONNX element types we write: values of TensorProto.DataType, fixed by the ONNX specification. */
export const ElemType = { FLOAT: 1, UINT8: 2, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11 } as const;
export type ElemType = (typeof ElemType)[keyof typeof ElemType];

/** A dimension in a value info: a fixed size, or a symbolic name such as 'batch'. */
export type Dim = number | string;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** ONNX raw_data is always little-endian; swap element bytes only on a big-endian host. */
function littleEndianBytes(arr: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  if (HOST_LITTLE_ENDIAN) return bytes;
  const width = arr.BYTES_PER_ELEMENT;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) {
    for (let k = 0; k < width; k++) out[i + k] = bytes[i + width - 1 - k];
  }
  return out;
}

function checkCount(name: string, dims: readonly number[], count: number): void {
  const numel = dims.reduce((a, b) => a * b, 1);
  if (numel !== count) throw new Error(`initializer ${name}: dims [${dims.join(', ')}] need ${numel} values, got ${count}`);
}

/** A float32 initializer stored as raw_data (compact, and fast for ORT to load). */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array | readonly number[]): TensorProto {
  const arr = data instanceof Float32Array ? data : Float32Array.from(data);
  checkCount(name, dims, arr.length);
  return { name, dims: [...dims], dataType: ElemType.FLOAT, rawData: littleEndianBytes(arr) };
}

export function int64Tensor(name: string, dims: readonly number[], values: readonly (number | bigint)[]): TensorProto {
  checkCount(name, dims, values.length);
  const arr = BigInt64Array.from(values, (v) => BigInt(v));
  return { name, dims: [...dims], dataType: ElemType.INT64, rawData: littleEndianBytes(arr) };
}

export function int32Tensor(name: string, dims: readonly number[], values: Int32Array | readonly number[]): TensorProto {
  const arr = values instanceof Int32Array ? values : Int32Array.from(values);
  checkCount(name, dims, arr.length);
  return { name, dims: [...dims], dataType: ElemType.INT32, rawData: littleEndianBytes(arr) };
}

/** A tensor-typed graph input/output declaration. */
export function tensorValueInfo(name: string, elemType: ElemType, shape: readonly Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Attribute values without their name; `node` names them from the object key. */
export type AttrValue = Omit<AttributeProto, 'name'>;

/** Values of AttributeProto.AttributeType, fixed by the ONNX specification. */
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;
const attributeOf = (type: (typeof AttributeType)[keyof typeof AttributeType]) => type as OnnxTypes.AttributeProto.AttributeType;

// Explicit constructors because a JS number cannot tell INT from FLOAT.
export const attr = {
  int: (v: number): AttrValue => ({ type: attributeOf(AttributeType.INT), i: v }),
  float: (v: number): AttrValue => ({ type: attributeOf(AttributeType.FLOAT), f: v }),
  string: (v: string): AttrValue => ({ type: attributeOf(AttributeType.STRING), s: new TextEncoder().encode(v) }),
  ints: (v: readonly number[]): AttrValue => ({ type: attributeOf(AttributeType.INTS), ints: [...v] }),
  floats: (v: readonly number[]): AttrValue => ({ type: attributeOf(AttributeType.FLOATS), floats: [...v] }),
  strings: (v: readonly string[]): AttrValue => ({
    type: attributeOf(AttributeType.STRINGS),
    strings: v.map((s) => new TextEncoder().encode(s)),
  }),
};

/** One node. An empty string in `inputs` marks an omitted optional input, as ONNX specifies. */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Readonly<Record<string, AttrValue>> = {},
  name?: string,
): NodeProto {
  return {
    opType,
    input: [...inputs],
    output: [...outputs],
    name: name ?? `${opType}_${outputs[0] ?? ''}`,
    attribute: Object.entries(attributes).map(([key, value]) => ({ ...value, name: key })),
  };
}

export interface ModelSpec {
  graphName: string;
  nodes: NodeProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  initializers?: TensorProto[];
  /** Default opset 13 of the default ('ai.onnx') domain. */
  opset?: number;
  producerName?: string;
  docString?: string;
}

// IR version 7 is the oldest that allows opset 13, so every runtime that knows opset 13 reads it.
const IR_VERSION = 7;

/** Serialises a complete model to ModelProto bytes ready for InferenceSession.create(bytes). */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const onnx = onnxSchema();
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: spec.producerName ?? 'hub-serving',
    docString: spec.docString ?? '',
    opsetImport: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: spec.graphName,
      node: spec.nodes,
      input: spec.inputs,
      output: spec.outputs,
      initializer: spec.initializers ?? [],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Accumulates nodes and initializers and hands out unique names for intermediate values,
 * so graph-building code reads like a sequence of operations.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  /** Reserves a name (graph inputs, chosen outputs); duplicates are an error because ONNX requires SSA. */
  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`graph value name ${name} is used twice`);
    this.used.add(name);
    return name;
  }

  fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.counter++}`; while (this.used.has(name));
    return this.reserve(name);
  }

  /** Adds an initializer and returns its name for use as a node input. */
  init(tensor: TensorProto): string {
    if (!tensor.name) throw new Error('initializer needs a name');
    this.reserve(tensor.name);
    this.initializers.push(tensor);
    return tensor.name;
  }

  /** Adds a single-output node; the output gets `output` as its name, or a fresh one derived from opType. */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttrValue>> = {}, output?: string): string {
    const out = output === undefined ? this.fresh(opType.toLowerCase()) : this.reserve(output);
    this.nodes.push(node(opType, inputs, [out], attributes));
    return out;
  }

  /** Adds a node with several outputs; pass '' for outputs you do not want (ONNX's "omitted"). */
  opMulti(opType: string, inputs: readonly string[], outputs: readonly string[],
    attributes: Readonly<Record<string, AttrValue>> = {}): string[] {
    const outs = outputs.map((o) => (o === '' ? '' : this.reserve(o)));
    this.nodes.push(node(opType, inputs, outs, attributes));
    return outs;
  }

  encode(spec: Omit<ModelSpec, 'nodes' | 'initializers'>): Uint8Array {
    return encodeModel({ ...spec, nodes: this.nodes, initializers: this.initializers });
  }
}
