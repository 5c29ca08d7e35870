import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, ElemType, tensorValueInfo } from '../../../src/artifacts/convert/onnx-graph.js';
import { appendGru, paddleGruToOnnx, stackDirections, type GruSpec } from '../../../src/artifacts/convert/paddle/lac-graph.js';
import { paddleGru, seededRandom } from './paddle-reference.js';

// Paddle's GRU computed by hand vs. ONNX Runtime running the mapped weights, on a tiny random layer.

const H = 3;
const IN = 4;
const T = 5;
const LENS = [5, 3]; // the second sequence is padded, which exercises sequence_lens in both directions
const B = LENS.length;

const rand = seededRandom(20240601);
const randArray = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);

// Two independent Paddle parameter sets: index 0 forward, 1 backward.
const params = [0, 1].map(() => ({
  fcW: randArray(IN * 3 * H, 0.8),
  fcB: randArray(3 * H, 0.5),
  gruW: randArray(H * 3 * H, 0.8),
  gruB: randArray(3 * H, 0.5),
}));
const X = randArray(T * B * IN, 1); // [T, B, IN]

function sequence(b: number): Float32Array {
  const out = new Float32Array(LENS[b] * IN);
  for (let t = 0; t < LENS[b]; t++) out.set(X.subarray((t * B + b) * IN, (t * B + b + 1) * IN), t * IN);
  return out;
}

function reference(dir: 0 | 1, b: number): Float64Array {
  const p = params[dir];
  return paddleGru(sequence(b), LENS[b], IN, p.fcW, p.fcB, p.gruW, p.gruB, H, dir === 1);
}

const mapped = (dir: 0 | 1) => {
  const p = params[dir];
  return paddleGruToOnnx(p.fcW, p.fcB, p.gruW, p.gruB, H);
};

async function runGru(direction: GruSpec['direction'], withLens: boolean): Promise<{ y: Float32Array; dirs: number }> {
  const g = new GraphBuilder();
  const x = g.reserve('x');
  const lens = withLens ? g.reserve('lens') : undefined;
  const weights = direction === 'bidirectional' ? stackDirections(mapped(0), mapped(1)) : mapped(direction === 'forward' ? 0 : 1);
  const y = appendGru(g, x, weights, { hidden: H, direction, seqLens: lens, prefix: 'gru' });
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const model = g.encode({
    graphName: 'gru_test',
    inputs: [
      tensorValueInfo('x', ElemType.FLOAT, [T, B, IN]),
      ...(withLens ? [tensorValueInfo('lens', ElemType.INT32, [B])] : []),
    ],
    outputs: [tensorValueInfo(y, ElemType.FLOAT, [T, dirs, B, H])],
  });
  const session = await ort.InferenceSession.create(model);
  const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', X, [T, B, IN]) };
  if (withLens) feeds.lens = new ort.Tensor('int32', Int32Array.from(LENS), [B]);
  const out = await session.run(feeds);
  await session.release();
  return { y: out[y].data as Float32Array, dirs };
}

function assertMatches(y: Float32Array, dirs: number, d: number, dir: 0 | 1, b: number): void {
  const ref = reference(dir, b);
  for (let t = 0; t < LENS[b]; t++) {
    for (let j = 0; j < H; j++) {
      const got = y[((t * dirs + d) * B + b) * H + j];
      const want = ref[t * H + j];
      assert.ok(Math.abs(got - want) < 1e-5, `dir ${dir} batch ${b} t ${t} unit ${j}: onnx ${got} vs paddle ${want}`);
    }
  }
}

test('forward GRU matches Paddle dynamic_gru', async () => {
  const { y, dirs } = await runGru('forward', true);
  for (let b = 0; b < B; b++) assertMatches(y, dirs, 0, 0, b);
});

test('reverse GRU matches Paddle dynamic_gru(is_reverse=True), padded rows included', async () => {
  const { y, dirs } = await runGru('reverse', true);
  for (let b = 0; b < B; b++) assertMatches(y, dirs, 0, 1, b);
});

test('bidirectional GRU: direction 0 forward, direction 1 backward', async () => {
  const { y, dirs } = await runGru('bidirectional', true);
  for (let b = 0; b < B; b++) {
    assertMatches(y, dirs, 0, 0, b);
    assertMatches(y, dirs, 1, 1, b);
  }
});

test('without sequence_lens, a full-length sequence still matches', async () => {
  const { y, dirs } = await runGru('bidirectional', false);
  assertMatches(y, dirs, 0, 0, 0);
  assertMatches(y, dirs, 1, 1, 0);
});

test('mapping layout: update gate negated, recurrent weight split flat', () => {
  const p = params[0];
  const { W, R, B: bias } = mapped(0);
  assert.equal(W.length, 3 * H * IN);
  assert.equal(R.length, 3 * H * H);
  assert.equal(bias.length, 6 * H);
  // W[z][j=1][i=2] = -fcW[i=2][col 1]
  assert.equal(W[1 * IN + 2], Math.fround(-p.fcW[2 * 3 * H + 1]));
  // R[r][j=0][k=1] = gruW flat [H, 2H] at row 1, column H + 0
  assert.equal(R[(H + 0) * H + 1], p.gruW[1 * 2 * H + H]);
  // R[h][j=2][k=0] = gruW's trailing [H, H] block at row 0, column 2
  assert.equal(R[(2 * H + 2) * H + 0], p.gruW[2 * H * H + 2]);
  // recurrent bias half is zero
  assert.deepEqual(Array.from(bias.subarray(3 * H)), new Array(3 * H).fill(0));
});

test('mapping rejects inconsistent sizes', () => {
  const p = params[0];
  assert.throws(() => paddleGruToOnnx(p.fcW, p.fcB, p.gruW.subarray(1), p.gruB, H), /gru weight has 26 values, expected 27/);
  assert.throws(() => paddleGruToOnnx(p.fcW.subarray(1), p.fcB, p.gruW, p.gruB, H), /not a multiple of 3\*3/);
});
