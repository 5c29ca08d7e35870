import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import classifyInfer, { type ClassifierInfo } from '../../../src/modules/vgg16_imagenet/classify.infer.js';
import { imagenetCrop, resizePlan } from '../../../src/modules/_vision/imagenet-crop.js';
import { isDistribution, labelled, probabilities, softmax, topK, type Scored } from '../../../src/modules/_vision/scores.js';
import { tinyClassifier, tinyDetector } from '../_vision/tiny-models.js';
import { expectedTiny } from './expected.js';

async function solid(width: number, height: number, rgb: [number, number, number]) {
  const data = await sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).raw().toBuffer();
  return { width, height, data: new Uint8Array(data) };
}

describe('vgg16_imagenet preprocessing', () => {
  test("resize plans follow PaddleHub's resize_short(256) + centre crop(224)", () => {
    assert.deepEqual(resizePlan(768, 576), { preCrop: undefined, width: 341, height: 256, left: 58, top: 16, side: 224 });
    assert.deepEqual(resizePlan(576, 768), { preCrop: undefined, width: 256, height: 341, left: 16, top: 58, side: 224 });
    assert.deepEqual(resizePlan(500, 500), { preCrop: undefined, width: 256, height: 256, left: 16, top: 16, side: 224 });
    assert.deepEqual(resizePlan(10, 10), { preCrop: undefined, width: 256, height: 256, left: 16, top: 16, side: 224 }, 'small images are enlarged');
    assert.deepEqual(resizePlan(300, 300, 299), { preCrop: undefined, width: 342, height: 342, left: 22, top: 22, side: 299 }, 'another input side keeps the ratio');
  });

  test('a very long strip is cut to its centre before resizing, so it never becomes a huge image', () => {
    const plan = resizePlan(20000, 10);
    assert.deepEqual(plan.preCrop, { left: 9960, top: 0, width: 80, height: 10 });
    assert.equal(plan.width, 2048);
    assert.equal(plan.height, 256);
    assert.equal(plan.left, 912);
  });

  test('the crop the model sees is the centre: side bands of another colour stay out of it', async () => {
    // 600 x 300: blue bands of 150 pixels left and right, red between. Resized to 512 x 256, the centre crop
    // spans source columns 169..431, well inside the red.
    const image = await solid(600, 300, [255, 0, 0]);
    for (let y = 0; y < 300; y++) {
      for (const x0 of [0, 450]) {
        for (let x = x0; x < x0 + 150; x++) image.data.set([0, 0, 255], (y * 600 + x) * 3);
      }
    }
    const crop = await imagenetCrop(image, 224);
    assert.equal(crop.width, 224);
    assert.equal(crop.height, 224);
    for (let i = 0; i < crop.data.length; i += 3) assert.deepEqual([crop.data[i], crop.data[i + 1], crop.data[i + 2]], [255, 0, 0], `pixel ${i / 3}`);
  });
});

describe('vgg16_imagenet scores', () => {
  test('softmax unless the row is already a distribution', () => {
    const p = softmax([1, 2, 3]);
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(p[2]! > p[1]! && p[1]! > p[0]!);
    assert.equal(isDistribution([0.2, 0.3, 0.5]), true);
    assert.equal(isDistribution([0.2, 0.3, 0.6]), false);
    assert.equal(isDistribution([-0.1, 0.6, 0.5]), false);
    const already = Float32Array.from([0.1, 0.7, 0.2]);
    assert.equal(probabilities(already), already, 'probabilities pass through unchanged');
    assert.deepEqual(Array.from(probabilities([0, 0])), [0.5, 0.5]);
    assert.throws(() => probabilities([0, Number.NaN]), /not a finite number/);
  });

  test('topK: highest first, ties by class index, k capped by the classes', () => {
    assert.deepEqual(topK([0.1, 0.4, 0.2, 0.4], 3), [{ index: 1, prob: 0.4 }, { index: 3, prob: 0.4 }, { index: 2, prob: 0.2 }]);
    assert.deepEqual(topK([0.3, 0.7], 5).map((s) => s.index), [1, 0]);
    assert.deepEqual(topK([0.3, 0.7], 1), [{ index: 1, prob: 0.7 }]);
  });

  test('labelled: name -> probability in order; a repeated name keeps the more probable', () => {
    const top: Scored[] = [{ index: 2, prob: 0.5 }, { index: 0, prob: 0.3 }, { index: 1, prob: 0.2 }];
    const result = labelled(top, ['crane', '__proto__', 'crane']);
    assert.deepEqual(Object.entries(result), [['crane', 0.5], ['__proto__', 0.2]]);
    assert.equal(JSON.stringify(result), '{"crane":0.5,"__proto__":0.2}');
  });
});

describe('vgg16_imagenet inference thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgg-models-'));
  const logits = join(dir, 'logits.onnx');
  const probs = join(dir, 'probs.onnx');
  before(() => {
    writeFileSync(logits, tinyClassifier());
    writeFileSync(probs, tinyClassifier({ softmax: true }));
    writeFileSync(join(dir, 'detector.onnx'), tinyDetector());
    writeFileSync(join(dir, 'garbage.onnx'), 'this is not a model');
  });

  const open = (model: string, classes: number) => classifyInfer({ op: 'open', open: { model, classes } });

  test('the warm-up checks the model and reports its input side', async () => {
    assert.deepEqual(await open(logits, 1000) as ClassifierInfo, { side: 224 });
    await assert.rejects(open(logits, 999),
      /vgg16_imagenet: the model .*logits.onnx does not fit \(its output has 1000 values per image, but there are 999 class names\): it has inputs \[data float32 \[N,3,224,224\]\] and outputs \[scores float32 \[N,1000\]\]/);
    await assert.rejects(open(join(dir, 'detector.onnx'), 1000), /does not fit \(2 inputs\)/);
    await assert.rejects(open(join(dir, 'garbage.onnx'), 1000), /garbage.onnx is not an ONNX model onnxruntime can load/);
  });

  test('a batch gives each image its top k; logits and probability models agree', async () => {
    const red = await solid(224, 224, [255, 0, 0]);
    const green = await solid(224, 224, [0, 255, 0]);
    for (const model of [logits, probs]) {
      const items = [red, green].map((image) => ({ size: 1, pixels: image.data, topK: 3 }));
      const [first, second] = await classifyInfer({ op: 'run', open: { model, classes: 1000 }, items }) as Scored[][];
      const expectRed = expectedTiny([255, 0, 0]);
      assert.equal(first![0]!.index, 0);
      // onnxruntime averages 50,176 float32 values, so the logits carry about 1e-4 of relative error.
      assert.ok(Math.abs(first![0]!.prob - expectRed[0]!) < 1e-3, `${first![0]!.prob} vs ${expectRed[0]}`);
      assert.equal(first!.length, 3);
      assert.equal(second![0]!.index, 1, 'green favours class 1');
      assert.ok(Math.abs(second![0]!.prob - expectedTiny([0, 255, 0])[1]!) < 1e-3);
    }
  });
});
