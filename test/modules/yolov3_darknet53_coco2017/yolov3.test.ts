import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { COCO_LABELS } from '../../../src/modules/_vision/coco-labels.js';
import yolov3Infer, { type Yolov3Info, type Yolov3Item } from '../../../src/modules/yolov3_darknet53_coco2017/detect.infer.js';
import { letterboxPlan } from '../../../src/modules/yolov3_darknet53_coco2017/letterbox.js';
import { collectDetections, identifyOutputs, type OutputTensor, type RawDetection, type YoloOutputs } from '../../../src/modules/yolov3_darknet53_coco2017/outputs.js';
import { toDetections } from '../../../src/modules/yolov3_darknet53_coco2017/index.js';
import { tinyClassifier, tinyDetector } from '../_vision/tiny-models.js';

const f32 = (dims: number[], values: number[]): OutputTensor => ({ type: 'float32', dims, data: Float32Array.from(values) });

describe('yolov3 letterbox', () => {
  test("keras-yolo3's sizes and offsets", () => {
    // dog.jpg 768 x 576: scale 0.5417 -> 416 x 312, 52 grey rows above.
    assert.deepEqual(letterboxPlan(768, 576), { width: 416, height: 312, left: 0, top: 52, side: 416 });
    // scream.jpg 352 x 448: 326 x 416 (326.86 truncated), 45 grey columns on the left.
    assert.deepEqual(letterboxPlan(352, 448), { width: 326, height: 416, left: 45, top: 0, side: 416 });
    assert.deepEqual(letterboxPlan(500, 500), { width: 416, height: 416, left: 0, top: 0, side: 416 });
    assert.deepEqual(letterboxPlan(100, 50), { width: 416, height: 208, left: 0, top: 104, side: 416 }, 'small images are enlarged');
    assert.deepEqual(letterboxPlan(20000, 3), { width: 416, height: 1, left: 0, top: 207, side: 416 }, 'never a side of 0');
  });
});

describe('yolov3 outputs', () => {
  // Three candidates of two classes; NMS kept boxes 0 and 2 of class 1, and box 1 of class 0.
  const boxes = f32([1, 3, 4], [10, 20, 30, 40, 1, 2, 3, 4, 50, 60, 70, 80]);
  const scores = f32([1, 2, 3], [0.1, 0.6, 0.2, 0.9, 0.3, 0.45]);
  const indices: OutputTensor = { type: 'int32', dims: [3, 3], data: Int32Array.from([0, 1, 0, 0, 0, 1, 0, 1, 2]) };

  test('told apart by shape and type, whatever their names and order', () => {
    const found = identifyOutputs({ 'yolonms_layer_1/concat_2:0': indices, b: scores, a: boxes }) as YoloOutputs;
    assert.equal(found.boxes, boxes);
    assert.equal(found.scores, scores);
    assert.equal(found.indices, indices);
    // Four candidates: boxes [1,4,4] and scores [1,80,4] both end in 4.
    const four = { s: f32([1, 80, 4], new Array(320).fill(0)), b: f32([1, 4, 4], new Array(16).fill(0)), i: indices };
    const tricky = identifyOutputs(four) as YoloOutputs;
    assert.equal(tricky.boxes, four.b);
    assert.equal(tricky.scores, four.s);
    assert.match(identifyOutputs({ a: boxes, b: scores }) as string, /expected float boxes/);
  });

  test('kept boxes at or above the threshold, in the model\'s order, as y1,x1,y2,x2', () => {
    const found = identifyOutputs({ boxes, scores, indices }) as YoloOutputs;
    const all = collectDetections(found, 0, 0);
    assert.deepEqual(all.map((d) => [d.classIndex, Number(d.score.toFixed(4))]), [[1, 0.9], [0, 0.6], [1, 0.45]]);
    assert.deepEqual(all[0], { classIndex: 1, score: all[0]!.score, top: 10, left: 20, bottom: 30, right: 40 });
    assert.deepEqual(all[1]!.top, 1);
    assert.deepEqual(collectDetections(found, 0, 0.6).map((d) => d.classIndex), [1, 0], 'the threshold itself passes, as in PaddleHub');
    assert.deepEqual(collectDetections(found, 1, 0), [], 'another image of the batch');
  });

  test('indices as [1,m,3] int64, padding rows and an empty selection', () => {
    const padded: OutputTensor = { type: 'int64', dims: [1, 3, 3], data: BigInt64Array.from([0n, 1n, 2n, -1n, -1n, -1n, 0n, 5n, 0n]) };
    const found = identifyOutputs({ boxes, scores, padded }) as YoloOutputs;
    assert.deepEqual(collectDetections(found, 0, 0).map((d) => d.right), [80]);
    const none: OutputTensor = { type: 'int32', dims: [0, 3], data: new Int32Array(0) };
    assert.deepEqual(collectDetections(identifyOutputs({ boxes, scores, none }) as YoloOutputs, 0, 0), []);
  });

  test("PaddleHub's result: labelled, clipped to the image, keys in its order", () => {
    const raw: RawDetection[] = [
      { classIndex: 16, score: 0.9, top: -5, left: 10.5, bottom: 700, right: 900 },
      { classIndex: 2, score: 0.7, top: 1, left: 2, bottom: 3, right: Number.NaN },
    ];
    const [dog, ...rest] = toDetections(raw, COCO_LABELS, 768, 576);
    assert.deepEqual(rest, [], 'a box that is not a number is dropped');
    assert.deepEqual(Object.keys(dog!), ['label', 'confidence', 'left', 'top', 'right', 'bottom']);
    assert.deepEqual(dog, { label: 'dog', confidence: 0.9, left: 10.5, top: 0, right: 768, bottom: 576 });
  });

  test('80 COCO names', () => {
    assert.equal(COCO_LABELS.length, 80);
    assert.equal(new Set(COCO_LABELS).size, 80);
    assert.deepEqual([COCO_LABELS[0], COCO_LABELS[16], COCO_LABELS[62], COCO_LABELS[79]], ['person', 'dog', 'tv', 'toothbrush']);
  });
});

describe('yolov3 inference thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yolo-models-'));
  const model = join(dir, 'tiny-yolo.onnx');
  before(() => {
    writeFileSync(model, tinyDetector());
    writeFileSync(join(dir, 'classifier.onnx'), tinyClassifier());
  });

  const open = (file: string, classes: number) => yolov3Infer({ op: 'open', open: { model: file, classes } });
  const detect = async (item: Omit<Yolov3Item, 'size'>) =>
    ((await yolov3Infer({ op: 'run', open: { model, classes: 80 }, items: [{ size: 1, ...item }] })) as RawDetection[][])[0]!;

  test('the warm-up checks the model', async () => {
    assert.deepEqual(await open(model, 80) as Yolov3Info, { side: 416 });
    await assert.rejects(open(model, 81), /does not fit \(it scores 80 classes, but there are 81 class names\)/);
    await assert.rejects(open(join(dir, 'classifier.onnx'), 80),
      /yolov3_darknet53_coco2017: the model .*classifier.onnx does not fit \(1 inputs\): it has inputs \[data float32 \[N,3,224,224\]\].*expected inputs input_1/);
  });

  test('boxes come back in the original image\'s pixels; the padding shows in the corner', async () => {
    // A 768 x 576 image letterboxed: 416 x 312 of white pasted 52 rows down, grey 128 above.
    const pixels = new Uint8Array(416 * 312 * 3).fill(255);
    const found = await detect({ pixels, width: 416, height: 312, left: 0, top: 52, imageWidth: 768, imageHeight: 576, scoreThresh: 0.5 });
    assert.deepEqual(found.map((d) => d.classIndex), [16, 2, 0], 'bicycle is below 0.5; bus was not kept by NMS');
    assert.deepEqual([found[0]!.top, found[0]!.left, found[0]!.bottom, found[0]!.right], [144, 96, 432, 384]);
    assert.ok(Math.abs(found[2]!.score - 128 / 255) < 1e-6, 'the top-left input value is the grey padding');
    // A square image fills the canvas: the corner is the image's own (white) pixel.
    const square = new Uint8Array(416 * 416 * 3).fill(255);
    const full = await detect({ pixels: square, width: 416, height: 416, left: 0, top: 0, imageWidth: 500, imageHeight: 500, scoreThresh: 0.5 });
    assert.equal(full.find((d) => d.classIndex === 0)!.score, 1);
  });
});
