import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage, type RgbImage } from '../../../src/media/pixels.js';
import { cropBox, cropSize, homography, lineImage } from '../../../src/modules/chinese_ocr_db_crnn_mobile/crop.js';

/** Pixel (x, y) is [x, y, 0]. */
function grid(width: number, height: number): RgbImage {
  const image = createImage(width, height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image.data.set([x, y, 0], (y * width + x) * 3);
  return image;
}

const at = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 2));

test('a homography between equal quadrilaterals is the identity; a translation is one', () => {
  const quad: [number, number][] = [[0, 0], [10, 0], [10, 5], [0, 5]];
  const same = homography(quad, quad);
  assert.deepEqual(Array.from(same).map((v) => +v.toFixed(9) + 0), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const moved = homography(quad, quad.map(([x, y]) => [x + 3, y + 7]));
  assert.deepEqual([moved[2], moved[5]].map((v) => +v!.toFixed(9)), [3, 7]);
  assert.throws(() => homography(quad, [[0, 0], [0, 0], [0, 0], [0, 0]]));
});

test('an upright box is cut out pixel for pixel', () => {
  const crop = cropBox(grid(20, 10), [[2, 1], [6, 1], [6, 4], [2, 4]])!;
  assert.deepEqual([crop.width, crop.height], [4, 3]);
  for (let v = 0; v < 3; v++) for (let u = 0; u < 4; u++) assert.deepEqual(at(crop, u, v), [2 + u, 1 + v]);
});

test('a slanted box is straightened: its top edge becomes the first row', () => {
  // Top edge from (2, 2) to (12, 7): a 2:1 slope.
  const crop = cropBox(grid(40, 40), [[2, 2], [12, 7], [10, 11], [0, 6]])!;
  assert.deepEqual(cropSize([[2, 2], [12, 7], [10, 11], [0, 6]]), { width: 11, height: 4 });
  assert.deepEqual(at(crop, 0, 0), [2, 2]);
  // Halfway along the top row is halfway along the top edge.
  const mid = at(crop, 5, 0);
  assert.ok(Math.abs(mid[0]! - (2 + (10 * 5) / 11)) <= 1 && Math.abs(mid[1]! - (2 + (5 * 5) / 11)) <= 1, `${mid}`);
});

test('a box 1.5 times taller than wide is turned a quarter; a box without area gives nothing', () => {
  const tall = lineImage(grid(20, 20), [[5, 2], [8, 2], [8, 12], [5, 12]])!;
  assert.deepEqual([tall.width, tall.height], [10, 3]);
  // Counter-clockwise: the crop's top-right pixel (7, 2) is now top-left.
  assert.deepEqual(at(tall, 0, 0), [7, 2]);
  assert.equal(cropBox(grid(5, 5), [[1, 1], [1, 1], [1, 1], [1, 1]]), undefined);
});
