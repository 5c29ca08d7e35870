import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ViterbiDecoder } from '../../../src/modules/lac/viterbi.js';
import { seededRandom } from './paddle-reference.js';

/** One decoding with a decoder of its own. */
function viterbiDecode(emissions: Float32Array, offset: number, length: number, numTags: number, crf: Float32Array): Int32Array {
  return new ViterbiDecoder(crf, numTags).decode(emissions, offset, length);
}

/** Paddle's CRF weight layout from parts: start row, end row, transition rows. */
function crfWeights(start: number[], end: number[], trans: number[][]): Float32Array {
  return Float32Array.from([...start, ...end, ...trans.flat()]);
}

test('length 0 gives an empty path', () => {
  const crf = crfWeights([0, 0], [0, 0], [[0, 0], [0, 0]]);
  assert.deepEqual(Array.from(viterbiDecode(new Float32Array(0), 0, 0, 2, crf)), []);
});

test('length 1 picks argmax(start + emission + end)', () => {
  // tag 0: 1 + 2 + 0 = 3; tag 1: 0 + 1 + 3 = 4; tag 2: 0 + 3.5 + 0 = 3.5
  const crf = crfWeights([1, 0, 0], [0, 3, 0], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(Array.from(viterbiDecode(Float32Array.from([2, 1, 3.5]), 0, 1, 3, crf)), [1]);
});

test('no transitions: per-position argmax', () => {
  const crf = crfWeights([0, 0], [0, 0], [[0, 0], [0, 0]]);
  const em = Float32Array.from([1, 0, 0, 1, 1, 0]);
  assert.deepEqual(Array.from(viterbiDecode(em, 0, 3, 2, crf)), [0, 1, 0]);
});

test('transitions can override emissions (hand-computed)', () => {
  // Emissions favour 0,1,0 by 1 each; switching costs 3, so staying on 0 wins:
  // 0,0,0 = 1+0+1 = 2   0,1,0 = 1+1+1 -3-3 = -3   1,1,1 = 0+1+0 = 1
  const crf = crfWeights([0, 0], [0, 0], [[0, -3], [-3, 0]]);
  const em = Float32Array.from([1, 0, 0, 1, 1, 0]);
  assert.deepEqual(Array.from(viterbiDecode(em, 0, 3, 2, crf)), [0, 0, 0]);
});

test('start and end scores steer the ends', () => {
  const crf = crfWeights([0, 5], [0, 5], [[0, 0], [0, 0]]);
  const em = Float32Array.from([1, 0, 1, 0, 1, 0]);
  assert.deepEqual(Array.from(viterbiDecode(em, 0, 3, 2, crf)), [1, 0, 1]);
});

test('transition direction is trans[from][to]', () => {
  // Only 0 -> 1 is rewarded (trans[0][1] = 10); emissions are flat.
  const crf = crfWeights([0, 0], [0, 0], [[0, 10], [0, 0]]);
  const em = new Float32Array(4);
  assert.deepEqual(Array.from(viterbiDecode(em, 0, 2, 2, crf)), [0, 1]);
});

test('ties go to the lowest tag id, as in Paddle', () => {
  const crf = crfWeights([0, 0, 0], [0, 0, 0], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(Array.from(viterbiDecode(new Float32Array(9), 0, 3, 3, crf)), [0, 0, 0]);
});

test('reads from an offset inside a batch buffer', () => {
  const crf = crfWeights([0, 0], [0, 0], [[0, 0], [0, 0]]);
  const em = Float32Array.from([9, 9, 9, 9, /* row starts */ 0, 1, 1, 0, 9, 9]);
  assert.deepEqual(Array.from(viterbiDecode(em, 4, 2, 2, crf)), [1, 0]);
  assert.throws(() => viterbiDecode(em, 8, 2, 2, crf), /cannot read 2x2 from offset 8/);
});

test('rejects CRF weights of the wrong size', () => {
  assert.throws(() => viterbiDecode(new Float32Array(2), 0, 1, 2, new Float32Array(7)), /CRF weights have 7 values, expected 8/);
});

test('matches brute force on random 3-tag, 4-step cases', () => {
  const N = 3;
  const T = 4;
  const rand = seededRandom(7);
  for (let trial = 0; trial < 200; trial++) {
    const crf = Float32Array.from({ length: (N + 2) * N }, () => rand() * 4 - 2);
    const em = Float32Array.from({ length: T * N }, () => rand() * 4 - 2);
    let best = -Infinity;
    let bestPath: number[] = [];
    for (let code = 0; code < N ** T; code++) {
      const path = Array.from({ length: T }, (_, t) => Math.floor(code / N ** t) % N);
      let score = crf[path[0]] + crf[N + path[T - 1]];
      for (let t = 0; t < T; t++) score += em[t * N + path[t]];
      for (let t = 1; t < T; t++) score += crf[2 * N + path[t - 1] * N + path[t]];
      if (score > best) {
        best = score;
        bestPath = path;
      }
    }
    assert.deepEqual(Array.from(viterbiDecode(em, 0, T, N, crf)), bestPath, `trial ${trial}`);
  }
});
