import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DB_DEFAULTS, boxScore, detectBoxes } from '../../../src/modules/chinese_ocr_db_crnn_mobile/db-postprocess.js';
import { unclip, unclipDistance } from '../../../src/modules/chinese_ocr_db_crnn_mobile/unclip.js';
import { polygonArea, type Point } from '../../../src/modules/chinese_ocr_db_crnn_mobile/geometry.js';

// A probability map drawn by hand: what DB post-processing must make of it, worked out on paper.

const W = 100;
const H = 60;

function map(): Float32Array {
  const prob = new Float32Array(W * H).fill(0.05);
  const fill = (x0: number, y0: number, x1: number, y1: number, p: number) => {
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) prob[y * W + x] = p;
  };
  fill(10, 10, 49, 19, 0.9); // A: a confident line
  fill(60, 30, 89, 39, 0.8); // B: another, lower and to the right
  fill(10, 45, 40, 54, 0.35); // C: above the pixel threshold, below the box threshold
  fill(95, 5, 96, 6, 0.9); // D: too small to be text
  return prob;
}

const rounded = (box: readonly Point[]) => box.map(([x, y]) => [Math.round(x), Math.round(y)]);

test('box score is the mean probability inside the box', () => {
  const prob = map();
  assert.ok(Math.abs(boxScore(prob, W, H, [[10, 10], [49, 10], [49, 19], [10, 19]]) - 0.9) < 1e-6);
  // Half on line A (0.9), half on background (0.05), by rows 10..19 and 20..29 of x 10..49.
  const half = boxScore(prob, W, H, [[10, 10], [49, 10], [49, 29], [10, 29]]);
  assert.ok(Math.abs(half - 0.475) < 1e-6, `${half}`);
  assert.ok(boxScore(prob, W, H, [[-5, -5], [200, -5], [200, 200], [-5, 200]]) > 0, 'boxes past the map are clipped to it');
});

test('unclip grows a box by area * ratio / perimeter with rounded corners', () => {
  const box: Point[] = [[0, 0], [100, 0], [100, 20], [0, 20]];
  const d = unclipDistance(box, 1.5);
  assert.equal(d, (2000 * 1.5) / 240);
  const grown = unclip(box, 1.5)!;
  const xs = grown.map((p) => p[0]);
  const ys = grown.map((p) => p[1]);
  assert.deepEqual([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)], [-13, 113, -13, 33]);
  // Rectangle + sides pushed out + a full circle of radius d at the corners; Clipper's integer corners
  // (here 13 for 12.5) make it a few percent more.
  const expected = 2000 + 240 * d + Math.PI * d * d;
  assert.ok(Math.abs(polygonArea(grown) - expected) / expected < 0.04, `area ${polygonArea(grown)} vs ${expected}`);
  assert.ok(grown.length > 8, 'the corners are arcs, not single points');
  assert.equal(unclip([[5, 5], [5, 5], [5, 5], [5, 5]], 1.5), undefined, 'a box without area grows into nothing');
});

test('DB post-processing finds the two lines, unclipped, and drops the faint and the tiny regions', () => {
  const found = detectBoxes(map(), W, H, W, H, DB_DEFAULTS);
  assert.equal(found.length, 2);
  // A: pixels x 10..49, y 10..19; d = 39*9*1.5/96 = 5.48 -> x 4.5..54.5, y 4.5..24.5, Clipper rounds to integers.
  assert.deepEqual(rounded(found[0]!.box), [[5, 5], [54, 5], [54, 24], [5, 24]]);
  assert.ok(Math.abs(found[0]!.score - 0.9) < 1e-6);
  // B: x 60..89, y 30..39; d = 29*9*1.5/76 = 5.15.
  assert.deepEqual(rounded(found[1]!.box), [[55, 25], [94, 25], [94, 44], [55, 44]]);
  assert.ok(Math.abs(found[1]!.score - 0.8) < 1e-6);
});

test('boxes are scaled from the map to the image, rounded and clipped', () => {
  const found = detectBoxes(map(), W, H, 200, 120, DB_DEFAULTS);
  assert.deepEqual(found.map((f) => f.box), [[[10, 10], [108, 10], [108, 48], [10, 48]], [[110, 50], [188, 50], [188, 88], [110, 88]]]);
  for (const { box } of found) for (const [x, y] of box) assert.ok(Number.isInteger(x) && Number.isInteger(y));
});

test('box_thresh decides which regions count', () => {
  assert.equal(detectBoxes(map(), W, H, W, H, { ...DB_DEFAULTS, boxThresh: 0.85 }).length, 1, 'only A is above 0.85');
  const all = detectBoxes(map(), W, H, W, H, { ...DB_DEFAULTS, boxThresh: 0.3 });
  assert.equal(all.length, 3, 'C joins at 0.3; D stays too small');
});

test('a slanted line gives a slanted box', () => {
  const prob = new Float32Array(W * H);
  const angle = (15 * Math.PI) / 180;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // Pixel centre in the frame of a 60 x 8 band starting at (20, 15), turned 15 degrees.
      const dx = x - 20;
      const dy = y - 15;
      const u = dx * Math.cos(angle) + dy * Math.sin(angle);
      const v = -dx * Math.sin(angle) + dy * Math.cos(angle);
      if (u >= 0 && u <= 60 && v >= 0 && v <= 8) prob[y * W + x] = 0.95;
    }
  }
  const [found] = detectBoxes(prob, W, H, W, H, DB_DEFAULTS);
  const [tl, tr, , bl] = found!.box;
  const slope = (Math.atan2(tr[1] - tl[1], tr[0] - tl[0]) * 180) / Math.PI;
  assert.ok(Math.abs(slope - 15) < 3, `the top edge slopes ${slope.toFixed(1)} degrees`);
  assert.ok(Math.hypot(tr[0] - tl[0], tr[1] - tl[1]) > 60 && Math.hypot(bl[0] - tl[0], bl[1] - tl[1]) > 8, 'unclipped beyond the band');
});
