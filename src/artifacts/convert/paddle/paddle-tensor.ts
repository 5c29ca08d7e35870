// Reader for Paddle's raw LoDTensor files (what fluid.io.save_vars writes, one tensor per file).
// Layout, all little-endian:
//   uint32 version | uint64 lod_level | per level: uint64 nbytes + nbytes |
//   uint32 tensor version | int32 desc length | TensorDesc protobuf | raw element data
// TensorDesc: field 1 data_type (varint enum), field 2 dims (int64, packed or not).

export interface PaddleTensor {
  dims: number[];
  data: Float32Array;
}

/** Paddle's VarType.Type values that can appear as a tensor's data_type; names are for error messages. */
const PADDLE_DTYPES: Record<number, string> = {
  0: 'BOOL', 1: 'INT16', 2: 'INT32', 3: 'INT64', 4: 'FP16', 5: 'FP32', 6: 'FP64',
  20: 'UINT8', 21: 'INT8', 22: 'BF16', 23: 'COMPLEX64', 24: 'COMPLEX128',
};
const FP32 = 5;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bounds-checked little-endian cursor; every read names what it was reading when the file runs out. */
class Cursor {
  private readonly view: DataView;
  pos = 0;

  constructor(readonly buf: Uint8Array, private readonly label: string) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.buf.byteLength) {
      throw new Error(`${this.label}: truncated file: need ${n} byte(s) for ${what} at offset ${this.pos}, ` +
        `but the file has ${this.buf.byteLength} byte(s)`);
    }
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64(what: string): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    // Sizes beyond 2^53 cannot be real for an in-memory file; refusing them keeps later arithmetic exact.
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${this.label}: ${what} is implausibly large (${v})`);
    return Number(v);
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }
}

/** Decodes a protobuf varint; values above 2^53 are rejected because dims and enums never get that big. */
function readVarint(buf: Uint8Array, pos: number, end: number, label: string): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new Error(`${label}: truncated TensorDesc (varint runs past its end)`);
    const byte = buf[pos++];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      // A negative int64 (e.g. a -1 dim) encodes as ten bytes and lands here as a huge number.
      if (value > Number.MAX_SAFE_INTEGER) throw new Error(`${label}: TensorDesc holds a negative or oversized value`);
      return [value, pos];
    }
    scale *= 128;
  }
  throw new Error(`${label}: malformed varint in TensorDesc`);
}

interface TensorDesc {
  dataType: number | undefined;
  dims: number[];
}

function parseTensorDesc(buf: Uint8Array, start: number, end: number, label: string): TensorDesc {
  const desc: TensorDesc = { dataType: undefined, dims: [] };
  let pos = start;
  while (pos < end) {
    let key: number;
    [key, pos] = readVarint(buf, pos, end, label);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 1 && wire === 0) {
      [desc.dataType, pos] = readVarint(buf, pos, end, label);
    } else if (field === 2 && wire === 0) {
      let d: number;
      [d, pos] = readVarint(buf, pos, end, label);
      desc.dims.push(d);
    } else if (field === 2 && wire === 2) {
      let len: number;
      [len, pos] = readVarint(buf, pos, end, label);
      const stop = pos + len;
      if (stop > end) throw new Error(`${label}: truncated TensorDesc (packed dims run past its end)`);
      while (pos < stop) {
        let d: number;
        [d, pos] = readVarint(buf, pos, stop, label);
        desc.dims.push(d);
      }
    } else {
      // Unknown field: skip it by wire type so newer writers stay readable.
      if (wire === 0) [, pos] = readVarint(buf, pos, end, label);
      else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else if (wire === 2) {
        let len: number;
        [len, pos] = readVarint(buf, pos, end, label);
        pos += len;
      } else throw new Error(`${label}: unsupported protobuf wire type ${wire} in TensorDesc`);
      if (pos > end) throw new Error(`${label}: truncated TensorDesc`);
    }
  }
  return desc;
}

/**
 * Parses one Paddle raw tensor file holding float32 data. `label` (e.g. the file name) prefixes error messages.
 * LoD information is skipped: parameters never carry any, and we only need dims and values.
 */
export function readPaddleTensor(buf: Uint8Array, label = 'paddle tensor'): PaddleTensor {
  const c = new Cursor(buf, label);

  const version = c.u32('the format version');
  if (version !== 0) throw new Error(`${label}: unsupported LoDTensor version ${version} (expected 0)`);

  const lodLevels = c.u64('the LoD level count');
  for (let i = 0; i < lodLevels; i++) {
    const n = c.u64(`the byte size of LoD level ${i}`);
    c.skip(n, `LoD level ${i}`);
  }

  const tensorVersion = c.u32('the tensor version');
  if (tensorVersion !== 0) throw new Error(`${label}: unsupported tensor version ${tensorVersion} (expected 0)`);

  const descLen = c.i32('the TensorDesc length');
  if (descLen < 0) throw new Error(`${label}: negative TensorDesc length ${descLen}`);
  c.need(descLen, 'the TensorDesc');
  const desc = parseTensorDesc(buf, c.pos, c.pos + descLen, label);
  c.pos += descLen;

  if (desc.dataType === undefined) throw new Error(`${label}: TensorDesc has no data_type`);
  if (desc.dataType !== FP32) {
    const name = PADDLE_DTYPES[desc.dataType] ?? `unknown(${desc.dataType})`;
    throw new Error(`${label}: unsupported data_type ${name} (${desc.dataType}); only FP32 (5) is supported`);
  }

  const numel = desc.dims.reduce((a, b) => a * b, 1);
  const expected = numel * 4;
  const actual = buf.byteLength - c.pos;
  if (actual !== expected) {
    throw new Error(`${label}: size mismatch: dims [${desc.dims.join(', ')}] need ${expected} data byte(s), ` +
      `file has ${actual}${actual < expected ? ' (truncated)' : ' (trailing bytes)'}`);
  }

  const data = new Float32Array(numel);
  if (HOST_LITTLE_ENDIAN) {
    // Copy the bytes: the data in the file is not necessarily 4-byte aligned, so a view is not always possible.
    new Uint8Array(data.buffer).set(buf.subarray(c.pos, c.pos + expected));
  } else {
    const view = new DataView(buf.buffer, buf.byteOffset + c.pos, expected);
    for (let i = 0; i < numel; i++) data[i] = view.getFloat32(i * 4, true);
  }
  return { dims: desc.dims, data };
}
