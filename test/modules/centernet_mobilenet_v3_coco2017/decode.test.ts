import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clipBox, iou, nms, weightedNms, type ScoredBox } from '../../../src/modules/_vision/boxes.js';
import { decodeCenternet } from '../../../src/modules/centernet_mobilenet_v3_coco2017/centernet-decode.js';
import { COCO_LABELS } from '../../../src/modules/_vision/coco-labels.js';

const box = (left: number, top: number, right: number, bottom: number, score = 1, classId = 0): ScoredBox => ({ left, top, right, bottom, score, classId });

test('peaks of the heatmap become boxes in input pixels; neighbours of a peak do not', () => {
  const H = 8, W = 8, C = 3;
  const heatmap = new Float32Array(H * W * C);
  const wh = new Float32Array(H * W * 4);
  const put = (x: number, y: number, c: number, v: number, d: [number, number, number, number] = [4, 4, 4, 4]) => {
    heatmap[(y * W + x) * C + c] = v;
    wh.set(d, (y * W + x) * 4);
  };
  put(2, 3, 1, 0.9, [3, 5, 7, 9]);
  put(3, 3, 1, 0.6); // beside the peak of the same class: not a peak
  put(3, 3, 2, 0.5); // the same cell, another class: its own peak
  put(7, 7, 0, 0.2); // under the threshold
  const out = decodeCenternet({ heatmap, wh, height: H, width: W, classes: C, stride: 4 }, { threshold: 0.3 });
  assert.deepEqual(out.map((b) => [b.classId, b.score]), [[1, heatmap[(3 * W + 2) * C + 1]], [2, heatmap[(3 * W + 3) * C + 2]]]);
  assert.deepEqual([out[0]!.left, out[0]!.top, out[0]!.right, out[0]!.bottom], [8 - 3, 12 - 5, 8 + 7, 12 + 9]);
});

test('same-class duplicates merge; a class hesitation on the same box keeps the best', () => {
  const H = 16, W = 16, C = 2;
  const heatmap = new Float32Array(H * W * C);
  const wh = new Float32Array(H * W * 4).fill(20);
  heatmap[(5 * W + 5) * C] = 0.8;
  heatmap[(5 * W + 7) * C] = 0.7; // two peaks of class 0 on one object: boxes overlap heavily
  heatmap[(5 * W + 5) * C + 1] = 0.4; // class 1 on exactly the same box
  const out = decodeCenternet({ heatmap, wh, height: H, width: W, classes: C, stride: 4 }, { threshold: 0.3 });
  assert.deepEqual(out.map((b) => [b.classId, +b.score.toFixed(2)]), [[0, 0.8]]);
});

test('iou, nms per class and across, weighted nms and clipping', () => {
  assert.equal(iou(box(0, 0, 10, 10), box(5, 0, 15, 10)), 50 / 150);
  assert.equal(iou(box(0, 0, 10, 10), box(10, 0, 20, 10)), 0);
  const boxes = [box(0, 0, 10, 10, 0.9, 0), box(1, 0, 11, 10, 0.8, 0), box(1, 0, 11, 10, 0.7, 1)];
  assert.deepEqual(nms(boxes, 0.5).map((b) => b.score), [0.9, 0.7]);
  assert.deepEqual(nms(boxes, 0.5, false).map((b) => b.score), [0.9]);
  const merged = weightedNms([box(0, 0, 10, 10, 0.75), box(2, 0, 12, 10, 0.25), box(50, 50, 60, 60, 0.5)], 0.3);
  assert.equal(merged.length, 2);
  assert.deepEqual([merged[0]!.left, merged[0]!.right, merged[0]!.score], [0.5, 10.5, 0.75]);
  assert.deepEqual(clipBox(box(-5, -1, 700, 30), 640, 20), { ...box(0, 0, 640, 20) });
});

test('80 COCO labels in the model order, with official names', () => {
  assert.equal(COCO_LABELS.length, 80);
  assert.equal(new Set(COCO_LABELS).size, 80);
  assert.deepEqual([COCO_LABELS[0], COCO_LABELS[1], COCO_LABELS[2], COCO_LABELS[16], COCO_LABELS[17], COCO_LABELS[79]],
    ['person', 'bicycle', 'car', 'dog', 'horse', 'toothbrush']);
});
