import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { convertLacDirectory, loadLacTensors, type LacArtifacts } from '../../../src/artifacts/convert/paddle/lac-convert.js';
import { LacRunner } from '../../../src/modules/lac/lac-runner.js';
import { encodeText } from '../../../src/modules/lac/segment.js';
import { parseUserDict } from '../../../src/modules/lac/user-dict.js';
import type { LacSegmentation } from '../../../src/modules/lac/segment.js';
import { paddleLacEmissions } from './paddle-reference.js';
import { referenceViterbi } from './viterbi-reference.js';
import { packBatch } from '../../../src/modules/lac/pipeline.js';
import { lacNetwork, tagPieces } from '../../../src/modules/lac/run-batch.js';
import { lacWeights } from '../../helpers/cli.js';

// End to end on Baidu's real LAC small weights, from Debian's python3-jieba (installed, or fetched by the tests).

// LAC_TEST_DIR overrides the folder (also handy to check the skip/fail behaviour with a missing one).
const LAC_DIR = process.env.LAC_TEST_DIR ?? (await lacWeights()).path ?? '(python3-jieba could not be fetched)';
const available = existsSync(`${LAC_DIR}/model_baseline/crfw`);
const inCI = process.env.CI === 'true';
const SKIP_REASON = `SKIPPED: real LAC weights not found at ${LAC_DIR}: the tests fetch python3-jieba with apt-get download (or apt-get install python3-jieba)`;

if (!available && !inCI) console.warn(`\n*** lac-real.test: ${SKIP_REASON} ***\n`);

const KNOWN: Array<[string, string]> = [
  ['今天是个好日子', '今天/TIME 是/v 个/q 好日子/n'],
  ['天气预报说今天要下雨', '天气预报/n 说/v 今天/TIME 要/v 下雨/v'],
  ['百度是一家高科技公司', '百度/ORG 是/v 一家/m 高科技/n 公司/n'],
  ['我在北京天安门广场见到了张三', '我/r 在/p 北京/LOC 天安门广场/LOC 见到/v 了/u 张三/PER'],
];

const show = (r: LacSegmentation) => r.word.map((w, i) => `${w}/${r.tag[i]}`).join(' ');

let artifacts: LacArtifacts;
let runner: LacRunner;

/** Wraps each test: fails in CI without the weights, skips loudly elsewhere. */
function realTest(name: string, fn: () => Promise<void>): void {
  test(name, async (t) => {
    if (!available) {
      if (inCI) assert.fail(`${LAC_DIR} is missing: under CI the real weights must be there (python3-jieba, installed or fetched)`);
      t.skip(SKIP_REASON);
      return;
    }
    await fn();
  });
}

before(async () => {
  if (!available) return;
  artifacts = await convertLacDirectory(LAC_DIR);
  runner = await LacRunner.create(artifacts);
});

after(async () => {
  await runner?.close();
});

realTest('conversion reads the expected dictionaries', async () => {
  assert.equal(artifacts.tags.length, 57);
  assert.equal(artifacts.tags[54], 'TIME-B');
  assert.equal(artifacts.tags[56], 'O');
  assert.equal(artifacts.crf.length, 59 * 57);
  assert.equal(artifacts.oovId, 20940);
  assert.ok(artifacts.vocab.has('今'));
  assert.ok(artifacts.vocab.has('　'), 'the ideographic space is a vocab entry and must not be trimmed away');
  assert.equal(artifacts.charMap.size, 0, 'lac_small ships no q2b.dic');
});

for (const [text, expected] of KNOWN) {
  realTest(`known analysis: ${text}`, async () => {
    const [r] = await runner.run([text]);
    assert.equal(show(r), expected);
  });
}

realTest('ONNX emissions equal Paddle equations computed in plain JS', async () => {
  const tensors = await loadLacTensors(LAC_DIR);
  const text = '我在北京天安门广场见到了张三';
  const { ids } = encodeText(text, artifacts.vocab, artifacts.oovId);
  const session = await ort.InferenceSession.create(artifacts.onnx);
  const out = await session.run({
    word_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [1, ids.length]),
    seq_lens: new ort.Tensor('int32', Int32Array.from([ids.length]), [1]),
  });
  await session.release();
  const got = out.emissions.data as Float32Array;
  assert.deepEqual(out.emissions.dims, [1, ids.length, 57]);
  const want = paddleLacEmissions(tensors, Array.from(ids));
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
  assert.ok(maxDiff < 1e-4, `max |onnx - paddle| = ${maxDiff}`);
});

realTest('a batch of mixed lengths equals one-by-one results', async () => {
  const texts = [
    '我在北京天安门广场见到了张三',
    '好',
    '天气预报说今天要下雨',
    '',
    '百度是一家高科技公司，总部位于北京市海淀区。LAC是一个联合的词法分析模型！',
    '今天是个好日子',
  ];
  const batch = await runner.run(texts);
  const single = await Promise.all(texts.map(async (t) => (await runner.run([t]))[0]));
  assert.deepEqual(batch, single);
  assert.equal(batch.length, texts.length);
  assert.deepEqual(batch[3], { word: [''], tag: [''] });
  for (let i = 0; i < texts.length; i++) assert.equal(batch[i].word.join(''), texts[i]);
});

realTest("a model call's tags equal the scalar Viterbi's on the real network's emissions, row by row", async () => {
  const texts = [...KNOWN.map(([text]) => text), '小明硕士毕业于中国科学院计算所', '他来到了网易杭研大厦', '他每天早上坐地铁去上班',
    '中华人民共和国国家标准化管理委员会发布的文件', '百度是一家高科技公司，总部位于北京市海淀区。', '好', '今天😀是个好日子'];
  const pieces = texts.map((text) => encodeText(text, artifacts.vocab, artifacts.oovId).ids);
  const session = await ort.InferenceSession.create(artifacts.onnx);
  try {
    const network = lacNetwork(session, artifacts.crf, artifacts.oovId);
    // Twice through one network: the second call's rows reuse the decoder's memory after the first's.
    for (const rows of [pieces, [...pieces].reverse()]) {
      const tags = await tagPieces(network, rows);
      const batch = packBatch(rows, artifacts.oovId);
      const out = await session.run({
        word_ids: new ort.Tensor('int64', batch.ids, [rows.length, batch.width]),
        seq_lens: new ort.Tensor('int32', batch.lengths, [rows.length]),
      });
      const emissions = out.emissions.data as Float32Array;
      rows.forEach((ids, b) => {
        const want = referenceViterbi(emissions, b * batch.width * 57, ids.length, 57, artifacts.crf);
        assert.deepEqual(Array.from(tags[b]!), Array.from(want), `row ${b}`);
      });
    }
  } finally {
    await session.release();
  }
});

realTest('characters outside the vocab (astral, emoji) are one OOV token each and come back unchanged', async () => {
  for (const text of ['𠀀今天是个好日子', '今天😀是个好日子', '😀']) {
    const [r] = await runner.run([text]);
    assert.equal(r.word.join(''), text);
    assert.equal(r.word.length, r.tag.length);
    assert.ok(r.word.every((w) => w.length > 0));
  }
  assert.equal(encodeText('😀', artifacts.vocab, artifacts.oovId).ids[0], artifacts.oovId);
});

realTest('the empty string gives [""] without running the model; an empty list gives []', async () => {
  assert.deepEqual(await runner.run(['']), [{ word: [''], tag: [''] }]);
  assert.deepEqual(await runner.run([]), []);
});

realTest('user dictionary applied through the runner', async () => {
  const userDict = parseUserDict('天安门/LOC 广场/n\n好日子/GOOD');
  const [r1, r2] = await runner.run(['我在北京天安门广场见到了张三', '今天是个好日子'], { userDict });
  assert.equal(show(r1), '我/r 在/p 北京/LOC 天安门/LOC 广场/n 见到/v 了/u 张三/PER');
  assert.equal(show(r2), '今天/TIME 是/v 个/q 好日子/GOOD');
});
