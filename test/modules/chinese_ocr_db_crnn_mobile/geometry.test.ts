import assert from 'node:assert/strict';
import { test } from 'node:test';
import { regionOutlines } from '../../../src/modules/chinese_ocr_db_crnn_mobile/components.js';
import {
  convexHull, minAreaRect, miniBox, polygonArea, polygonPerimeter, roundHalfEven, type Point,
} from '../../../src/modules/chinese_ocr_db_crnn_mobile/geometry.js';

const close = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) <= eps, `${a} is not ${b}`);
const sortPoints = (ps: readonly Point[]) => [...ps].map(([x, y]) => [+x.toFixed(6), +y.toFixed(6)]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);

test('convex hull drops inner and collinear points', () => {
  const hull = convexHull([[0, 0], [5, 0], [10, 0], [10, 10], [0, 10], [5, 5], [3, 7], [0, 5], [0, 0]]);
  assert.deepEqual(sortPoints(hull), [[0, 0], [0, 10], [10, 0], [10, 10]]);
  assert.deepEqual(convexHull([[1, 1], [1, 1]]), [[1, 1]]);
});

test('minimum-area rectangle of an upright rectangle of pixels', () => {
  const points: Point[] = [];
  for (let y = 0; y <= 4; y++) for (let x = 0; x <= 9; x++) points.push([x, y]);
  const rect = minAreaRect(points);
  assert.deepEqual([Math.max(rect.width, rect.height), Math.min(rect.width, rect.height)], [9, 4]);
  assert.deepEqual(sortPoints(rect.corners), [[0, 0], [0, 4], [9, 0], [9, 4]]);
});

test('minimum-area rectangle of a turned rectangle finds its sides and corners', () => {
  const angle = (30 * Math.PI) / 180;
  const corner = (u: number, v: number): Point => [50 + u * Math.cos(angle) - v * Math.sin(angle), 50 + u * Math.sin(angle) + v * Math.cos(angle)];
  const corners = [corner(0, 0), corner(10, 0), corner(10, 4), corner(0, 4)];
  const inside = [corner(5, 2), corner(1, 3), corner(9, 1)];
  const rect = minAreaRect([...inside, ...corners]);
  close(rect.width * rect.height, 40);
  close(Math.max(rect.width, rect.height), 10);
  assert.deepEqual(sortPoints(rect.corners), sortPoints(corners));
});

test('degenerate point sets give zero sides', () => {
  assert.equal(minAreaRect([[3, 3]]).width, 0);
  const line = minAreaRect([[0, 0], [5, 0], [10, 0]]);
  assert.deepEqual([line.width, line.height], [10, 0]);
});

test("miniBox orders corners as PaddleOCR's get_mini_boxes and gives the shorter side", () => {
  const { box, shortSide } = miniBox([[50, 30], [10, 20], [50, 20], [10, 30], [30, 25]]);
  assert.deepEqual(box.map(([x, y]) => [+x.toFixed(6), +y.toFixed(6)]), [[10, 20], [50, 20], [50, 30], [10, 30]]);
  assert.equal(shortSide, 10);
  // A box tilted down to the right: top-left is the leftmost-upper corner.
  const tilted = miniBox([[0, 0], [40, 10], [38, 18], [-2, 8]]);
  const [tl, tr, br, bl] = tilted.box;
  assert.ok(tl[0] < tr[0] && tl[1] < bl[1] && tr[1] < br[1], JSON.stringify(tilted.box));
});

test('area, perimeter and numpy-style rounding', () => {
  const square: Point[] = [[0, 0], [4, 0], [4, 3], [0, 3]];
  assert.equal(polygonArea(square), 12);
  assert.equal(polygonArea([...square].reverse()), 12);
  assert.equal(polygonPerimeter(square), 14);
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, -1.5, -2.5].map(roundHalfEven), [0, 2, 2, 4, 2, 3, -2, -2]);
});

test('regions are 8-connected and outlined by their row ends', () => {
  const w = 8;
  const h = 5;
  const bitmap = new Uint8Array(w * h);
  const set = (x: number, y: number) => (bitmap[y * w + x] = 1);
  // An L of three pixels, a diagonal neighbour (same region), and a separate pixel far right.
  set(1, 1); set(2, 1); set(1, 2); set(2, 3); set(6, 0);
  const regions = regionOutlines(bitmap, w, h);
  assert.equal(regions.length, 2);
  assert.deepEqual(regions[0], [[6, 0]], 'the first region in scan order starts on row 0');
  assert.deepEqual(regions[1], [[1, 1], [2, 1], [1, 2], [2, 3]]);
  assert.equal(regionOutlines(bitmap, w, h, 1).length, 1, 'at most `limit` regions');
});
