import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { convertLacDirectory, loadLacTensors } from '../../../src/artifacts/convert/paddle/lac-convert.js';
import { encodeText } from '../../../src/modules/lac/segment.js';
import { writeTinyLac, type TinyLacSpec } from './paddle-files.js';
import { paddleLacEmissions, seededRandom } from './paddle-reference.js';

// A tiny random LAC folder: checks conversion, the graph's wiring against Paddle's equations, and the
// error messages, without needing the real weights.

const base = (seed: number): TinyLacSpec => ({
  vocab: [...'今天是个好日子'],
  tags: ['n-B', 'n-I', 'v-B', 'v-I', 'O'],
  emb: 4,
  hidden: 3,
  rand: seededRandom(seed),
});

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'lac-convert-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('converted tiny model matches Paddle equations for a padded batch', () => withDir(async (dir) => {
  await writeTinyLac(dir, base(11));
  const art = await convertLacDirectory(dir);
  const tensors = await loadLacTensors(dir);
  assert.deepEqual(art.tags, ['n-B', 'n-I', 'v-B', 'v-I', 'O']);
  assert.equal(art.oovId, 7);
  assert.equal(art.crf.length, 7 * 5);

  const texts = ['今天是个好日子', '好x子']; // second is shorter and has an OOV character
  const enc = texts.map((t) => encodeText(t, art.vocab, art.oovId));
  const T = enc[0].ids.length;
  const ids = new BigInt64Array(2 * T);
  enc.forEach((e, b) => e.ids.forEach((id, t) => { ids[b * T + t] = BigInt(id); }));
  const session = await ort.InferenceSession.create(art.onnx);
  const out = await session.run({
    word_ids: new ort.Tensor('int64', ids, [2, T]),
    seq_lens: new ort.Tensor('int32', Int32Array.from(enc.map((e) => e.ids.length)), [2]),
  });
  await session.release();
  assert.deepEqual(out.emissions.dims, [2, T, 5]);
  const got = out.emissions.data as Float32Array;
  enc.forEach((e, b) => {
    const want = paddleLacEmissions(tensors, Array.from(e.ids));
    for (let i = 0; i < want.length; i++) {
      assert.ok(Math.abs(got[b * T * 5 + i] - want[i]) < 1e-5, `batch ${b} value ${i}: ${got[b * T * 5 + i]} vs ${want[i]}`);
    }
  });
}));

test('a wrongly shaped tensor is reported with its name and the folder', () => withDir(async (dir) => {
  await writeTinyLac(dir, { ...base(1), badDims: { name: 'gru_2.w_0', dims: [3, 8] } });
  await assert.rejects(convertLacDirectory(dir),
    /model_baseline: LAC tensor gru_2\.w_0 has shape \[3, 8\], expected \[3, 9\]/);
}));

test('a missing parameter file is reported with its path', () => withDir(async (dir) => {
  await writeTinyLac(dir, base(2));
  await unlink(join(dir, 'model_baseline', 'fc_3.b_0'));
  await assert.rejects(convertLacDirectory(dir), /LAC parameter file .*model_baseline\/fc_3\.b_0 cannot be read/);
}));

test('a corrupt parameter file is reported with its path', () => withDir(async (dir) => {
  await writeTinyLac(dir, base(3));
  await writeFile(join(dir, 'model_baseline', 'crfw'), new Uint8Array(10));
  await assert.rejects(convertLacDirectory(dir), /model_baseline\/crfw: truncated file/);
}));

test('tag.dic disagreeing with fc_4 is reported', () => withDir(async (dir) => {
  await writeTinyLac(dir, base(4));
  await writeFile(join(dir, 'tag.dic'), '0\tn-B\n1\tO\n');
  await assert.rejects(convertLacDirectory(dir), /tag\.dic lists 2 tags but .*fc_4\.b_0 produces 5 scores/);
}));

test('word.dic ids beyond the embedding rows, or without OOV, are reported', () => withDir(async (dir) => {
  await writeTinyLac(dir, base(5));
  await writeFile(join(dir, 'word.dic'), '0\t今\n99\tOOV\n');
  await assert.rejects(convertLacDirectory(dir), /word\.dic uses ids up to 99 but .*word_emb has only 8 rows/);
  await writeFile(join(dir, 'word.dic'), '0\t今\n');
  await assert.rejects(convertLacDirectory(dir), /word\.dic: has no OOV entry/);
  await writeFile(join(dir, 'word.dic'), '0\t今\nbroken line\n');
  await assert.rejects(convertLacDirectory(dir), /word\.dic: line 2 is not "key<TAB>value"/);
}));

test('a q2b.dic next to the model is loaded as the char map', () => withDir(async (dir) => {
  await writeTinyLac(dir, base(6));
  await writeFile(join(dir, 'q2b.dic'), 'ａ\ta\n　\t \n');
  const art = await convertLacDirectory(dir);
  assert.deepEqual([...art.charMap], [['ａ', 'a'], ['　', ' ']]);
}));
