// The forward pass of LAC's CRF Viterbi as a WebAssembly SIMD function: it takes most of a sentence's decoding
// time in plain JS (57 x 57 additions and comparisons per character); four lanes at a time it costs about a
// seventh. viterbi.ts lays out its memory and does the first and last steps.
//
// It computes exactly what Paddle's scalar kernel does, target tag by target tag: lane i of a vector holds
// target i, and for it the source tags j are visited in increasing order with a running (best, from) that
// starts at (-FLT_MAX, 0) and changes only on a strictly greater score, so the lowest j wins ties. f32x4.add
// is binary32 addition rounded to nearest even, which is what Math.fround(a + b) gives for binary32 a and b;
// f32x4.gt is IEEE's ordered >, false with NaN, as JS's > is; WebAssembly keeps subnormals. Lanes past the
// last tag compute values nobody reads.

import {
  I32, V128, f32Load, f32x4Add, f32x4Gt, f32x4Splat, get, i32, i32Add, i32LtS, i32Mul, i32x4Splat, loop, name,
  repeatIf, section, set, uleb, v128Bitselect, v128Load, v128Store, vector, type Bytes,
} from './wasm-bytes.js';

/**
 * forward(numTags, rowBytes, length, emissions, trans, alpha, next, best, from, track) -> address of the
 * final scores. Addresses are byte offsets into the exported memory:
 * - emissions: length x numTags binary32, rows unpadded, readable 16 bytes past the end;
 * - trans: numTags rows of rowBytes (numTags rounded up to 4 lanes), trans[from][to];
 * - alpha: step 0's scores, filled by the caller; next, best: rowBytes each, scratch;
 * - from: rowBytes of int32, scratch; track: length rows of rowBytes int32; row k gets step k's best sources.
 * Each pass swaps alpha and next; the returned address is whichever holds the last step's scores.
 */
const FORWARD = 'forward';
const MEMORY = 'memory';

// Parameters, then locals, by index.
const [TAGS, ROW_BYTES, LENGTH, EMISSIONS, TRANS, ALPHA, NEXT, BEST, FROM, TRACK] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const PARAMS = 10;
const [STEP, SOURCE, LANE, TRANS_ROW, EMISSION_ROW, TRACK_ROW, SWAP, BEST_AT, FROM_AT] = [10, 11, 12, 13, 14, 15, 16, 17, 18];
const I32_LOCALS = 9;
const [SOURCE_SCORE, SOURCE_INDEX, SCORE, PREVIOUS, GREATER] = [19, 20, 21, 22, 23];
const V128_LOCALS = 5;

/** -FLT_MAX in all four lanes: the running best before any source. */
const NEG_FLT_MAX: Bytes = [0xfd, 0x0c, ...Array.from({ length: 4 }, () => [0xff, 0xff, 0x7f, 0xff]).flat()];

const addTo = (local: number, amount: Bytes): Bytes => [...get(local), ...amount, ...i32Add, ...set(local)];
/** Address `base` + the lane offset. */
const at = (base: number): Bytes => [...get(base), ...get(LANE), ...i32Add];
/** A loop over the lanes of one row, 16 bytes (4 tags) a turn. */
const overLanes = (...body: Bytes[]): Bytes => [
  ...i32(0), ...set(LANE),
  ...loop(...body, addTo(LANE, i32(16)), get(LANE), get(ROW_BYTES), i32LtS, repeatIf),
];

const forward: Bytes = [
  ...i32(1), ...set(STEP),
  ...get(EMISSIONS), ...get(TAGS), ...i32(4), ...i32Mul, ...i32Add, ...set(EMISSION_ROW), // step 1's emissions
  ...get(TRACK), ...get(ROW_BYTES), ...i32Add, ...set(TRACK_ROW),
  ...loop(
    overLanes(at(BEST), NEG_FLT_MAX, v128Store, at(FROM), i32(0), i32x4Splat, v128Store),
    i32(0), set(SOURCE), get(TRANS), set(TRANS_ROW),
    loop(
      // Source j's score in every lane, and j itself for the lanes it wins.
      get(ALPHA), get(SOURCE), i32(4), i32Mul, i32Add, f32Load, f32x4Splat, set(SOURCE_SCORE),
      get(SOURCE), i32x4Splat, set(SOURCE_INDEX),
      overLanes(
        at(BEST), set(BEST_AT), at(FROM), set(FROM_AT),
        get(SOURCE_SCORE), at(TRANS_ROW), v128Load, f32x4Add, set(SCORE),
        get(BEST_AT), v128Load, set(PREVIOUS),
        get(SCORE), get(PREVIOUS), f32x4Gt, set(GREATER),
        get(BEST_AT), get(SCORE), get(PREVIOUS), get(GREATER), v128Bitselect, v128Store,
        get(FROM_AT), get(SOURCE_INDEX), get(FROM_AT), v128Load, get(GREATER), v128Bitselect, v128Store,
      ),
      addTo(TRANS_ROW, get(ROW_BYTES)),
      addTo(SOURCE, i32(1)), get(SOURCE), get(TAGS), i32LtS, repeatIf,
    ),
    // next = best + this step's emissions; the track row keeps the winning sources.
    overLanes(
      at(NEXT), at(BEST), v128Load, at(EMISSION_ROW), v128Load, f32x4Add, v128Store,
      at(TRACK_ROW), at(FROM), v128Load, v128Store,
    ),
    get(ALPHA), set(SWAP), get(NEXT), set(ALPHA), get(SWAP), set(NEXT),
    addTo(EMISSION_ROW, [...get(TAGS), ...i32(4), ...i32Mul]),
    addTo(TRACK_ROW, get(ROW_BYTES)),
    addTo(STEP, i32(1)), get(STEP), get(LENGTH), i32LtS, repeatIf,
  ),
  ...get(ALPHA),
];

function moduleBytes(): Uint8Array {
  const body = [...vector([[...uleb(I32_LOCALS), I32], [...uleb(V128_LOCALS), V128]]), ...forward, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([[0x60, ...vector(Array.from({ length: PARAMS }, () => [I32])), ...vector([[I32]])]])),
    ...section(3, vector([[0]])),
    ...section(5, vector([[0x00, 1]])), // one memory, 1 page to start; the decoder grows it
    ...section(7, vector([[...name(FORWARD), 0x00, 0], [...name(MEMORY), 0x02, 0]])),
    ...section(10, vector([[...uleb(body.length), ...body]])),
  ]);
}

// The part of the WebAssembly JS API used here; the project's type libraries (ES + Node) leave it out.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** An instance's memory; after grow() its buffer is a new ArrayBuffer, so views over it must be made again. */
export interface KernelMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface ViterbiKernel {
  memory: KernelMemory;
  forward: (...args: number[]) => number;
}

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
let compiled: object | undefined;

/** A kernel with a memory of its own; the module is compiled once per thread. */
export function viterbiKernel(): ViterbiKernel {
  compiled ??= new wasm.Module(moduleBytes());
  const { exports } = new wasm.Instance(compiled, {});
  return { memory: exports[MEMORY] as KernelMemory, forward: exports[FORWARD] as ViterbiKernel['forward'] };
}
