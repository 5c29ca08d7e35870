import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { convertLacDirectory } from '../../src/modules/lac/convert.js';
import { LacRunner } from '../../src/modules/lac/lac-runner.js';
import { freshHubHome, post, lacSkipReason, lacWeights, startServer, type RunningServer } from '../helpers/cli.js';

// The seed's demo and the known analyses of Baidu's LAC, through real HTTP on a server started by the CLI; and
// the server's answers equal to the in-process pipeline's (what the install check and the benchmark run).

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

/** Full-width ASCII and the ideographic space to their half-width forms, as a full PaddleHub lac's q2b.dic maps them. */
const Q2B = [...Array.from({ length: 0x5e }, (_, i) => [String.fromCodePoint(0xff01 + i), String.fromCodePoint(0x21 + i)]), ['\u3000', ' ']];
const toHalf = (text: string) => Array.from(text, (c) => Q2B.find(([from]) => from === c)?.[1] ?? c).join('');

describe('lac from a folder with q2b.dic: the server answers what the in-process pipeline answers', { skip: await lacSkipReason() }, () => {
  const FULL_WIDTH = ['我买了１２个ＡＰＰＬＥ手机', 'ＬＡＣ是一个联合的词法分析模型！', '２０２０年ＮＢＡ总决赛', '百度ＣＥＯ李彦宏在Ｗｏｒｌｄ大会上说', 'ｉＰｈｏｎｅ１１售价５０００元'];
  // Enough texts, and one long enough to be cut into pieces, that both sides make several model calls.
  const TEXTS = [...FULL_WIDTH, ...known.map(([text]) => text), '', '😀ＯＫ', '我在北京天安门广场见到了张三。'.repeat(80),
    ...Array.from({ length: 70 }, (_, i) => `${FULL_WIDTH[i % FULL_WIDTH.length]!.slice(0, 4 + (i % 7))}${known[i % known.length]![0]}`)];
  let server: RunningServer | undefined;
  let runner: LacRunner | undefined;
  let folder = '';

  before(async () => {
    // lac_small's files with a q2b.dic beside them, named by init_args.directory.
    const source = (await lacWeights()).path!;
    folder = mkdtempSync(join(tmpdir(), 'lac-q2b-'));
    for (const name of ['model_baseline', 'word.dic', 'tag.dic']) symlinkSync(join(source, name), join(folder, name));
    writeFileSync(join(folder, 'q2b.dic'), Q2B.map(([from, to]) => `${from}\t${to}\n`).join(''));
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ modules_info: { lac: { init_args: { directory: folder } } } }));
    runner = await LacRunner.create(await convertLacDirectory(folder));
    server = await startServer(['-c', join(folder, 'config.json'), '--host', '127.0.0.1'], { HUB_HOME: freshHubHome() });
  });
  after(async () => {
    await runner?.close();
    if (server) assert.equal(await server.stop(), 0);
  });

  test('the same texts get the same words and tags, over HTTP and in process', async () => {
    const reply = await post(`${server!.url}/predict/lac`, { text: TEXTS });
    assert.equal(reply.body.status, '000', reply.text.slice(0, 300));
    assert.deepEqual(reply.body.results, await runner!.run(TEXTS));
  });

  test('q2b.dic applies on the server: a full-width text is tagged as its half-width form, and keeps its own characters', async () => {
    const [full, half] = await Promise.all([FULL_WIDTH, FULL_WIDTH.map(toHalf)].map((text) => post(`${server!.url}/predict/lac`, { text })));
    const fullResults = full!.body.results as Required<LacResult>[];
    const halfResults = half!.body.results as Required<LacResult>[];
    assert.deepEqual(fullResults.map((r) => r.tag), halfResults.map((r) => r.tag));
    assert.deepEqual(fullResults.map((r) => r.word.map(toHalf)), halfResults.map((r) => r.word));
    assert.deepEqual(fullResults.map((r) => r.word.join('')), FULL_WIDTH);
    // Without the map, lac_small reads these characters as other ones: 2020年 and NBA come out as one name.
    assert.equal(joined(fullResults[2]!), '２０２０年/TIME ＮＢＡ/nr 总决赛/n');
  });
});
