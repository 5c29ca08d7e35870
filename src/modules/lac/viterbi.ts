// CRF Viterbi decoding with Paddle's crf_decoding weights: row 0 start scores, row 1 end scores,
// rows 2.. the transition matrix trans[from][to].
//
// Mirrors Paddle's reference kernel so ties and rounding come out the same: scores are float32
// (Math.fround after every addition - a double sum of two floats rounds to the float sum exactly),
// the running max starts at -FLT_MAX and only a strictly greater score replaces it (lowest index wins).
// The steps between the first and the last run in viterbi-kernel.ts (WebAssembly SIMD, same arithmetic);
// a decoder keeps its weights and scratch in that kernel's memory, so a call allocates only its answer.

import { viterbiKernel, type KernelMemory, type ViterbiKernel } from './viterbi-kernel.js';

const NEG_FLT_MAX = -3.4028234663852886e38;
const PAGE = 65536;

/** Decodes rows of emission scores with one set of CRF weights; decode() is synchronous, so one scratch memory serves every call. */
export class ViterbiDecoder {
  private readonly memory: KernelMemory;
  private readonly forward: ViterbiKernel['forward'];
  /** numTags rounded up to whole 4-lane vectors, and a row of them in bytes. */
  private readonly lanes: number;
  private readonly rowBytes: number;
  private readonly start: Float32Array;
  private readonly end: Float32Array;
  // Byte addresses in the kernel's memory: weights and per-step rows first, then what grows with length.
  private readonly trans: number;
  private readonly alpha: number;
  private readonly next: number;
  private readonly best: number;
  private readonly from: number;
  private readonly track: number;
  private emissions = 0;
  /** The longest piece the memory holds now. */
  private capacity = -1;
  private floats!: Float32Array;
  private ints!: Int32Array;

  /** @param crf (numTags + 2) * numTags weights */
  constructor(crf: Float32Array, readonly numTags: number) {
    const N = numTags;
    if (crf.length !== (N + 2) * N) throw new Error(`CRF weights have ${crf.length} values, expected ${(N + 2) * N}`);
    ({ memory: this.memory, forward: this.forward } = viterbiKernel());
    this.lanes = Math.ceil(N / 4) * 4;
    this.rowBytes = this.lanes * 4;
    this.start = crf.slice(0, N);
    this.end = crf.slice(N, 2 * N);
    this.trans = 0;
    this.alpha = this.trans + N * this.rowBytes;
    this.next = this.alpha + this.rowBytes;
    this.best = this.next + this.rowBytes;
    this.from = this.best + this.rowBytes;
    this.track = this.from + this.rowBytes;
    this.reserve(1);
    for (let j = 0; j < N; j++) this.floats.set(crf.subarray((2 + j) * N, (3 + j) * N), (this.trans + j * this.rowBytes) / 4);
  }

  /**
   * @param emissions scores laid out [T, numTags] starting at `offset`
   * @param length    T (0 gives an empty path)
   * @returns the best tag id per position
   */
  decode(emissions: Float32Array, offset: number, length: number): Int32Array {
    const N = this.numTags;
    if (offset < 0 || offset + length * N > emissions.length) {
      throw new Error(`emissions hold ${emissions.length} values; cannot read ${length}x${N} from offset ${offset}`);
    }
    const path = new Int32Array(length);
    if (length === 0) return path;
    this.reserve(length);
    const floats = this.floats;
    const em = this.emissions / 4;
    floats.set(emissions.subarray(offset, offset + length * N), em);

    const alpha = this.alpha / 4;
    for (let j = 0; j < N; j++) floats[alpha + j] = Math.fround(this.start[j]! + floats[em + j]!);
    const last = length > 1
      ? this.forward(N, this.rowBytes, length, this.emissions, this.trans, this.alpha, this.next, this.best, this.from, this.track) / 4
      : alpha;

    let best = NEG_FLT_MAX;
    let bestI = 0;
    for (let i = 0; i < N; i++) {
      const score = Math.fround(floats[last + i]! + this.end[i]!);
      if (score > best) {
        best = score;
        bestI = i;
      }
    }
    path[length - 1] = bestI;
    const track = this.track / 4;
    for (let k = length - 1; k >= 1; k--) {
      bestI = this.ints[track + k * this.lanes + bestI]!;
      path[k - 1] = bestI;
    }
    return path;
  }

  /** Room for a piece of `length`: its track rows, then its emissions and the 16 bytes the last vector reads past them. */
  private reserve(length: number): void {
    if (length <= this.capacity) return;
    this.emissions = this.track + length * this.rowBytes;
    const needed = this.emissions + length * this.numTags * 4 + 16;
    const have = this.memory.buffer.byteLength;
    if (needed > have) this.memory.grow(Math.ceil((needed - have) / PAGE));
    this.floats = new Float32Array(this.memory.buffer);
    this.ints = new Int32Array(this.memory.buffer);
    this.capacity = length;
  }
}
