import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyUserDict, parseUserDict } from '../../../src/modules/lac/user-dict.js';
import type { LacSegmentation } from '../../../src/modules/lac/segment.js';

const seg = (s: string): LacSegmentation => {
  const parts = s.split(' ').map((p) => p.split('/'));
  return { word: parts.map((p) => p[0]), tag: parts.map((p) => p[1]) };
};
const show = (r: LacSegmentation) => r.word.map((w, i) => `${w}/${r.tag[i]}`).join(' ');

test('parse: tagged, split and untagged items; comments and blank lines skipped', () => {
  const d = parseUserDict('# comment\n春天/SEASON\n\n花/n 开/v\n  天安门广场  \r\n');
  assert.deepEqual([...d.items.keys()], ['春天', '花开', '天安门广场']);
  assert.deepEqual(d.items.get('花开')!.words, [{ text: '花', start: 0, tag: 'n' }, { text: '开', start: 1, tag: 'v' }]);
  assert.deepEqual(d.items.get('天安门广场')!.words, [{ text: '天安门广场', start: 0, tag: null }]);
});

test('parse: tag follows the last "/", a leading "/" belongs to the word', () => {
  const d = parseUserDict('a/b/n\n/x 天');
  assert.deepEqual(d.items.get('a/b')!.words, [{ text: 'a/b', start: 0, tag: 'n' }]);
  assert.deepEqual(d.items.get('/x天')!.words.map((w) => w.tag), [null, null]);
});

test('parse: single-character untagged items are ignored, tagged ones kept; last duplicate wins', () => {
  const d = parseUserDict('花\n草/n\n春天/A\n春天/B');
  assert.deepEqual([...d.items.keys()], ['草', '春天']);
  assert.equal(d.items.get('春天')!.words[0].tag, 'B');
});

test('parse: a custom separator', () => {
  const d = parseUserDict('花/n|开/v', { sep: '|' });
  assert.deepEqual(d.items.get('花开')!.words.map((w) => w.tag), ['n', 'v']);
});

test('parse: an empty tag is an error naming the line', () => {
  assert.throws(() => parseUserDict('春天/SEASON\n\n花/ 开/v'), /user dictionary line 3: "花\/" has an empty tag/);
});

test('apply: a tagged phrase merges model words', () => {
  const d = parseUserDict('春天/SEASON');
  assert.equal(show(applyUserDict(d, '春天来了', seg('春/n 天来/v 了/u'))), '春天/SEASON 来/v 了/u');
});

test('apply: a split item splits a model word with the given tags', () => {
  const d = parseUserDict('花/n 开/v');
  assert.equal(show(applyUserDict(d, '花开了', seg('花开/v 了/u'))), '花/n 开/v 了/u');
});

test('apply: untagged words keep the tag of the model word holding their first character', () => {
  const d = parseUserDict('天安 门广场');
  assert.equal(show(applyUserDict(d, '北京天安门广场', seg('北京/LOC 天安门广场/LOC'))), '北京/LOC 天安/LOC 门广场/LOC');
  const d2 = parseUserDict('好日子');
  assert.equal(show(applyUserDict(d2, '好日子', seg('好/a 日子/n'))), '好日子/a');
});

test('apply: model words crossing the match edges are cut and keep their tags', () => {
  const d = parseUserDict('天是/X');
  assert.equal(show(applyUserDict(d, '今天是个', seg('今天/TIME 是个/v'))), '今/TIME 天是/X 个/v');
});

test('apply: longest match first at a position, then left to right without overlap', () => {
  const d = parseUserDict('北京/A\n北京天安门/B\n天安门广场/C\n广场/D');
  // 北京天安门 (longest at 0) wins; 天安门广场 overlaps it and is skipped; 广场 then matches.
  assert.equal(show(applyUserDict(d, '北京天安门广场', seg('北京/LOC 天安门广场/LOC'))), '北京天安门/B 广场/D');
});

test('apply: no match leaves the result as it was; empty text passes through', () => {
  const d = parseUserDict('春天/SEASON');
  const r = seg('今天/TIME 是/v');
  assert.deepEqual(applyUserDict(d, '今天是', r), r);
  assert.deepEqual(applyUserDict(d, '', { word: [''], tag: [''] }), { word: [''], tag: [''] });
});

test('apply: code points, so astral characters count once', () => {
  const d = parseUserDict('𠀀天/X');
  assert.equal(show(applyUserDict(d, 'a𠀀天b', seg('a𠀀/n 天b/v'))), 'a/n 𠀀天/X b/v');
});

test('apply: a result that does not spell the text is an error', () => {
  const d = parseUserDict('春天/SEASON');
  assert.throws(() => applyUserDict(d, '春天', seg('夏天/n')), /does not spell the given text/);
});
