import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadImage, resizeImage } from '../../../src/media/index.js';
import { detInputSize } from '../../../src/modules/chinese_ocr_db_crnn_mobile/det-input.js';
import { packageAssetsDir } from '../../../src/modules/chinese_ocr_db_crnn_mobile/model-files.js';
import type { OcrOutcome, OcrParams } from '../../../src/modules/chinese_ocr_db_crnn_mobile/ocr-pipeline.js';
import ocrInfer from '../../../src/modules/chinese_ocr_db_crnn_mobile/ocr.worker.js';
import { renderText, requireRendererOrSkip, textRenderer } from '../../media/render-text.js';

// The whole pipeline on PP-OCRv4, in this thread (the task function the inference threads run), on text
// images rendered here with sharp (test/media/render-text.ts).

const directory = packageAssetsDir()!;
const DEFAULTS: OcrParams = { boxThresh: 0.5, textThresh: 0.5, angleThresh: 0.9, unclipRatio: 1.5 };

async function ocr(file: Buffer, params: Partial<OcrParams> = {}): Promise<OcrOutcome & { width: number; height: number }> {
  const image = await loadImage(file, 0);
  const size = detInputSize(image.width, image.height);
  const detInput = await resizeImage(image, size.width, size.height);
  const outcome = (await ocrInfer({ directory, image, detInput, ...DEFAULTS, ...params }))!;
  return { ...outcome, width: image.width, height: image.height };
}

before(async () => {
  await ocrInfer({ directory, warmup: true });
});

test('two lines are read exactly, top one first, boxes inside the image', async (t) => {
  if (!(await requireRendererOrSkip(t))) return;
  const file = await renderText({ width: 640, height: 200, lines: [{ text: '你好世界', x: 40, y: 70 }, { text: '今天是个好日子', x: 40, y: 150 }] });
  const result = await ocr(file);
  assert.deepEqual(result.lines.map((l) => l.text), ['你好世界', '今天是个好日子']);
  for (const line of result.lines) {
    assert.ok(line.confidence > 0.9 && line.confidence <= 1, `${line.text}: ${line.confidence}`);
    for (const [x, y] of line.box) assert.ok(x >= 0 && y >= 0 && x < result.width && y < result.height && Number.isInteger(x) && Number.isInteger(y));
  }
  const [first, second] = result.lines;
  assert.ok(first!.box[2][1] < second!.box[0][1], 'the first box ends above the second');
  // The glyphs of 你好世界 start at x 40 and end near 40 + 4 * 40.
  assert.ok(Math.abs(first!.box[0][0] - 40) < 8 && Math.abs(first!.box[1][0] - 200) < 12, JSON.stringify(first!.box));
  t.diagnostic(`640x200, 2 lines: det ${result.timings.det} ms, boxes+crops ${result.timings.boxes} ms, cls ${result.timings.cls} ms, rec ${result.timings.rec} ms`);
});

test('an upside-down line is turned by the direction classifier and read', async (t) => {
  if (!(await requireRendererOrSkip(t))) return;
  const file = await renderText({ width: 640, height: 120, lines: [{ text: '今天是个好日子', x: 40, y: 80, size: 44 }], rotate: 180, format: 'png' });
  assert.deepEqual((await ocr(file)).lines.map((l) => l.text), ['今天是个好日子']);
  const unturned = await ocr(file, { angleThresh: 1 });
  assert.notDeepEqual(unturned.lines.map((l) => l.text), ['今天是个好日子'], 'without the classifier the line is not read right');
});

test('a page of several lines, a slanted one and Latin text', async (t) => {
  if (!(await requireRendererOrSkip(t))) return;
  const file = await renderText({
    width: 1600, height: 1000, background: '#f4f1ea', color: '#202020',
    lines: [
      { text: '百度是一家高科技公司', x: 100, y: 150, size: 40 },
      { text: '天气预报说今天要下雨', x: 900, y: 158, size: 40 },
      { text: 'PaddleHub Serving', x: 100, y: 400, size: 48 },
      { text: '今天是个好日子', x: 200, y: 650, size: 44, angle: 6 },
    ],
  });
  const result = await ocr(file);
  assert.deepEqual(result.lines.map((l) => l.text), ['百度是一家高科技公司', '天气预报说今天要下雨', 'PaddleHub Serving', '今天是个好日子']);
  const { det, boxes, cls, rec, lines } = result.timings;
  t.diagnostic(`1600x1000, ${lines} lines: det ${det} ms, boxes+crops ${boxes} ms, cls ${cls} ms, rec ${rec} ms (${(rec / lines).toFixed(1)} ms per line)`);
});

test('an image without text gives no lines; thresholds filter', async (t) => {
  if (!(await requireRendererOrSkip(t))) return;
  assert.deepEqual((await ocr(await renderText({ width: 300, height: 200, lines: [] }))).lines, []);
  const file = await renderText({ width: 640, height: 200, lines: [{ text: '你好世界', x: 40, y: 70 }] });
  assert.equal((await ocr(file, { boxThresh: 1 })).lines.length, 0, 'no box has a mean probability of 1');
  assert.ok((await textRenderer()).path);
});
