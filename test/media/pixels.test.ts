import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { resizeImage, visualizeJpegBase64, overlaySvg } from '../../src/media/image-encode.js';
import { createImage, fitWithin, resizeBilinear, rotate180, rotate90ccw, toChw, toHwc, transferable, writeChw, type RgbImage } from '../../src/media/pixels.js';

/** An image whose pixel (x, y) is [x, y, 10 * x + y]. */
function ramp(width: number, height: number): RgbImage {
  const image = createImage(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) image.data.set([x, y, 10 * x + y], (y * width + x) * 3);
  }
  return image;
}

const at = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

test('bilinear resize samples pixel centres like OpenCV', () => {
  const src = createImage(2, 1);
  src.data.set([0, 0, 0, 100, 200, 40]);
  const wide = resizeBilinear(src, 4, 1);
  // Centres of the 4 output pixels fall at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1) in the source.
  assert.deepEqual(Array.from(wide.data.filter((_, i) => i % 3 === 0)), [0, 25, 75, 100]);
  const same = resizeBilinear(ramp(5, 3), 5, 3);
  assert.deepEqual(same.data, ramp(5, 3).data);
  const half = resizeBilinear(ramp(4, 4), 2, 2);
  // Halving averages 2x2 blocks: the first covers x 0..1, y 0..1.
  assert.deepEqual(at(half, 0, 0), [1, 1, 6]);
  assert.throws(() => resizeBilinear(ramp(2, 2), 0, 1), RangeError);
});

test('rotations', () => {
  const src = ramp(3, 2);
  const half = rotate180(src);
  assert.deepEqual(at(half, 0, 0), at(src, 2, 1));
  assert.deepEqual(at(half, 2, 1), at(src, 0, 0));
  const quarter = rotate90ccw(src);
  assert.deepEqual([quarter.width, quarter.height], [2, 3]);
  // Counter-clockwise: the top-right corner goes to the top-left, the top-left to the bottom-left.
  assert.deepEqual(at(quarter, 0, 0), at(src, 2, 0));
  assert.deepEqual(at(quarter, 0, 2), at(src, 0, 0));
  assert.deepEqual(at(quarter, 1, 0), at(src, 2, 1));
});

test('CHW planes: channel order, mean/std, padding left untouched', () => {
  const src = createImage(1, 1);
  src.data.set([255, 0, 51]);
  const rgb = toChw(src, { order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] });
  assert.deepEqual(Array.from(rgb).map((v) => +v.toFixed(6)), [1, 0, 0.2]);
  const bgr = toChw(src, { order: 'bgr', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
  assert.deepEqual(Array.from(bgr).map((v) => +v.toFixed(4)), [-0.6, -1, 1]);
  const target = new Float32Array(2 + 3 * 2 * 3);
  writeChw(ramp(2, 1), target, { order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], scale: 1 }, 3, 2, 2);
  // Planes of 3x2 from offset 2; the image fills the first two values of each plane's first row.
  assert.deepEqual(Array.from(target), [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0]);
  assert.throws(() => writeChw(ramp(4, 1), new Float32Array(9), { order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] }, 3, 1), RangeError);
  const hwc = toHwc(ramp(2, 1), { order: 'bgr', mean: [0, 0, 0], std: [1, 1, 1], scale: 1 });
  assert.deepEqual(Array.from(hwc), [0, 0, 0, 10, 0, 1]);
});

test('fitWithin keeps the aspect and never enlarges', () => {
  assert.deepEqual(fitWithin(4000, 3000, 1000), { width: 1000, height: 750, ratio: 0.25 });
  assert.deepEqual(fitWithin(300, 200, 1000), { width: 300, height: 200, ratio: 1 });
  assert.equal(fitWithin(100000, 1, 100).height, 1);
});

test('transferable copies only views into shared memory', () => {
  const own = new Uint8Array(8);
  assert.equal(transferable(own), own);
  const pooled = Buffer.from('small');
  const copy = transferable(pooled);
  assert.notEqual(copy.buffer, pooled.buffer);
  assert.deepEqual(Buffer.from(copy), pooled);
});

test('sharp resize and visualisation give images of the asked size', async () => {
  const resized = await resizeImage(ramp(64, 32), 32, 16);
  assert.deepEqual([resized.width, resized.height, resized.data.length], [32, 16, 32 * 16 * 3]);
  const jpeg = Buffer.from(await visualizeJpegBase64(createImage(40, 30), [{ points: [[2, 2], [30, 2], [30, 20], [2, 20]], label: 'a<b' }]), 'base64');
  const meta = await sharp(jpeg).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 40, 30]);
  assert.match(overlaySvg(10, 10, [{ points: [[0, 0], [1, 1]], label: '<&>' }]), /&#60;&#38;&#62;/);
});
