import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chunks, mapLimit } from '../../../src/scheduler/lanes.js';
import { cropRgb, pasteOnGrey, roundHalfEven } from '../../../src/modules/_vision/rgb.js';

const image = (width: number, height: number) => ({ width, height, data: Uint8Array.from({ length: width * height * 3 }, (_, i) => i % 251) });

describe('rgb helpers', () => {
  test('roundHalfEven rounds as Python does', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 58.5, 59.5, 2.4, 2.6, -0.5, -1.5].map(roundHalfEven), [0, 2, 2, 58, 60, 2, 3, 0, -2]);
  });

  test('cropRgb copies the rectangle and refuses one outside the image', () => {
    const src = image(5, 4);
    const crop = cropRgb(src, 1, 2, 3, 2);
    assert.equal(crop.width, 3);
    assert.equal(crop.height, 2);
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 3; x++) {
        for (let c = 0; c < 3; c++) assert.equal(crop.data[(y * 3 + x) * 3 + c], src.data[((y + 2) * 5 + x + 1) * 3 + c]);
      }
    }
    assert.throws(() => cropRgb(src, 3, 0, 3, 1), RangeError);
    assert.throws(() => cropRgb(src, 0, 0, 0, 1), RangeError);
  });

  test('pasteOnGrey centres the image on the grey level and clips what does not fit', () => {
    const src = image(2, 2);
    const out = pasteOnGrey(src, 4, 3, 1, 1, 128);
    assert.equal(out.data.length, 4 * 3 * 3);
    assert.deepEqual([...out.data.subarray(0, 12)], new Array(12).fill(128), 'the first row is grey');
    assert.deepEqual([...out.data.subarray((1 * 4 + 1) * 3, (1 * 4 + 3) * 3)], [...src.data.subarray(0, 6)]);
    assert.deepEqual([...out.data.subarray((2 * 4 + 1) * 3, (2 * 4 + 3) * 3)], [...src.data.subarray(6, 12)]);
    const clipped = pasteOnGrey(src, 2, 2, -1, 1, 7);
    assert.deepEqual([...clipped.data], [7, 7, 7, 7, 7, 7, ...src.data.subarray(3, 6), 7, 7, 7]);
  });
});

describe('lanes', () => {
  test('mapLimit keeps the order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (v, i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, v * 3));
      running--;
      return v * 10 + i;
    });
    assert.deepEqual(out, [50, 11, 42, 23, 34]);
    assert.equal(most, 2);
    assert.deepEqual(await mapLimit([], 3, async () => 1), []);
  });

  test('chunks', () => {
    assert.deepEqual(chunks([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(chunks([], 2), []);
  });
});
