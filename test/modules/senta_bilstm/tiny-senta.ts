import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder, ElemType, attr, floatTensor, int64Tensor, tensorValueInfo } from '../../../src/backends/onnx-graph.js';

// A tiny senta classifier built in the tests: embedding -> bidirectional LSTM (final states, honouring
// seq_lens) -> fc tanh -> fc softmax, with senta's signature. Weights are hand-set where they decide the
// sentiment (好日子 pushes positive, 下雨 negative) and seeded-random elsewhere, and a plain-JS forward
// pass computes the same numbers for comparison.

/** Words in the order of their ids; <unk> is id words.length. LAC cuts the test sentences into these. */
export const TINY_WORDS = ['今天', '是', '个', '好日子', '天气预报', '说', '要', '下雨'] as const;
export const TINY_UNK = TINY_WORDS.length;

const V = TINY_WORDS.length + 1;
const E = 3;
const H = 2;
const F = 3;

export interface TinySentaParams {
  emb: Float32Array; // [V, E]
  W: Float32Array; // [2, 4H, E], gates i, o, f, c (ONNX order)
  R: Float32Array; // [2, 4H, H]
  B: Float32Array; // [2, 8H]: input biases then recurrent biases
  W1: Float32Array; // [2H, F]
  b1: Float32Array; // [F]
  W2: Float32Array; // [F, 2]
  b2: Float32Array; // [2]
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

export function tinyParams(seed = 7): TinySentaParams {
  const r = random(seed);
  const fill = (n: number, scale: number) => Float32Array.from({ length: n }, () => r() * scale);
  const emb = fill(V * E, 0.6);
  emb[TINY_WORDS.indexOf('好日子') * E] = 1.5;
  emb[TINY_WORDS.indexOf('下雨') * E] = -1.5;
  const W = fill(2 * 4 * H * E, 0.6);
  const R = fill(2 * 4 * H * H, 0.6);
  const B = fill(2 * 8 * H, 0.2);
  for (let d = 0; d < 2; d++) {
    W[(d * 4 * H + 3 * H) * E] = 2; // candidate of unit 0 reads the sentiment dimension
    for (let j = 0; j < 3 * H; j++) B[d * 8 * H + j] = 1.5; // input, output and forget gates mostly open
  }
  const W1 = fill(2 * H * F, 0.6);
  W1[0 * F] = 1.5; // forward unit 0
  W1[H * F] = 1.5; // backward unit 0
  const W2 = fill(F * 2, 0.6);
  W2[0] = -2;
  W2[1] = 2;
  return { emb, W, R, B, W1, b1: fill(F, 0.2), W2, b2: Float32Array.of(0.1, -0.05) };
}

export function buildTinySenta(p: TinySentaParams = tinyParams()): Uint8Array {
  const g = new GraphBuilder();
  g.reserve('word_ids');
  g.reserve('seq_lens');
  const emb = g.init(floatTensor('emb', [V, E], p.emb));
  const W = g.init(floatTensor('lstm.W', [2, 4 * H, E], p.W));
  const R = g.init(floatTensor('lstm.R', [2, 4 * H, H], p.R));
  const B = g.init(floatTensor('lstm.B', [2, 8 * H], p.B));
  const W1 = g.init(floatTensor('fc1.W', [2 * H, F], p.W1));
  const b1 = g.init(floatTensor('fc1.b', [F], p.b1));
  const W2 = g.init(floatTensor('fc2.W', [F, 2], p.W2));
  const b2 = g.init(floatTensor('fc2.b', [2], p.b2));
  const flatShape = g.init(int64Tensor('flat_shape', [2], [0, -1]));

  const x = g.op('Gather', [emb, 'word_ids'], { axis: attr.int(0) }); // [B, T, E]
  const xt = g.op('Transpose', [x], { perm: attr.ints([1, 0, 2]) }); // [T, B, E]: ONNX LSTM is time-major
  // Y_h: each direction's state after its last real step ([2, B, H]); Y itself is not needed.
  const [, yh] = g.opMulti('LSTM', [xt, W, R, B, 'seq_lens'], ['', 'lstm.Y_h'], {
    hidden_size: attr.int(H),
    direction: attr.string('bidirectional'),
  });
  const both = g.op('Transpose', [yh!], { perm: attr.ints([1, 0, 2]) }); // [B, 2, H]
  const flat = g.op('Reshape', [both, flatShape]); // [B, 2H] = [forward | backward]
  const hidden = g.op('Tanh', [g.op('Add', [g.op('MatMul', [flat, W1]), b1])]);
  const logits = g.op('Add', [g.op('MatMul', [hidden, W2]), b2]);
  g.op('Softmax', [logits], { axis: attr.int(-1) }, 'probs');
  return g.encode({
    graphName: 'tiny_senta',
    inputs: [tensorValueInfo('word_ids', ElemType.INT64, ['batch', 'words']), tensorValueInfo('seq_lens', ElemType.INT32, ['batch'])],
    outputs: [tensorValueInfo('probs', ElemType.FLOAT, ['batch', 2])],
  });
}

/** A model with the wrong signature: one input named `ids`, output `scores`. */
export function buildMisnamedModel(): Uint8Array {
  const g = new GraphBuilder();
  g.reserve('ids');
  const table = g.init(floatTensor('table', [V, 2], new Float32Array(V * 2)));
  g.op('Gather', [table, 'ids'], { axis: attr.int(0) }, 'scores');
  return g.encode({
    graphName: 'misnamed',
    inputs: [tensorValueInfo('ids', ElemType.INT64, ['batch'])],
    outputs: [tensorValueInfo('scores', ElemType.FLOAT, ['batch', 2])],
  });
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function lstmFinal(p: TinySentaParams, ids: readonly number[], dir: 0 | 1): number[] {
  let h = new Array<number>(H).fill(0);
  let c = new Array<number>(H).fill(0);
  const order = dir === 0 ? ids.map((_, t) => t) : ids.map((_, t) => ids.length - 1 - t);
  for (const t of order) {
    const x = Array.from(p.emb.subarray(ids[t]! * E, ids[t]! * E + E));
    const gate = (g: number, j: number) => {
      const row = g * H + j;
      let s = p.B[dir * 8 * H + row]! + p.B[dir * 8 * H + 4 * H + row]!;
      for (let k = 0; k < E; k++) s += p.W[(dir * 4 * H + row) * E + k]! * x[k]!;
      for (let k = 0; k < H; k++) s += p.R[(dir * 4 * H + row) * H + k]! * h[k]!;
      return s;
    };
    const nextH: number[] = [];
    const nextC: number[] = [];
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gate(0, j));
      const o = sigmoid(gate(1, j));
      const f = sigmoid(gate(2, j));
      const cand = Math.tanh(gate(3, j));
      nextC[j] = f * c[j]! + i * cand;
      nextH[j] = o * Math.tanh(nextC[j]!);
    }
    h = nextH;
    c = nextC;
  }
  return h;
}

/** [negative, positive] for one sequence of word ids, in double precision. */
export function referenceProbs(p: TinySentaParams, ids: readonly number[]): [number, number] {
  const feat = [...lstmFinal(p, ids, 0), ...lstmFinal(p, ids, 1)];
  const hidden = Array.from({ length: F }, (_, j) => {
    let s = p.b1[j]!;
    for (let k = 0; k < 2 * H; k++) s += feat[k]! * p.W1[k * F + j]!;
    return Math.tanh(s);
  });
  const logits = [0, 1].map((m) => {
    let s = p.b2[m]!;
    for (let j = 0; j < F; j++) s += hidden[j]! * p.W2[j * 2 + m]!;
    return s;
  });
  const top = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - top));
  return [e[0]! / (e[0]! + e[1]!), e[1]! / (e[0]! + e[1]!)];
}

/** PaddleHub's vocab.txt format for the tiny words. */
export function tinyVocabText(): string {
  return TINY_WORDS.map((w, i) => `${w}\t${i}\n`).join('');
}

/** Writes model.onnx and vocab.txt into `dir` (created if needed). */
export function writeTinySentaDir(dir: string, params: TinySentaParams = tinyParams()): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), buildTinySenta(params));
  writeFileSync(join(dir, 'vocab.txt'), tinyVocabText());
  return dir;
}
