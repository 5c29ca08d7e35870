import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { loadImage, resizeImage } from '../../../src/media/index.js';
import detInfer, { type Detected, type Page } from '../../../src/modules/chinese_ocr_db_crnn_mobile/det.infer.js';
import { detInputSize } from '../../../src/modules/chinese_ocr_db_crnn_mobile/det-input.js';
import { chineseOcrDbCrnnMobile as ocrModule } from '../../../src/modules/chinese_ocr_db_crnn_mobile/index.js';
import { recWidths } from '../../../src/modules/chinese_ocr_db_crnn_mobile/line-tensors.js';
import { ocrFiles, packageAssetsDir } from '../../../src/modules/chinese_ocr_db_crnn_mobile/model-files.js';
import recInfer, { type RecLine } from '../../../src/modules/chinese_ocr_db_crnn_mobile/rec.infer.js';
import type { DecodedLine } from '../../../src/modules/chinese_ocr_db_crnn_mobile/ctc-decode.js';
import type { LoadedModule } from '../../../src/modules/types.js';
import { InferencePool } from '../../../src/scheduler/pool.js';
import { renderText, requireRendererOrSkip, textRenderer } from '../../media/render-text.js';

// PP-OCRv4 as the server drives it (two inference threads; detection, direction classifier and recogniser each
// batching across images and requests), without HTTP, on text images rendered here with sharp
// (test/media/render-text.ts). Then the recogniser in this thread, to show why lines are batched by width.

type Line = { text: string; confidence: number; text_box_position: [number, number][] };
type Result = { data: Line[]; save_path: string };

const directory = packageAssetsDir()!;

/** Short lines (320 wide at height 48) and a Latin one whose reading changes when it is padded wider. */
const shortLines = () => renderText({ width: 1000, height: 360, lines: [
  { text: 'PaddleHub Serving', x: 40, y: 80, size: 34 }, { text: '你好世界', x: 40, y: 190 }, { text: '今天是个好日子', x: 40, y: 300, size: 30 }] });
/** Lines up to four times as wide, and one short line that shares calls with the short ones. */
const wideLines = () => renderText({ width: 1800, height: 360, lines: [
  { text: '中华人民共和国国家标准化管理委员会发布的文件', x: 40, y: 80, size: 46 }, { text: '今天是', x: 40, y: 190 },
  { text: '汉字识别测试用例第二十七行', x: 40, y: 300, size: 40 }] });

describe('chinese_ocr_db_crnn_mobile on PP-OCRv4', { skip: (await textRenderer()).skip }, () => {
  const pool = new InferencePool({ devices: [{ kind: 'cpu' }, { kind: 'cpu' }], maxQueue: 64, intraOpThreads: 1 });
  const logs: Record<string, unknown>[] = [];
  /** Rows of each recogniser call. */
  const recCalls: number[] = [];
  let module: LoadedModule;
  let home = '';

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'hub-ocr-module-'));
    process.env.HUB_HOME = home;
    const installed = await ocrModule.install({});
    const log = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
    const observe = (model: string) => ({ onBatch: (rows: number) => (model.endsWith('/rec') ? recCalls.push(rows) : undefined) });
    module = await ocrModule.load({ initArgs: {}, pool, log, observe }, installed);
  });
  after(async () => {
    await module?.close?.();
    await pool.close();
    rmSync(home, { recursive: true, force: true });
  });

  async function ocr(files: Buffer[], args: Record<string, unknown> = {}): Promise<Result[]> {
    const results = await module.predict(ocrModule.predictSchema.parse({ images: files.map((f) => f.toString('base64')), ...args }), { signal: new AbortController().signal });
    for (const result of results) ocrModule.resultSchema!.parse(result);
    return results as Result[];
  }
  const texts = (result: Result) => result.data.map((l) => l.text);

  test('two lines are read exactly, top one first, boxes inside the image; stage timings are logged', async (t) => {
    const file = await renderText({ width: 640, height: 200, lines: [{ text: '你好世界', x: 40, y: 70 }, { text: '今天是个好日子', x: 40, y: 150 }] });
    const [result] = await ocr([file]);
    assert.deepEqual(texts(result!), ['你好世界', '今天是个好日子']);
    for (const line of result!.data) {
      assert.ok(line.confidence > 0.9 && line.confidence <= 1, `${line.text}: ${line.confidence}`);
      for (const [x, y] of line.text_box_position) assert.ok(x >= 0 && y >= 0 && x < 640 && y < 200 && Number.isInteger(x) && Number.isInteger(y));
    }
    const [first, second] = result!.data;
    assert.ok(first!.text_box_position[2]![1] < second!.text_box_position[0]![1], 'the first box ends above the second');
    // The glyphs of 你好世界 start at x 40 and end near 40 + 4 * 40.
    assert.ok(Math.abs(first!.text_box_position[0]![0] - 40) < 8 && Math.abs(first!.text_box_position[1]![0] - 200) < 12, JSON.stringify(first!.text_box_position));
    const timings = logs.filter((l) => l.msg === 'ocr stage timings (ms)').at(-1)!;
    assert.deepEqual([timings.width, timings.height, timings.lines], [640, 200, 2]);
    const { det, boxes, cls, rec } = timings;
    t.diagnostic(`640x200, 2 lines: det ${det} ms, boxes+crops ${boxes} ms, cls ${cls} ms, rec ${rec} ms`);
  });

  test('an upside-down line is turned by the direction classifier and read', async () => {
    const file = await renderText({ width: 640, height: 120, lines: [{ text: '今天是个好日子', x: 40, y: 80, size: 44 }], rotate: 180, format: 'png' });
    assert.deepEqual(texts((await ocr([file]))[0]!), ['今天是个好日子']);
    const [unturned] = await ocr([file], { angle_classification_thresh: 1 });
    assert.notDeepEqual(texts(unturned!), ['今天是个好日子'], 'without the classifier the line is not read right');
  });

  test('a page of several lines, a slanted one and Latin text', async () => {
    const file = await renderText({
      width: 1600, height: 1000, background: '#f4f1ea', color: '#202020',
      lines: [
        { text: '百度是一家高科技公司', x: 100, y: 150, size: 40 },
        { text: '天气预报说今天要下雨', x: 900, y: 158, size: 40 },
        { text: 'PaddleHub Serving', x: 100, y: 400, size: 48 },
        { text: '今天是个好日子', x: 200, y: 650, size: 44, angle: 6 },
      ],
    });
    assert.deepEqual(texts((await ocr([file]))[0]!), ['百度是一家高科技公司', '天气预报说今天要下雨', 'PaddleHub Serving', '今天是个好日子']);
  });

  test('an image without text gives no lines; thresholds filter', async () => {
    assert.deepEqual((await ocr([await renderText({ width: 300, height: 200, lines: [] })]))[0], { data: [], save_path: '' });
    const file = await renderText({ width: 640, height: 200, lines: [{ text: '你好世界', x: 40, y: 70 }] });
    assert.equal((await ocr([file], { box_thresh: 1 }))[0]!.data.length, 0, 'no box has a mean probability of 1');
  });

  test('lines read the same alone and batched with other images\' lines, wider ones among them, across requests', async () => {
    const [short, wide] = [await shortLines(), await wideLines()];
    recCalls.length = 0;
    const [alone] = await ocr([short]);
    const shortCalls = recCalls.length;
    assert.deepEqual(texts(alone!), ['PaddleHub Serving', '你好世界', '今天是个好日子']);
    recCalls.length = 0;
    const [wideAlone] = await ocr([wide]);
    const wideCalls = recCalls.length;
    recCalls.length = 0;
    const mixed = await ocr([wide, short, short, wide]);
    assert.ok(recCalls.length < 2 * shortCalls + 2 * wideCalls, `lines of several images shared recogniser calls (${recCalls.length} calls, 2 x ${shortCalls} + 2 x ${wideCalls} alone)`);
    assert.deepEqual(mixed, [wideAlone, alone, alone, wideAlone], 'texts, confidences and boxes unchanged');
    // Concurrent requests: their lines may share calls too; nothing changes either way.
    const concurrent = await Promise.all([ocr([short, wide]), ocr([wide]), ocr([short])]);
    assert.deepEqual(concurrent, [[alone, wideAlone], [wideAlone], [alone]]);
  });
});

describe('the recogniser pads each line as PaddleOCR does', { skip: (await textRenderer()).skip }, () => {
  const detFile = { model: join(directory, ocrFiles.det) };
  const recFile = { model: join(directory, ocrFiles.rec), keys: join(directory, ocrFiles.keys) };
  const read = async (lines: RecLine[]) => (await recInfer({ op: 'run', open: recFile, items: lines })) as DecodedLine[];

  test('at its own width a line reads the same alone or with others; padded wider it does not', async (t) => {
    if (!(await requireRendererOrSkip(t))) return;
    const image = await loadImage(await shortLines(), 0);
    const size = detInputSize(image.width, image.height);
    const detInput = await resizeImage(image, size.width, size.height);
    const page: Page = { size: 1, key: '', width: image.width, height: image.height, pixels: image.data, detWidth: size.width,
      detHeight: size.height, detPixels: detInput.data, boxThresh: 0.5, unclipRatio: 1.5 };
    const [{ lines }] = (await detInfer({ op: 'run', open: detFile, items: [page] })) as Detected[];
    const widths = recWidths(lines!);
    const at = (width: number, i: number): RecLine => ({ size: width, key: String(width), width: lines![i]!.width, height: lines![i]!.height, pixels: lines![i]!.pixels, turned: false });
    const own = widths.map(at);
    const alone: DecodedLine[] = [];
    for (const line of own) alone.push(...(await read([line])));
    assert.deepEqual(alone.map((r) => r.text), ['PaddleHub Serving', '你好世界', '今天是个好日子']);
    // The lines of one width in one call, as the scheduler forms calls: bit for bit the same readings.
    for (const width of new Set(widths)) {
      const together = await read(own.filter((l) => l.size === width));
      assert.deepEqual(together, alone.filter((_, i) => widths[i] === width));
    }
    // Padded to the width of a line four times as wide, as one batch padded to its widest line would be.
    const padded = await read(widths.map((_, i) => at(4 * Math.max(...widths), i)));
    assert.ok(padded.some((r, i) => r.text !== alone[i]!.text || r.confidence !== alone[i]!.confidence), 'padding wider changes a reading');
    t.diagnostic(`own widths ${widths.join(', ')}; padded: ${padded.map((r, i) => `"${r.text}" ${r.confidence.toFixed(6)} (own "${alone[i]!.text}" ${alone[i]!.confidence.toFixed(6)})`).join(', ')}`);
  });
});
