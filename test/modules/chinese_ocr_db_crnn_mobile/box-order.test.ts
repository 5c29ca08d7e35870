import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clipToImage, orderClockwise, sortBoxes, tidyBoxes } from '../../../src/modules/chinese_ocr_db_crnn_mobile/box-order.js';
import type { Quad } from '../../../src/modules/chinese_ocr_db_crnn_mobile/geometry.js';

const rect = (x: number, y: number, w: number, h: number): Quad => [[x, y], [x + w, y], [x + w, y + h], [x, y + h]];

test('corners are put in the order top-left, top-right, bottom-right, bottom-left', () => {
  const [tl, tr, br, bl] = rect(10, 20, 50, 10);
  assert.deepEqual(orderClockwise([br, tl, bl, tr]), [tl, tr, br, bl]);
  assert.deepEqual(orderClockwise([bl, br, tr, tl]), [tl, tr, br, bl]);
  // A slanted box keeps its corners in place.
  const slanted: Quad = [[10, 10], [60, 20], [58, 30], [8, 20]];
  assert.deepEqual(orderClockwise([slanted[2], slanted[3], slanted[0], slanted[1]]), slanted);
});

test('corners are clipped into the image and truncated', () => {
  assert.deepEqual(clipToImage([[-3, -1], [120.7, 4.2], [120, 80], [2.9, 80]], 100, 50), [[0, 0], [99, 4], [99, 49], [2, 49]]);
});

test('boxes 3 pixels or less across are dropped', () => {
  const kept = tidyBoxes([rect(0, 0, 50, 3), rect(0, 10, 3, 50), rect(0, 20, 50, 10)], 200, 200);
  assert.deepEqual(kept, [rect(0, 20, 50, 10)]);
});

test('reading order: top to bottom, and left to right within a line', () => {
  const items = [
    { id: 'line 2', box: rect(50, 40, 30, 10) },
    { id: 'line 1 right', box: rect(100, 12, 30, 10) },
    { id: 'line 1 left', box: rect(10, 15, 30, 10) },
    { id: 'line 3 right', box: rect(90, 70, 30, 10) },
    { id: 'line 3 left', box: rect(5, 78, 30, 10) },
  ];
  assert.deepEqual(sortBoxes(items).map((i) => i.id), ['line 1 left', 'line 1 right', 'line 2', 'line 3 left', 'line 3 right']);
  // Tops 10 pixels apart or more are different lines, whatever their x.
  assert.deepEqual(sortBoxes([{ id: 'b', box: rect(0, 30, 9, 9) }, { id: 'a', box: rect(50, 20, 9, 9) }]).map((i) => i.id), ['a', 'b']);
});
