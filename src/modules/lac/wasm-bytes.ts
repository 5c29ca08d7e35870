// The few pieces of WebAssembly's binary format that LAC's Viterbi kernel (viterbi-kernel.ts) is written in:
// LEB128 numbers, sections, and the instructions it uses, each a function returning its bytes. The kernel is
// small enough to write by hand, and building it here keeps the project free of a WebAssembly toolchain.

export type Bytes = number[];

/** Unsigned LEB128. */
export function uleb(n: number): Bytes {
  const out: Bytes = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32.const's immediate). */
function sleb(n: number): Bytes {
  const out: Bytes = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

/** A vector: its length, then its items. */
export const vector = (items: Bytes[]): Bytes => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: Bytes): Bytes => [id, ...uleb(body.length), ...body];
export const name = (text: string): Bytes => vector([...Buffer.from(text, 'utf8')].map((b) => [b]));

export const I32 = 0x7f;
export const V128 = 0x7b;

// Variables and integers.
export const get = (local: number): Bytes => [0x20, ...uleb(local)];
export const set = (local: number): Bytes => [0x21, ...uleb(local)];
export const i32 = (value: number): Bytes => [0x41, ...sleb(value)];
export const i32Add: Bytes = [0x6a];
export const i32Mul: Bytes = [0x6c];
export const i32LtS: Bytes = [0x48];

/** A loop whose body branches back to its start with `repeatIf`. */
export const loop = (...body: Bytes[]): Bytes => [0x03, 0x40, ...body.flat(), 0x0b];
/** Inside a loop's own body: branch to its start when the i32 on the stack is non-zero. */
export const repeatIf: Bytes = [0x0d, 0];

// Memory, alignment hints as the natural ones (the kernel's addresses are multiples of 4).
export const f32Load: Bytes = [0x2a, 2, 0];

// SIMD (0xfd prefix).
const simd = (op: number, ...immediates: number[]): Bytes => [0xfd, ...uleb(op), ...immediates];
export const v128Load: Bytes = simd(0x00, 2, 0);
export const v128Store: Bytes = simd(0x0b, 2, 0);
export const i32x4Splat: Bytes = simd(0x11);
export const f32x4Splat: Bytes = simd(0x13);
/** Lane-wise IEEE a > b: false where either is NaN. */
export const f32x4Gt: Bytes = simd(0x44);
/** (a, b, mask) -> a where mask bits are set, b elsewhere. */
export const v128Bitselect: Bytes = simd(0x52);
/** Lane-wise binary32 addition, rounded to nearest even. */
export const f32x4Add: Bytes = simd(0xe4);
