import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anchorCentres, BLAZEFACE_GRIDS, faceInputTensor } from '../../../src/modules/blazeface_mediapipe/face-pipeline.js';
import { prepareFaceInput, toImageBox } from '../../../src/modules/blazeface_mediapipe/face-input.js';
import { createImage } from '../../../src/media/pixels.js';

test('anchors: 512 + 384 centres, row by row, several per cell', () => {
  const [a16, a8] = BLAZEFACE_GRIDS.map(anchorCentres);
  assert.equal(a16!.length / 2, 512);
  assert.equal(a8!.length / 2, 384);
  assert.deepEqual(Array.from(a16!.subarray(0, 6)), [0.5 / 16, 0.5 / 16, 0.5 / 16, 0.5 / 16, 1.5 / 16, 0.5 / 16]);
  // The last anchor of the 8x8 grid sits in its bottom-right cell.
  assert.deepEqual(Array.from(a8!.subarray(a8!.length - 2)), [7.5 / 8, 7.5 / 8]);
});

test('the input tensor: pixels scaled to -1..1 at the top-left, black (-1) elsewhere', () => {
  const pixels = Uint8Array.from([0, 255, 127.5, 255, 0, 0]);
  const t = faceInputTensor({ pixels, width: 2, height: 1 });
  assert.equal(t.length, 256 * 256 * 3);
  assert.deepEqual(Array.from(t.subarray(0, 6)).map((v) => +v.toFixed(3)), [-1, 1, -0.004, 1, -1, -1]);
  assert.equal(t[256 * 3], -1);
});

test('images keep their aspect ratio in the input, and boxes map back to integer pixels inside the image', async () => {
  const wide = await prepareFaceInput(createImage(1024, 512));
  assert.deepEqual([wide.input.width, wide.input.height], [256, 128]);
  assert.equal(wide.input.pixels.length, 256 * 128 * 3);
  assert.deepEqual(toImageBox({ left: -3, top: 10.2, right: 100.4, bottom: 300 }, wide, { width: 1024, height: 512 }), { left: 0, top: 41, right: 402, bottom: 512 });
  const small = await prepareFaceInput(createImage(64, 32));
  assert.deepEqual([small.input.width, small.input.height], [256, 128], 'small images are enlarged to the input size');
});
