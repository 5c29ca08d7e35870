import { specOf, type V2Datatype } from './datatypes.js';
import { elementCount } from './shape.js';

// Tensors of the Open Inference Protocol to typed arrays and back: JSON `data` (flat or nested, row-major) and
// the binary tensor extension's raw bytes (little-endian; BYTES elements each prefixed by a 4-byte length).
// Every check names the tensor, so a client learns which input is wrong and why.

export type TensorData = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | BigInt64Array | BigUint64Array | Float32Array | Float64Array | string[];

export interface DecodedTensor {
  name: string;
  datatype: V2Datatype;
  shape: number[];
  data: TensorData;
}

export class TensorError extends Error {}

/** Flattens nested lists without recursion; the nesting may not be deeper than the shape has dimensions. */
export function flatten(data: unknown, maxDepth: number, name: string): unknown[] {
  if (!Array.isArray(data)) throw new TensorError(`input ${name}: "data" must be a list`);
  const out: unknown[] = [];
  const stack: { list: unknown[]; index: number }[] = [{ list: data, index: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.index >= top.list.length) {
      stack.pop();
      continue;
    }
    const value = top.list[top.index++];
    if (Array.isArray(value)) {
      if (stack.length >= maxDepth) throw new TensorError(`input ${name}: "data" is nested deeper than its ${maxDepth} dimensions`);
      stack.push({ list: value, index: 0 });
    } else {
      out.push(value);
    }
  }
  return out;
}

/** IEEE 754 half-precision bits of a number (round to nearest even), as FP16 tensors hold them. */
export function toHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf, NaN
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow to Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow to zero
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && (half & 1)) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? 1 : 0));
}

/** The number a half-precision value holds. */
export function fromHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function integerCheck(datatype: V2Datatype, name: string): (v: unknown, i: number) => number {
  const [min, max] = specOf(datatype).range!.map(Number) as [number, number];
  return (v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new TensorError(`input ${name}: element ${i} is ${JSON.stringify(v)}; ${datatype} takes integers from ${min} to ${max}`);
    }
    if (!Number.isSafeInteger(v)) throw new TensorError(`input ${name}: element ${i} is beyond 2^53, which JSON numbers cannot carry exactly; send it in binary form`);
    return v;
  };
}

/** A JSON input tensor to typed data, checked against its shape and datatype. */
export function decodeJsonTensor(name: string, datatype: V2Datatype, shape: number[], data: unknown): DecodedTensor {
  const values = flatten(data, Math.max(1, shape.length), name);
  const count = elementCount(shape);
  if (values.length !== count) throw new TensorError(`input ${name}: shape [${shape.join(', ')}] holds ${count} elements, "data" has ${values.length}`);
  const number = (v: unknown, i: number) => {
    if (typeof v !== 'number') throw new TensorError(`input ${name}: element ${i} is ${JSON.stringify(v)}; ${datatype} takes numbers`);
    return v;
  };
  let out: TensorData;
  switch (datatype) {
    case 'BOOL':
      out = Uint8Array.from(values, (v, i) => {
        if (typeof v !== 'boolean') throw new TensorError(`input ${name}: element ${i} is ${JSON.stringify(v)}; BOOL takes true or false`);
        return v ? 1 : 0;
      });
      break;
    case 'BYTES':
      out = values.map((v, i) => {
        if (typeof v !== 'string') throw new TensorError(`input ${name}: element ${i} is ${JSON.stringify(v)}; BYTES takes strings`);
        return v;
      });
      break;
    case 'FP16':
      out = Uint16Array.from(values, (v, i) => toHalf(number(v, i)));
      break;
    case 'FP32':
      out = Float32Array.from(values, number);
      break;
    case 'FP64':
      out = Float64Array.from(values, number);
      break;
    case 'INT64':
      out = BigInt64Array.from(values, (v, i) => BigInt(integerCheck(datatype, name)(v, i)));
      break;
    case 'UINT64':
      out = BigUint64Array.from(values, (v, i) => BigInt(integerCheck(datatype, name)(v, i)));
      break;
    default: {
      const check = integerCheck(datatype, name);
      const numbers = values.map(check);
      const typed = { UINT8: Uint8Array, UINT16: Uint16Array, UINT32: Uint32Array, INT8: Int8Array, INT16: Int16Array, INT32: Int32Array } as const;
      out = new typed[datatype as keyof typeof typed](numbers);
    }
  }
  return { name, datatype, shape, data: out };
}

/** Output data as JSON values, flat and row-major (64-bit integers as numbers, FP16 as the numbers they hold). */
export function toJsonData(datatype: V2Datatype, data: TensorData): unknown[] {
  if (Array.isArray(data)) return data;
  if (datatype === 'BOOL') return Array.from(data as Uint8Array, (v) => v !== 0);
  if (datatype === 'FP16') return Array.from(data as Uint16Array, fromHalf);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, (v) => Number(v));
  return Array.from(data as ArrayLike<number>);
}

const utf8 = new TextEncoder();
const text = new TextDecoder('utf-8', { fatal: true });

/** A binary input tensor (little-endian raw data, or length-prefixed BYTES) to typed data. */
export function decodeBinaryTensor(name: string, datatype: V2Datatype, shape: number[], bytes: Uint8Array): DecodedTensor {
  const count = elementCount(shape);
  if (datatype === 'BYTES') {
    const out: string[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    while (at < bytes.byteLength) {
      if (at + 4 > bytes.byteLength) throw new TensorError(`input ${name}: binary BYTES data ends inside a length prefix`);
      const length = view.getUint32(at, true);
      at += 4;
      if (at + length > bytes.byteLength) throw new TensorError(`input ${name}: binary BYTES element ${out.length} is longer than the data left`);
      try {
        out.push(text.decode(bytes.subarray(at, at + length)));
      } catch {
        throw new TensorError(`input ${name}: binary BYTES element ${out.length} is not UTF-8 text`);
      }
      at += length;
    }
    if (out.length !== count) throw new TensorError(`input ${name}: shape [${shape.join(', ')}] holds ${count} elements, the binary data has ${out.length}`);
    return { name, datatype, shape, data: out };
  }
  const size = specOf(datatype).size;
  if (bytes.byteLength !== count * size) {
    throw new TensorError(`input ${name}: shape [${shape.join(', ')}] of ${datatype} takes ${count * size} bytes, the binary data has ${bytes.byteLength}`);
  }
  // A copy on an aligned buffer of its own: views of the body may start at any byte.
  const own = new Uint8Array(bytes).buffer;
  const views = {
    BOOL: Uint8Array, UINT8: Uint8Array, UINT16: Uint16Array, UINT32: Uint32Array, UINT64: BigUint64Array,
    INT8: Int8Array, INT16: Int16Array, INT32: Int32Array, INT64: BigInt64Array, FP16: Uint16Array, FP32: Float32Array, FP64: Float64Array,
  } as const;
  return { name, datatype, shape, data: new views[datatype](own) };
}

/** Output data as the binary extension carries it. */
export function encodeBinaryTensor(data: TensorData): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const parts = data.map((s) => utf8.encode(s));
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const part of parts) {
    view.setUint32(at, part.byteLength, true);
    out.set(part, at + 4);
    at += 4 + part.byteLength;
  }
  return out;
}
