import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseTexts, packBatch, pieceBounds, planBatches, sequentialPieces, type LacBatch, type LacLexicon } from '../../../src/modules/lac/pipeline.js';

const chars = (s: string) => Array.from(s);

test('pieceBounds: a short text is one piece', () => {
  assert.deepEqual(pieceBounds(chars('今天是个好日子'), 10), [[0, 7]]);
  assert.deepEqual(pieceBounds([], 10), [[0, 0]]);
});

test('pieceBounds: cuts after the last sentence end in the second half of the window', () => {
  const text = chars('一二三。四五六七。八九十一二三四五');
  const bounds = pieceBounds(text, 10);
  assert.deepEqual(bounds, [[0, 9], [9, 17]]);
  assert.equal(bounds.map(([a, b]) => text.slice(a, b).join('')).join(''), text.join(''), 'pieces cover the text in order');
});

test('pieceBounds: prefers a sentence end over a later comma, a comma over a space, and cuts hard without either', () => {
  assert.deepEqual(pieceBounds(chars('一二三四五。六七，八九十一'), 10)[0], [0, 6]);
  assert.deepEqual(pieceBounds(chars('一二三四五六，七 八九十一'), 10)[0], [0, 7]);
  assert.deepEqual(pieceBounds(chars('一二三四五六七八九十一二'), 10), [[0, 10], [10, 12]]);
});

test('pieceBounds: every piece is within the limit, whatever the text', () => {
  const text = chars('天气预报说今天要下雨，'.repeat(50) + '好'.repeat(333));
  const bounds = pieceBounds(text, 64);
  assert.ok(bounds.every(([a, b]) => b - a <= 64 && b > a));
  assert.equal(bounds.at(-1)![1], text.length);
});

test('planBatches: longest first, rows x width within the budget, at most maxRows rows', () => {
  const lengths = [3, 10, 4, 10, 2, 9];
  const plan = planBatches(lengths, { maxRows: 8, maxElements: 20, maxPieceChars: 10 });
  assert.deepEqual(plan, [[1, 3], [5, 2], [0, 4]]);
  for (const rows of plan) assert.ok(rows.length * Math.max(...rows.map((i) => lengths[i]!)) <= 20);
  assert.deepEqual(plan.flat().sort(), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(planBatches(lengths, { maxRows: 1, maxElements: 1000, maxPieceChars: 10 }).map((b) => b.length), [1, 1, 1, 1, 1, 1]);
});

test('packBatch pads with the pad id', () => {
  const batch = packBatch([[1, 2], [3]], 7);
  assert.deepEqual([...batch.ids], [1n, 2n, 3n, 7n]);
  assert.deepEqual([...batch.lengths], [2, 1]);
});

// A lexicon where every character is its own word: tag 0 = 'w-B'. The fake run answers 'w-B' for each
// position, so words come back one character each, which shows pieces are put back in order.
const lexicon: LacLexicon = { vocab: new Map([['a', 1]]), oovId: 0, charMap: new Map([['A', 'a']]), tags: ['w-B'] };

test('analyseTexts: texts come back whole and in order across pieces and batches; empty texts answer [""]', async () => {
  const seen: LacBatch[] = [];
  // Each call's pieces padded as the tagger pads them.
  const run = async (pieces: Int32Array[]) => {
    const batch = packBatch(pieces, lexicon.oovId);
    seen.push(batch);
    return Array.from(batch.lengths, (n) => new Int32Array(n));
  };
  const texts = ['ab', '', 'x'.repeat(25), 'Aa'];
  const out = await analyseTexts(texts, lexicon, 8, sequentialPieces({ maxRows: 4, maxElements: 16, maxPieceChars: 8 }, run));
  assert.deepEqual(out.map((r) => r.word.join('')), texts.map((t) => t));
  assert.deepEqual(out[1], { word: [''], tag: [''] });
  assert.ok(seen.every((b) => b.lengths.length * b.width <= 16), 'every call within the budget');
  assert.ok(seen.every((b) => b.width <= 8), 'no piece longer than the limit');
  const rows = seen.flatMap((b) => Array.from(b.lengths, (n, r) => [...b.ids.subarray(r * b.width, r * b.width + n)].join(',')));
  assert.ok(rows.includes('1,1'), 'the char map applies before lookup ("A" -> "a" -> id 1)');
  assert.ok(rows.includes('1,0'), 'unknown characters are OOV');
});
