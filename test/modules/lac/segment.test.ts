import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeText, tagsToWords } from '../../../src/modules/lac/segment.js';

const TAGS = ['n-B', 'n-I', 'v-B', 'v-I', 'TIME-B', 'TIME-I', 'O'];
const id = (label: string) => TAGS.indexOf(label);
const ids = (...labels: string[]) => labels.map(id);

test('-B starts a word; the tag is the part before "-"', () => {
  const r = tagsToWords([...'今天是好日子'], ids('TIME-B', 'TIME-I', 'v-B', 'n-B', 'n-I', 'n-I'), TAGS);
  assert.deepEqual(r, { word: ['今天', '是', '好日子'], tag: ['TIME', 'v', 'n'] });
});

test('consecutive O characters form one word; O after a word starts a new one', () => {
  const r = tagsToWords([...'ab，。c'], ids('n-B', 'n-I', 'O', 'O', 'v-B'), TAGS);
  assert.deepEqual(r, { word: ['ab', '，。', 'c'], tag: ['n', 'O', 'v'] });
});

test('a leading O word, and -I after O continues the O word (the rule only splits on -B or O)', () => {
  const r = tagsToWords([...'xyz'], ids('O', 'n-I', 'v-B'), TAGS);
  assert.deepEqual(r, { word: ['xy', 'z'], tag: ['O', 'v'] });
});

test('a sentence starting with -I still starts a word, tagged by its type', () => {
  const r = tagsToWords([...'ab'], ids('v-I', 'v-I'), TAGS);
  assert.deepEqual(r, { word: ['ab'], tag: ['v'] });
});

test('-I of another type continues the current word', () => {
  const r = tagsToWords([...'abc'], ids('n-B', 'v-I', 'v-B'), TAGS);
  assert.deepEqual(r, { word: ['ab', 'c'], tag: ['n', 'v'] });
});

test('empty input gives empty lists; mismatched lengths and bad ids throw', () => {
  assert.deepEqual(tagsToWords([], [], TAGS), { word: [], tag: [] });
  assert.throws(() => tagsToWords(['a'], [], TAGS), /1 characters but 0 tags/);
  assert.throws(() => tagsToWords(['a'], [99], TAGS), /tag id 99 is out of range/);
});

test('accepts typed arrays of tag ids', () => {
  const r = tagsToWords([...'ab'], Int32Array.from(ids('n-B', 'v-B')), TAGS);
  assert.deepEqual(r, { word: ['a', 'b'], tag: ['n', 'v'] });
});

test('encodeText: one token per code point, unknowns to OOV', () => {
  const vocab = new Map([['今', 1], ['天', 2], ['OOV', 9]]);
  const e = encodeText('今😀天𠀀x', vocab, 9);
  assert.deepEqual(e.chars, ['今', '😀', '天', '𠀀', 'x']);
  assert.deepEqual(Array.from(e.ids), [1, 9, 2, 9, 9]);
});

test('encodeText: the char map replaces before lookup but chars stay original', () => {
  const vocab = new Map([['a', 1], ['OOV', 0]]);
  const e = encodeText('ａa', vocab, 0, new Map([['ａ', 'a']]));
  assert.deepEqual(e.chars, ['ａ', 'a']);
  assert.deepEqual(Array.from(e.ids), [1, 1]);
});

test('encodeText: empty text', () => {
  const e = encodeText('', new Map(), 0);
  assert.deepEqual(e.chars, []);
  assert.equal(e.ids.length, 0);
});
