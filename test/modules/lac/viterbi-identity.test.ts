import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ViterbiDecoder } from '../../../src/modules/lac/viterbi.js';
import { referenceViterbi } from './viterbi-reference.js';
import { seededRandom } from './paddle-reference.js';

// The SIMD decoder must give the tags the scalar reference gives on any input: exact ties (the lowest tag wins),
// ties that exist only after float32 rounding, and the odd values (signed zeros, infinities, NaN, subnormals,
// +-FLT_MAX), for tag counts that do and do not fill whole 4-lane vectors, with one decoder reused across rows.

const FLT_MAX = 3.4028234663852886e38;
const SPECIALS = [0, -0, Infinity, -Infinity, NaN, FLT_MAX, -FLT_MAX, 1.401298464324817e-45, -1.401298464324817e-45, 1e38];

type Draw = (rand: () => number) => number;

const draws: Record<string, Draw> = {
  // Few distinct values: equal path scores everywhere.
  'small integers': (rand) => Math.floor(rand() * 5) - 2,
  // Large magnitudes plus offsets below float32's resolution there: sums that differ in double are equal in float32.
  'rounding ties': (rand) => (rand() < 0.3 ? 2 ** 24 * Math.floor(rand() * 3) : Math.floor(rand() * 8) / 4),
  continuous: (rand) => rand() * 40 - 20,
  'special values': (rand) => (rand() < 0.15 ? SPECIALS[Math.floor(rand() * SPECIALS.length)]! : rand() * 10 - 5),
};

function compare(draw: Draw, numTags: number, seed: number, trials: number): number {
  const rand = seededRandom(seed);
  const crf = Float32Array.from({ length: (numTags + 2) * numTags }, () => draw(rand));
  const decoder = new ViterbiDecoder(crf, numTags);
  let compared = 0;
  for (let trial = 0; trial < trials; trial++) {
    // Long and short rows in turn, so a row follows a longer one in the same scratch memory.
    const length = trial % 7 === 3 ? 40 + Math.floor(rand() * 40) : Math.floor(rand() * 12);
    const offset = Math.floor(rand() * 3) * numTags;
    const emissions = Float32Array.from({ length: offset + length * numTags + numTags }, () => draw(rand));
    const got = decoder.decode(emissions, offset, length);
    const want = referenceViterbi(emissions, offset, length, numTags, crf);
    assert.deepEqual(Array.from(got), Array.from(want), `${numTags} tags, seed ${seed}, trial ${trial}, length ${length}`);
    compared += length;
  }
  return compared;
}

for (const [kind, draw] of Object.entries(draws)) {
  test(`same tags as the scalar reference: ${kind}`, () => {
    let positions = 0;
    for (const numTags of [1, 2, 3, 4, 5, 7, 8, 9, 16, 57]) {
      for (let seed = 1; seed <= 4; seed++) positions += compare(draw, numTags, seed * 101 + numTags, numTags > 16 ? 15 : 40);
    }
    assert.ok(positions > 5000, `compared ${positions} positions`);
  });
}

test('a tie made by float32 rounding goes to the lowest tag, where double sums would pick another', () => {
  // Both sources score 2^24 at target 0: 2^24 + 1 rounds to 2^24 (ties to even) in float32.
  const N = 2;
  const start = [2 ** 24, 2 ** 24];
  const end = [0, -100];
  const trans = [[0, 0], [1, 0]]; // trans[from][to]: only 1 -> 0 adds 1
  const crf = Float32Array.from([...start, ...end, ...trans.flat()]);
  const emissions = new Float32Array(2 * N);
  assert.equal(2 ** 24 + 1 > 2 ** 24, true, 'in double, source 1 would win');
  assert.equal(Math.fround(2 ** 24 + 1), 2 ** 24, 'in float32 the two sources tie');
  assert.deepEqual(Array.from(referenceViterbi(emissions, 0, 2, N, crf)), [0, 0]);
  assert.deepEqual(Array.from(new ViterbiDecoder(crf, N).decode(emissions, 0, 2)), [0, 0]);
});
