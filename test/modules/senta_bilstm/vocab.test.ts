import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSentaVocab, wordsToIds } from '../../../src/modules/senta_bilstm/vocab.js';

// PaddleHub's load_vocab: word<TAB>id lines, <unk> = number of distinct words, unknown words -> <unk>.

test('words and ids are read; <unk> gets the count of distinct words', () => {
  const v = parseSentaVocab('好\t0\n差\t1\n电影\t2\n');
  assert.equal(v.unkId, 3);
  assert.equal(v.ids.get('电影'), 2);
  assert.equal(v.ids.get('<unk>'), 3);
});

test('as PaddleHub: a repeated word keeps its last id, extra fields are ignored, trailing blanks and CR are stripped', () => {
  const v = parseSentaVocab('好\t0\r\n好\t5\textra\n差\t1  \n\n');
  assert.equal(v.ids.get('好'), 5);
  assert.equal(v.ids.get('差'), 1);
  assert.equal(v.unkId, 2, 'two distinct words');
});

test('a "<unk>" line of the file is counted, then replaced by the count', () => {
  const v = parseSentaVocab('<unk>\t0\n好\t1\n');
  assert.equal(v.unkId, 2);
  assert.equal(v.ids.get('<unk>'), 2);
});

test('malformed files name the file and line', () => {
  assert.throws(() => parseSentaVocab('好\t0\n差 1\n', 'v.txt'), /v\.txt: line 2 is not "word<TAB>id": "差 1"/);
  assert.throws(() => parseSentaVocab('好\tx\n', 'v.txt'), /v\.txt: line 1: id "x" is not a non-negative integer/);
  assert.throws(() => parseSentaVocab('\n\n', 'v.txt'), /v\.txt: holds no words/);
});

test('lookup maps unknown words, including LAC\'s "" for an empty text, to <unk>', () => {
  const v = parseSentaVocab('这家\t0\n餐厅\t1\n很\t2\n好吃\t3\n');
  assert.deepEqual(Array.from(wordsToIds(['这家', '餐厅', '很', '好吃'], v)), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(wordsToIds(['这家', '饭馆', '😀', ''], v)), [0, 4, 4, 4]);
  assert.deepEqual(Array.from(wordsToIds([], v)), []);
});
