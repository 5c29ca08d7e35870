import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClassicCutter, asPythonCutAll } from '../../../src/modules/jieba_paddle/classic.js';

// Expected words are Python jieba 0.42's (Debian's python3-jieba), the algorithm PaddleHub's jieba_paddle runs.

test('precise mode, with and without HMM, gives Python jieba\'s words', async () => {
  const cutter = await ClassicCutter.create(undefined);
  assert.deepEqual(await cutter.cut('今天是个好日子，天气预报说今天要下雨', false, true), ['今天', '是', '个', '好日子', '，', '天气预报', '说', '今天', '要', '下雨']);
  assert.deepEqual(await cutter.cut('他来到了网易杭研大厦', false, true), ['他', '来到', '了', '网易', '杭研', '大厦']);
  assert.deepEqual(await cutter.cut('他来到了网易杭研大厦', false, false), ['他', '来到', '了', '网易', '杭', '研', '大厦']);
  assert.deepEqual(await cutter.cut('小明硕士毕业于中国科学院计算所', false, false), ['小', '明', '硕士', '毕业', '于', '中国科学院', '计算所']);
});

test('full mode gives Python jieba\'s words for Chinese text', async () => {
  const cutter = await ClassicCutter.create(undefined);
  assert.deepEqual(await cutter.cut('今天是个好日子，天气预报说今天要下雨', true, true),
    ['今天', '是', '个', '好日子', '日子', '，', '天气', '天气预报', '预报', '说', '今天', '要', '下雨']);
  assert.deepEqual(await cutter.cut('小明硕士毕业于中国科学院计算所', true, true),
    ['小', '明', '硕士', '毕业', '于', '中国', '中国科学院', '科学', '科学院', '学院', '计算', '计算所']);
  assert.deepEqual(await cutter.cut('我用iPhone12拍照很好用abc', true, true), ['我', '用', 'iPhone12', '拍照', '很', '好', '用', 'abc']);
});

test('asPythonCutAll keeps a lone word only where nothing covers it', () => {
  assert.deepEqual(asPythonCutAll('他来到', ['他', '来', '来到', '到']), ['他', '来到']);
  assert.deepEqual(asPythonCutAll('', []), []);
});

test('a long sentence is cut off the event loop and gives the same words', async () => {
  const cutter = await ClassicCutter.create(undefined);
  const sentence = '今天是个好日子，天气预报说今天要下雨。'.repeat(200);
  const words = await cutter.cut(sentence, false, true);
  assert.equal(words.join(''), sentence);
  assert.deepEqual(words.slice(0, 11), ['今天', '是', '个', '好日子', '，', '天气预报', '说', '今天', '要', '下雨', '。']);
});
