import type { Tensor } from 'onnxruntime-node';

// The Open Inference Protocol's datatypes and ONNX Runtime's tensor types, both ways, with what each holds:
// the typed array a tensor's data lives in and its element size in the binary tensor extension.

export type V2Datatype = 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

interface DatatypeSpec {
  ort: Tensor.Type;
  /** Bytes per element in binary form; BYTES elements are length-prefixed instead. */
  size: number;
  /** Smallest and largest JSON number an integer element may hold. */
  range?: [number | bigint, number | bigint];
}

const SPECS: Record<V2Datatype, DatatypeSpec> = {
  BOOL: { ort: 'bool', size: 1 },
  UINT8: { ort: 'uint8', size: 1, range: [0, 255] },
  UINT16: { ort: 'uint16', size: 2, range: [0, 65535] },
  UINT32: { ort: 'uint32', size: 4, range: [0, 4294967295] },
  UINT64: { ort: 'uint64', size: 8, range: [0n, 18446744073709551615n] },
  INT8: { ort: 'int8', size: 1, range: [-128, 127] },
  INT16: { ort: 'int16', size: 2, range: [-32768, 32767] },
  INT32: { ort: 'int32', size: 4, range: [-2147483648, 2147483647] },
  INT64: { ort: 'int64', size: 8, range: [-9223372036854775808n, 9223372036854775807n] },
  FP16: { ort: 'float16', size: 2 },
  FP32: { ort: 'float32', size: 4 },
  FP64: { ort: 'float64', size: 8 },
  BYTES: { ort: 'string', size: 0 },
};

export const V2_DATATYPES = Object.keys(SPECS) as V2Datatype[];

export function isV2Datatype(value: unknown): value is V2Datatype {
  return typeof value === 'string' && Object.hasOwn(SPECS, value);
}

export function specOf(datatype: V2Datatype): DatatypeSpec {
  return SPECS[datatype];
}

/** The protocol's name for an ONNX Runtime tensor type; undefined for types it has none for (int4, uint4). */
export function datatypeOfOrt(type: Tensor.Type): V2Datatype | undefined {
  return V2_DATATYPES.find((d) => SPECS[d].ort === type);
}
