import type { TransferListItem } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';

// Values crossing to an inference thread and back, with their small typed arrays gathered into one buffer.
// Cloned one by one, each typed array costs a backing store on both sides of postMessage: a LAC call's 64 pieces
// of character ids and 64 rows of tags took ~150 us per message that way, ~15 us packed. Large arrays stay
// where they are (copying them would cost more than it saves) and are moved whole when they own their buffer.

const TYPES = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;
type Typed = InstanceType<(typeof TYPES)[number]>;

/** Arrays of up to this many bytes are packed; larger ones travel on their own. */
export const PACK_MAX_BYTES = 64 * 1024;

/** Bytes every packed array starts on a multiple of (the widest element). */
const ALIGN = 8;

export interface PackedValues {
  /** The values, each packed array replaced by null (in a copy of its object where it was a property). */
  values: unknown[];
  /** The packed arrays' bytes, one after another; null when nothing was packed. */
  buffer: ArrayBuffer | null;
  /** Five numbers per packed array: value index, key index (-1: the value itself), type index, byte offset, length. */
  table: number[];
  keys: string[];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !Array.isArray(value);

function typeIndex(value: unknown): number {
  if (!ArrayBuffer.isView(value)) return -1;
  for (let t = 0; t < TYPES.length; t++) if (value instanceof TYPES[t]!) return t;
  return -1;
}

/** Small, and over memory of its own: an array over a SharedArrayBuffer is cloned as it is, still shared. */
const packable = (value: unknown): value is Typed =>
  typeIndex(value) >= 0 && (value as Typed).byteLength <= PACK_MAX_BYTES && (value as Typed).buffer instanceof ArrayBuffer;
const aligned = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

/** A typed array that is the whole of its buffer moves; a view into a larger buffer is copied (moving it would empty its neighbours). */
function ownBuffer(value: unknown): ArrayBuffer | undefined {
  if (!ArrayBuffer.isView(value) || !(value.buffer instanceof ArrayBuffer)) return undefined;
  return value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value.buffer : undefined;
}

/**
 * The values ready for postMessage, and what to list in its transfer list. Packing changes none of them; the
 * message then takes away the large arrays the list moves (a small array is copied, so it stays usable here).
 */
export function packArrays(values: readonly unknown[]): { packed: PackedValues; transfer: TransferListItem[] } {
  let bytes = 0;
  let count = 0;
  eachField(values, (field) => {
    if (!packable(field)) return;
    bytes = aligned(bytes) + field.byteLength;
    count++;
  });
  const transfer = new Set<ArrayBuffer>();
  const large = (field: unknown) => {
    const own = ArrayBuffer.isView(field) && !packable(field) ? ownBuffer(field) : undefined;
    if (own) transfer.add(own);
  };
  // A lone small array gains nothing from packing: it crosses as it is.
  if (count < 2) {
    eachField(values, large);
    return { packed: { values: [...values], buffer: null, table: [], keys: [] }, transfer: [...transfer] };
  }

  const buffer = new ArrayBuffer(aligned(bytes));
  const into = new Uint8Array(buffer);
  const table: number[] = [];
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const out = [...values];
  let offset = 0;
  eachField(values, (field, i, key) => {
    if (!packable(field)) return large(field);
    offset = aligned(offset);
    into.set(new Uint8Array(field.buffer, field.byteOffset, field.byteLength), offset);
    let k = -1;
    if (key === undefined) {
      out[i] = null;
    } else {
      k = keyIndex.get(key) ?? keys.length;
      if (k === keys.length) {
        keys.push(key);
        keyIndex.set(key, k);
      }
      // The caller's object stays as it is: the message carries a copy without the packed field.
      if (out[i] === values[i]) out[i] = { ...(values[i] as Record<string, unknown>) };
      (out[i] as Record<string, unknown>)[key] = null;
    }
    table.push(i, k, typeIndex(field), offset, field.length);
    offset += field.byteLength;
  });
  transfer.add(buffer);
  return { packed: { values: out, buffer, table, keys }, transfer: [...transfer] };
}

/** Each value, or each property of a value that is a plain object (items are), with where it is. */
function eachField(values: readonly unknown[], visit: (field: unknown, index: number, key: string | undefined) => void): void {
  values.forEach((value, index) => {
    if (isPlainObject(value)) for (const key in value) visit(value[key], index, key);
    else visit(value, index, undefined);
  });
}

/** The values as they were packed: each packed array a view into the one buffer. */
export function unpackArrays(packed: PackedValues): unknown[] {
  const { values, buffer, table, keys } = packed;
  if (!buffer) return values;
  for (let at = 0; at < table.length; at += 5) {
    const [valueIndex, key, type, offset, length] = [table[at]!, table[at + 1]!, table[at + 2]!, table[at + 3]!, table[at + 4]!];
    const view = new TYPES[type]!(buffer, offset, length);
    if (key < 0) values[valueIndex] = view;
    else (values[valueIndex] as Record<string, unknown>)[keys[key]!] = view;
  }
  return values;
}

/** Whether a value is what packArrays made (a worker's answer may be anything else, such as an error's). */
export function isPacked(value: unknown): value is PackedValues {
  return isPlainObject(value) && Array.isArray(value.values) && Array.isArray(value.table) && Array.isArray(value.keys)
    && (value.buffer === null || value.buffer instanceof ArrayBuffer);
}

/** For an inference thread's answer: the values packed, in the form piscina moves with its transfer list. */
export function movePacked(values: readonly unknown[]): unknown {
  const { packed, transfer } = packArrays(values);
  return move({ [transferableSymbol]: transfer, [valueSymbol]: packed } as unknown as Parameters<typeof move>[0]);
}
