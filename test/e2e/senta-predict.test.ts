import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, freshHubHome, post, lacSkipReason, requireLacOrSkip, runHub, startServer, type Reply, type RunningServer, expectError } from '../helpers/cli.js';
import { TINY_UNK, referenceProbs, tinyParams, writeTinySentaDir } from '../modules/senta_bilstm/tiny-senta.js';

// senta_bilstm through the real CLI and HTTP, on a tiny BiLSTM built by the test: PaddleHub's reply format,
// LAC's words looked up in the vocab, PaddleHub's rounding, error envelopes, and the start without weights.

const NO_WEIGHTS = 'no weights: senta_bilstm needs model.onnx and vocab.txt in init_args.directory or HUB_SENTA_DIR; ' +
  'no package reachable here holds Chinese sentiment weights';

interface SentaResult {
  text: string;
  sentiment_label: number;
  sentiment_key: string;
  positive_probs: number;
  negative_probs: number;
}

// LAC cuts these into known words (see lac's tests); ids are the tiny vocab's, unknown words are <unk>.
const cases: [text: string, ids: number[]][] = [
  ['今天是个好日子', [0, 1, 2, 3]], // 今天 是 个 好日子
  ['天气预报说今天要下雨', [4, 5, 0, 6, 7]], // 天气预报 说 今天 要 下雨
  ['百度是一家高科技公司', [TINY_UNK, 1, TINY_UNK, TINY_UNK, TINY_UNK]], // 百度 是 一家 高科技 公司
  ['', [TINY_UNK]], // LAC gives [''] for an empty text, which is not in the vocab
];

const fourDecimals = (x: number) => Number.isFinite(x) && Number(x.toFixed(4)) === x;

function checkShape(r: SentaResult, text: string): void {
  assert.deepEqual(Object.keys(r), ['text', 'sentiment_label', 'sentiment_key', 'positive_probs', 'negative_probs']);
  assert.equal(r.text, text);
  assert.ok(r.sentiment_label === 0 || r.sentiment_label === 1);
  assert.equal(r.sentiment_key, r.sentiment_label === 1 ? 'positive' : 'negative');
  assert.ok(fourDecimals(r.positive_probs) && fourDecimals(r.negative_probs), `${r.positive_probs}, ${r.negative_probs} have at most 4 decimals`);
  assert.ok(r.positive_probs >= 0 && r.positive_probs <= 1 && r.negative_probs >= 0 && r.negative_probs <= 1);
  assert.ok(Math.abs(r.positive_probs + r.negative_probs - 1) <= 0.0001 + 1e-12, `${r.positive_probs} + ${r.negative_probs} is 1`);
  if (r.sentiment_label === 1) assert.ok(r.positive_probs >= r.negative_probs, 'label 1 has the larger positive probability');
  else assert.ok(r.negative_probs >= r.positive_probs, 'label 0 has the larger negative probability');
}


describe('senta_bilstm over HTTP with weights from init_args.directory', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  let weights = '';

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'senta-e2e-'));
    weights = writeTinySentaDir(join(dir, 'weights'));
    // A relative directory: config paths are relative to the config file.
    writeFileSync(join(dir, 'config.json'), JSON.stringify({
      modules_info: { senta_bilstm: { init_args: { directory: './weights' }, predict_args: { batch_size: 2 } } },
    }));
    server = await startServer(['-c', join(dir, 'config.json'), '--host', '127.0.0.1'], { HUB_SENTA_DIR: '' });
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0, 'the server exits 0 on SIGTERM');
  });

  test('start names the module and where its weights came from', () => {
    assert.match(server!.stdout(), new RegExp(`loaded senta_bilstm 1\\.2\\.1: weights from init_args\\.directory ${weights}`));
  });

  test("PaddleHub's format: keys, types, 4 decimals, probabilities summing to 1, labels following them", async () => {
    const reply = await post(`${server!.url}/predict/senta_bilstm`, { texts: cases.map(([t]) => t) });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, '000');
    assert.equal(reply.body.msg, '');
    assert.ok(reply.text.includes('今天是个好日子'), 'non-ASCII comes back as UTF-8');
    assert.doesNotMatch(reply.text, /_probs":-?\d+\.\d{5,}/, 'no number in the reply has more than 4 decimals');
    const results = reply.body.results as SentaResult[];
    assert.equal(results.length, cases.length);
    results.forEach((r, i) => checkShape(r, cases[i]![0]));
    assert.equal(results[0]!.sentiment_key, 'positive');
    assert.equal(results[1]!.sentiment_key, 'negative');
  });

  test('the numbers are the classifier\'s on LAC\'s words looked up in the vocab (unknown words -> <unk>)', async () => {
    const reply = await post(`${server!.url}/predict/senta_bilstm`, { texts: cases.map(([t]) => t) });
    const params = tinyParams();
    (reply.body.results as SentaResult[]).forEach((r, i) => {
      const [, positive] = referenceProbs(params, cases[i]![1]);
      assert.ok(Math.abs(r.positive_probs - positive) <= 0.0001, `${cases[i]![0]}: ${r.positive_probs} vs ${positive}`);
      assert.equal(r.sentiment_label, positive > 0.5 ? 1 : 0);
    });
  });

  test('batch size does not change results; "text", "data" and a single string are accepted', async () => {
    const texts = cases.map(([t]) => t);
    const url = `${server!.url}/predict/senta_bilstm`;
    const one = (await post(url, { texts, batch_size: 1 })).body.results;
    assert.deepEqual((await post(url, { texts, batch_size: 3 })).body.results, one);
    assert.deepEqual((await post(url, { texts })).body.results, one, 'predict_args batch_size 2 from the config');
    assert.deepEqual((await post(url, { text: texts })).body.results, one);
    assert.deepEqual((await post(url, { data: { text: texts } })).body.results, one);
    assert.deepEqual((await post(url, { texts: texts[0], use_gpu: false })).body.results, [(one as unknown[])[0]]);
  });

  test('bad requests get the envelope with status and message, and the server keeps answering', async () => {
    const url = `${server!.url}/predict/senta_bilstm`;
    expectError(await post(url, { texts: [] }), 400, '113', /^texts: \[\] is not allowed: the list of texts is empty; give at least one text/);
    expectError(await post(url, { data: { text: [] } }), 400, '113', /^data\.text: \[\] is not allowed: the list of texts is empty/);
    expectError(await post(url, {}), 400, '113', /^texts: nothing is not allowed: give the texts to classify as "texts"/);
    expectError(await post(url, { texts: 5 }), 400, '113', /^texts: 5 is not allowed: expected a string or a list of strings/);
    expectError(await post(url, { texts: ['好', 3] }), 400, '113', /^texts/);
    expectError(await post(url, { texts: ['好'], text: ['好'] }), 400, '113', /give only one of "texts", "text" and "data"/);
    expectError(await post(url, { texts: ['好'], batch_size: 0 }), 400, '113', /^batch_size: 0 is not allowed: expected an integer from 1 to 1024/);
    expectError(await post(url, { texts: ['好'], top_k: 2 }), 400, '113', /unknown key "top_k"; accepted keys: texts, text, data, batch_size, use_gpu/);
    expectError(await post(url, '{"texts": [', { 'content-type': 'application/json' }), 400, '112', /not valid JSON/);
    expectError(await post(`${server!.url}/predict/senta`, { texts: ['好'] }), 404, '111', /Module senta is not available\. Did you mean senta_bilstm\? Available: senta_bilstm\./);
    const fine = await post(url, { texts: ['今天是个好日子'] });
    assert.equal(fine.body.status, '000');
  });
});

describe('senta_bilstm as the task sentiment_classification, weights from HUB_SENTA_DIR', () => {
  test('serves and answers', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const weights = writeTinySentaDir(mkdtempSync(join(tmpdir(), 'senta-env-')));
    const server = await startServer(['-m', 'sentiment_classification', '--host', '127.0.0.1'], { HUB_SENTA_DIR: weights });
    try {
      assert.match(server.stderr(), /"sentiment_classification" is a task: serving its default module senta_bilstm/);
      assert.match(server.stdout(), new RegExp(`weights from HUB_SENTA_DIR ${weights}`));
      const reply = await post(`${server.url}/predict/senta_bilstm`, { texts: ['今天是个好日子'] });
      assert.equal(reply.body.status, '000');
      checkShape((reply.body.results as SentaResult[])[0]!, '今天是个好日子');
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});

describe('senta_bilstm without weights', () => {
  const exactlyOneLine = (stderr: string, message: string) => {
    const errors = stderr.split('\n').filter((l) => l.startsWith('error:'));
    assert.deepEqual(errors, [`error: ${message}`], stderr);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  };

  test('start fails with the exact message, exit code 1, one line, no stack', async () => {
    const home = freshHubHome();
    const r = runHub(['serving', 'start', '-m', 'senta_bilstm', '-p', String(await freePort())], { HUB_HOME: home, HUB_SENTA_DIR: '' });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `error: ${NO_WEIGHTS}\n`);
    const task = runHub(['serving', 'start', '-m', 'sentiment_classification', '-p', String(await freePort())], { HUB_HOME: home, HUB_SENTA_DIR: '' });
    assert.equal(task.status, 1);
    exactlyOneLine(task.stderr, NO_WEIGHTS);
  });

  test('a config naming a folder without the files says which folder lacks what', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'senta-none-'));
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ modules_info: { senta_bilstm: { init_args: { directory: 'empty' } } } }));
    const r = runHub(['serving', 'start', '-c', join(dir, 'config.json'), '-p', String(await freePort())], { HUB_HOME: freshHubHome(), HUB_SENTA_DIR: '' });
    assert.equal(r.status, 1);
    exactlyOneLine(r.stderr, 'no weights: senta_bilstm needs model.onnx and vocab.txt in init_args.directory or HUB_SENTA_DIR ' +
      `(init_args.directory ${join(dir, 'empty')} has no model.onnx and no vocab.txt); no package reachable here holds Chinese sentiment weights`);
  });

  test('hub install, hub show and hub list say so', () => {
    const env = { HUB_HOME: freshHubHome(), HUB_SENTA_DIR: '' };
    const install = runHub(['install', 'senta_bilstm'], env);
    assert.equal(install.status, 1);
    exactlyOneLine(install.stderr, NO_WEIGHTS);
    const show = runHub(['show', 'senta_bilstm'], env);
    assert.equal(show.status, 0, show.stderr);
    assert.ok(show.stdout.includes(`installed: ${NO_WEIGHTS}\n`), show.stdout);
    assert.match(show.stdout, /weights: supplied by the user .*model\.onnx, an ONNX export of the classifier, inputs word_ids int64 \[batch, words\] and seq_lens int32 \[batch\], output probs float32 \[batch, 2\]/);
    assert.match(runHub(['list'], env).stdout, /^senta_bilstm\s+1\.2\.1\s+sentiment_classification\s+to supply\b[\s\S]*"to supply": weights you provide \(`hub show <module>` says which\): senta_bilstm/m);
  });
});
