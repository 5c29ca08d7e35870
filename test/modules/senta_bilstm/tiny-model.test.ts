import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import classifier, { type SentaModelFile } from '../../../src/modules/senta_bilstm/classify.infer.js';
import { sentaResult } from '../../../src/modules/senta_bilstm/result.js';
import { TINY_UNK, buildMisnamedModel, buildTinySenta, referenceProbs, tinyParams, writeTinySentaDir } from './tiny-senta.js';

// The tiny BiLSTM classifier the senta tests serve: built with onnx-graph, run by onnxruntime, checked
// against a plain-JS forward pass; then the module's classifier infer file on it, as a thread drives it.

/** Opens the classifier as every inference thread does: its warm-up answer, the probabilities of one <unk> word. */
const open = (file: SentaModelFile) => classifier({ op: 'open', open: file }) as Promise<number[]>;

const positive = [0, 1, 2, 3]; // 今天 是 个 好日子
const negative = [4, 5, 0, 6, 7]; // 天气预报 说 今天 要 下雨
const unknown = [TINY_UNK, 1, TINY_UNK];

function padded(rows: number[][]): { ids: BigInt64Array; lengths: Int32Array; width: number } {
  const width = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * width).fill(BigInt(TINY_UNK));
  rows.forEach((r, b) => r.forEach((id, t) => (ids[b * width + t] = BigInt(id))));
  return { ids, lengths: Int32Array.from(rows.map((r) => r.length)), width };
}

test('onnxruntime computes what the JS reference computes, padding changes nothing', async () => {
  const params = tinyParams();
  const session = await ort.InferenceSession.create(buildTinySenta(params));
  try {
    assert.deepEqual(session.inputNames, ['word_ids', 'seq_lens']);
    assert.deepEqual(session.outputNames, ['probs']);
    const rows = [positive, negative, unknown, [3]];
    const { ids, lengths, width } = padded(rows);
    const out = (await session.run({ word_ids: new ort.Tensor('int64', ids, [rows.length, width]), seq_lens: new ort.Tensor('int32', lengths, [rows.length]) })).probs!;
    assert.deepEqual(out.dims, [4, 2]);
    const probs = out.data as Float32Array;
    rows.forEach((row, b) => {
      const [neg, pos] = referenceProbs(params, row);
      assert.ok(Math.abs(probs[2 * b]! - neg) < 1e-5 && Math.abs(probs[2 * b + 1]! - pos) < 1e-5, `row ${b}: ${probs[2 * b]}, ${probs[2 * b + 1]} vs ${neg}, ${pos}`);
    });
    // Each row alone (no padding) gives the same numbers as inside the padded batch.
    for (const [b, row] of rows.entries()) {
      const one = padded([row]);
      const alone = (await session.run({ word_ids: new ort.Tensor('int64', one.ids, [1, one.width]), seq_lens: new ort.Tensor('int32', one.lengths, [1]) })).probs!.data as Float32Array;
      assert.ok(Math.abs(alone[0]! - probs[2 * b]!) < 1e-6 && Math.abs(alone[1]! - probs[2 * b + 1]!) < 1e-6, `row ${b} alone`);
    }
  } finally {
    await session.release();
  }
});

test('the hand-set weights make 好日子 positive and 下雨 negative, with non-trivial probabilities', () => {
  const params = tinyParams();
  const pos = referenceProbs(params, positive);
  const neg = referenceProbs(params, negative);
  assert.equal(sentaResult('a', ...pos).sentiment_key, 'positive');
  assert.equal(sentaResult('b', ...neg).sentiment_key, 'negative');
  for (const p of [...pos, ...neg]) assert.ok(p > 0.01 && p < 0.99, `probability ${p} is not saturated`);
});

test('the infer file: warm-up, a padded call, [negative, positive] per text', async () => {
  const dir = writeTinySentaDir(mkdtempSync(join(tmpdir(), 'senta-task-')));
  const file: SentaModelFile = { model: join(dir, 'model.onnx'), unkId: TINY_UNK };
  const warm = await open(file);
  assert.equal(warm.length, 2);
  const items = [negative, positive].map((row) => ({ size: row.length, ids: Int32Array.from(row) }));
  const probs = await classifier({ op: 'run', open: file, items }) as number[][];
  assert.equal(probs.length, 2);
  assert.ok(probs.every((pair) => pair.length === 2));
  const params = tinyParams();
  assert.ok(Math.abs(probs[0]![1]! - referenceProbs(params, negative)[1]) < 1e-5);
  assert.ok(Math.abs(probs[1]![1]! - referenceProbs(params, positive)[1]) < 1e-5);
  assert.ok(Math.abs(probs[0]![0]! + probs[0]![1]! - 1) < 1e-6);
  await classifier({ op: 'release', open: file });
});

test('a model with another signature, or a vocab larger than its embedding, fails the warm-up clearly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'senta-bad-'));
  writeFileSync(join(dir, 'model.onnx'), buildMisnamedModel());
  await assert.rejects(open({ model: join(dir, 'model.onnx'), unkId: 0 }),
    /senta_bilstm: .*model\.onnx does not fit: it has inputs \[ids\] and outputs \[scores\], lacking input word_ids, input seq_lens, output probs, and inputs we cannot feed: ids; expected inputs word_ids int64 \[batch, words\] and seq_lens int32 \[batch\], output probs float32 \[batch, 2\]/);

  const good = writeTinySentaDir(mkdtempSync(join(tmpdir(), 'senta-unk-')));
  await assert.rejects(open({ model: join(good, 'model.onnx'), unkId: 500 }),
    /fails on one word with the <unk> id 500 \(does vocab\.txt belong to this model\?\)/);

  const broken = mkdtempSync(join(tmpdir(), 'senta-broken-'));
  writeFileSync(join(broken, 'model.onnx'), 'not a model');
  await assert.rejects(open({ model: join(broken, 'model.onnx'), unkId: 0 }), /model\.onnx cannot be loaded by onnxruntime/);
});
