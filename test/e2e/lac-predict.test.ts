import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { post, lacSkipReason, startServer, type RunningServer } from '../helpers/cli.js';

// The seed's demo and the known analyses of Baidu's LAC, through real HTTP on a server started by the CLI.

const known: [string, string][] = [
  ['今天是个好日子', '今天/TIME 是/v 个/q 好日子/n'],
  ['天气预报说今天要下雨', '天气预报/n 说/v 今天/TIME 要/v 下雨/v'],
  ['百度是一家高科技公司', '百度/ORG 是/v 一家/m 高科技/n 公司/n'],
  ['我在北京天安门广场见到了张三', '我/r 在/p 北京/LOC 天安门广场/LOC 见到/v 了/u 张三/PER'],
];

type LacResult = { word: string[]; tag?: string[] };
const joined = (r: LacResult) => r.word.map((w, i) => `${w}/${r.tag![i]}`).join(' ');

describe('lac over HTTP', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;

  before(async () => {
    server = await startServer(['-m', 'lac', '--host', '127.0.0.1']);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0, 'the server exits 0 on SIGTERM');
  });

  test('start prints the module, where its weights came from, and the URL', () => {
    assert.match(server!.stdout(), /loaded lac 2\.2\.0: weights from .*python3-jieba/);
    assert.match(server!.stdout(), /Hub Serving is ready: http:\/\/127\.0\.0\.1:\d+/);
    assert.match(server!.stdout(), /1 process x \d+ inference threads?/);
  });

  test("the seed's demo request gets the seed's demo answer", async () => {
    const reply = await post(`${server!.url}/predict/lac`, { texts: ['今天是个好日子', '天气预报说今天要下雨'], batch_size: 1 });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, {
      msg: '',
      status: '000',
      results: [
        { word: ['今天', '是', '个', '好日子'], tag: ['TIME', 'v', 'q', 'n'] },
        { word: ['天气预报', '说', '今天', '要', '下雨'], tag: ['n', 'v', 'TIME', 'v', 'v'] },
      ],
    });
    assert.match(reply.headers.get('content-type') ?? '', /application\/json; charset=utf-8/);
    assert.ok(reply.text.includes('今天'), 'non-ASCII comes back as UTF-8, not \\u escapes');
  });

  test('every known analysis is exact, with "text" and in one batch', async () => {
    const reply = await post(`${server!.url}/predict/lac`, { text: known.map(([t]) => t), batch_size: 4 });
    assert.equal(reply.body.status, '000');
    assert.deepEqual((reply.body.results as LacResult[]).map(joined), known.map(([, a]) => a));
  });

  test('a single string, an empty string, OOV characters and return_tag=false', async () => {
    const single = await post(`${server!.url}/predict/lac`, { text: '今天是个好日子' });
    assert.deepEqual((single.body.results as LacResult[]).map(joined), ['今天/TIME 是/v 个/q 好日子/n']);
    const mixed = await post(`${server!.url}/predict/lac`, { text: ['', '😀😀今天', '今天是个好日子'], batch_size: 2 });
    const results = mixed.body.results as LacResult[];
    assert.deepEqual(results[0], { word: [''], tag: [''] });
    assert.equal(results[1]!.word.join(''), '😀😀今天', 'astral characters survive as OOV tokens');
    assert.equal(joined(results[2]!), '今天/TIME 是/v 个/q 好日子/n');
    const noTag = await post(`${server!.url}/predict/lac`, { text: ['今天是个好日子'], return_tag: false });
    assert.deepEqual(noTag.body.results, [{ word: ['今天', '是', '个', '好日子'] }]);
  });

  test('a short request is answered while a very long text is being analysed', async () => {
    const long = '我在北京天安门广场见到了张三。'.repeat(6000);
    let longDone = false;
    const longReply = post(`${server!.url}/predict/lac`, { text: [long] }).then((r) => {
      longDone = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 200));
    const short = await post(`${server!.url}/predict/lac`, { text: ['今天是个好日子'] });
    assert.equal(short.body.status, '000');
    assert.equal(longDone, false, 'the short request finished while the long one was still running');
    const reply = await longReply;
    assert.equal(reply.body.status, '000');
    assert.equal((reply.body.results as LacResult[])[0]!.word.join(''), long);
  });

  test('a trailing slash is the same route; a mistyped module name gets a suggestion', async () => {
    const slash = await post(`${server!.url}/predict/lac/`, { text: ['今天是个好日子'] });
    assert.deepEqual(slash.body.results, [{ word: ['今天', '是', '个', '好日子'], tag: ['TIME', 'v', 'q', 'n'] }]);
    const typo = await post(`${server!.url}/predict/lax`, { text: ['今天是个好日子'] });
    assert.equal(typo.status, 404);
    assert.equal(typo.body.msg, 'Module lax is not available. Did you mean lac? Available: lac.');
  });

  test('a multipart form reaches the module as the same arguments', async () => {
    const form = new FormData();
    form.append('text', JSON.stringify(['今天是个好日子']));
    form.append('return_tag', 'false');
    const response = await fetch(`${server!.url}/predict/lac`, { method: 'POST', body: form });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { msg: '', status: '000', results: [{ word: ['今天', '是', '个', '好日子'] }] });
  });
});
