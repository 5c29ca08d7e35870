import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectError, lacSkipReason, post, startServer, type RunningServer } from '../helpers/cli.js';

// PaddleHub's jieba_paddle over HTTP: the peer's exact body, both modes, and bad input.

const SENTENCE = '今天是个好日子，天气预报说今天要下雨';
const WORDS = ['今天', '是', '个', '好日子', '，', '天气预报', '说', '今天', '要', '下雨'];

describe('jieba_paddle over HTTP', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startServer(['-m', 'jieba_paddle', '--host', '127.0.0.1']);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  test("the peer benchmark's body (classic mode) gets jieba's words", async () => {
    const reply = await post(`${server!.url}/predict/jieba_paddle`, `{"sentence":"${SENTENCE}","use_paddle":false}`);
    assert.deepEqual(reply.body, { msg: '', results: WORDS, status: '000' });
  });

  test("paddle mode (the default) runs LAC's network: the same words here, and LAC's on a known sentence", async () => {
    assert.deepEqual((await post(`${server!.url}/predict/jieba_paddle`, { sentence: SENTENCE })).body.results, WORDS);
    const known = await post(`${server!.url}/predict/jieba_paddle`, { sentence: '我在北京天安门广场见到了张三', use_paddle: true });
    assert.deepEqual(known.body.results, ['我', '在', '北京', '天安门广场', '见到', '了', '张三']);
  });

  test('cut_all, HMM off, an empty sentence, and mistakes', async () => {
    const url = `${server!.url}/predict/jieba_paddle`;
    assert.deepEqual((await post(url, { sentence: '他来到了网易杭研大厦', use_paddle: false, HMM: false })).body.results, ['他', '来到', '了', '网易', '杭', '研', '大厦']);
    assert.deepEqual((await post(url, { sentence: '我来到北京清华大学', use_paddle: false, cut_all: true })).body.results, ['我', '来到', '北京', '清华', '清华大学', '华大', '大学']);
    assert.deepEqual((await post(url, { sentence: '' })).body.results, []);
    expectError(await post(url, { sentence: ['a'] }), 400, '113', /^sentence: .* expected the sentence to cut, a string/);
    expectError(await post(url, { sentence: 'a', text: 'a' }), 400, '113', /unknown key "text"/);
  });
});
