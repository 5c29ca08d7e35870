import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { CLASSIFIER_FILE, MASK_CLASSIFIER_ENV, toProbabilities } from '../../../src/modules/face_mask/classifier-spec.js';
import { locateClassifier, missingClassifierMessage } from '../../../src/modules/face_mask/classifier-source.js';
import { checkClassifier } from '../../../src/modules/face_mask/mask-install.js';
import { tinyClassifier, writeTinyClassifier } from './tiny-classifier.js';

const dir = mkdtempSync(join(tmpdir(), 'mask-classifier-'));
const savedEnv = process.env[MASK_CLASSIFIER_ENV];
after(() => {
  if (savedEnv === undefined) delete process.env[MASK_CLASSIFIER_ENV];
  else process.env[MASK_CLASSIFIER_ENV] = savedEnv;
});

test('the generated classifier keeps the contract: [N,3,128,128] in, [N,2] probabilities out', async () => {
  const session = await ort.InferenceSession.create(tinyClassifier());
  const red = new Float32Array(2 * 3 * 128 * 128);
  red.fill(1, 0, 128 * 128); // first crop: red plane at +1
  red.fill(1, 3 * 128 * 128 + 2 * 128 * 128); // second crop: blue plane at +1
  const out = (await session.run({ face: new ort.Tensor('float32', red, [2, 3, 128, 128]) })).scores!;
  assert.deepEqual(out.dims, [2, 2]);
  const p = out.data as Float32Array;
  assert.ok(p[0]! > 0.5 && p[3]! > 0.5, 'red -> MASK, blue -> NO MASK');
  await session.release();
});

test('scores become probabilities: kept when they are, softmax when logits', () => {
  assert.deepEqual(Array.from(toProbabilities(Float32Array.from([0.25, 0.75]), 1)), [0.25, 0.75]);
  const p = toProbabilities(Float32Array.from([2, 0, -1, -1]), 2);
  assert.ok(Math.abs(p[0]! - 1 / (1 + Math.exp(-2))) < 1e-6);
  assert.deepEqual(Array.from(p.subarray(2)), [0.5, 0.5]);
});

test('the classifier is found by model_path, directory, url + sha256 or the environment; else nowhere', () => {
  const file = writeTinyClassifier(join(dir, 'm.onnx'));
  writeTinyClassifier(join(dir, CLASSIFIER_FILE));
  delete process.env[MASK_CLASSIFIER_ENV];
  assert.equal(locateClassifier('x', { model_path: file })!.path, file);
  assert.equal(locateClassifier('x', { directory: dir })!.path, join(dir, CLASSIFIER_FILE));
  const sha = 'a'.repeat(64);
  assert.match(locateClassifier('x', { url: 'http://127.0.0.1:1/m.onnx', sha256: sha })!.path, new RegExp(`downloads/${sha}\\.onnx$`));
  assert.throws(() => locateClassifier('x', { url: 'http://127.0.0.1:1/m.onnx' }), /init_args\.url needs init_args\.sha256/);
  assert.equal(locateClassifier('x', {}), undefined);
  process.env[MASK_CLASSIFIER_ENV] = dir;
  assert.equal(locateClassifier('x', {})!.label, `${MASK_CLASSIFIER_ENV} ${dir}`);
  process.env[MASK_CLASSIFIER_ENV] = join(dir, 'absent.onnx');
  assert.throws(() => locateClassifier('x', {}), /HUB_MASK_CLASSIFIER .*absent\.onnx does not exist/);
  assert.throws(() => locateClassifier('x', { directory: tmpdir() }), /holds no mask_classifier\.onnx/);
  assert.match(missingClassifierMessage('pyramidbox_lite_mobile_mask'),
    /^pyramidbox_lite_mobile_mask: no mask classifier weights\. .*init_args\.model_path.*HUB_MASK_CLASSIFIER.*\[N,3,128,128\].*\[N,2\]/);
});

test('a classifier breaking the contract is refused with the contract', async () => {
  const three = writeTinyClassifier(join(dir, 'three.onnx'), { classes: 3 });
  await assert.rejects(checkClassifier('m', three), /gives an output of shape \[2,3\] for a batch of 2; it must be an ONNX 2-class classifier/);
  const small = writeTinyClassifier(join(dir, 'small.onnx'), { size: 64 });
  await assert.rejects(checkClassifier('m', small), /does not run on a \[2,3,128,128\] input/);
  const junk = join(dir, 'junk.onnx');
  writeFileSync(junk, 'not a model');
  await assert.rejects(checkClassifier('m', junk), /is not a model onnxruntime can load/);
  await checkClassifier('m', writeTinyClassifier(join(dir, 'logits.onnx'), { softmax: false }));
});
