import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { post, startServer, type Reply, type RunningServer, expectError } from '../helpers/cli.js';
import { corruptPng, pngBomb } from '../media/fixtures.js';
import { renderText, textRenderer } from '../media/render-text.js';

// Started as `-m ocr` (the task name). Bad images get clean envelopes with the right HTTP status, name the
// image at fault, and the server keeps answering.

const NAME = 'chinese_ocr_db_crnn_mobile';

// Hooks have no skip on Node 20: the whole suite is skipped (or, under CI, fails) without the font.
const noFont = (await textRenderer()).skip;

describe('ocr task: bad images', { skip: noFont }, () => {
  let server: RunningServer | undefined;
  let url = '';
  let good = '';

  before(async () => {
    server = await startServer(['-m', 'ocr', '--host', '127.0.0.1']);
    url = `${server.url}/predict/${NAME}`;
    good = (await renderText({ width: 400, height: 120, lines: [{ text: '你好世界', x: 30, y: 75 }] })).toString('base64');
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });


  const stillServes = async () => {
    const reply = await post(url, { images: [good] });
    assert.equal(reply.body.status, '000', reply.text);
    assert.deepEqual((reply.body.results as { data: { text: string }[] }[])[0]!.data.map((l) => l.text), ['你好世界']);
  };

  test('`-m ocr` serves chinese_ocr_db_crnn_mobile', async () => {
    assert.match(server!.stderr() + server!.stdout(), /"ocr" is a task: serving its default module chinese_ocr_db_crnn_mobile/);
    await stillServes();
  });

  test('a corrupt image is refused with 400 naming its index', async () => {
    const png = await renderText({ width: 200, height: 80, lines: [{ text: '你好', x: 10, y: 50 }], format: 'png' });
    expectError(await post(url, { images: [good, corruptPng(png).toString('base64')] }), 400, '113',
      /^images\[1\]: not an image \(unsupported or corrupt data\)/);
    const jpeg = Buffer.from(good, 'base64');
    expectError(await post(url, { images: [jpeg.subarray(0, jpeg.length >> 1).toString('base64')] }), 400, '113', /^images\[0\]: not an image/);
    await stillServes();
  });

  test('a text file sent as an image is refused with 400', async () => {
    const text = Buffer.from('这不是图片。This is a text file, not an image.\n').toString('base64');
    expectError(await post(url, { images: [text] }), 400, '113', /^images\[0\]: not an image \(unsupported or corrupt data\)/);
    expectError(await post(url, { images: ['/data/photos/receipt.jpg'] }), 400, '113', /^images\[0\]: not base64/);
    await stillServes();
  });

  test('a decompression bomb is refused with 413 from its header, and the server stays up', async () => {
    const bomb = pngBomb(30000, 30000).toString('base64');
    const started = performance.now();
    expectError(await post(url, { images: [good, bomb] }), 413, '133', /^images\[1\]: the image is too large: 30000x30000 pixels/);
    assert.ok(performance.now() - started < 2000, 'refused at once, not decoded');
    const health = await fetch(`${server!.url}/healthz`);
    assert.equal(health.status, 200);
    await stillServes();
  });

  test('wrong arguments name the argument', async () => {
    expectError(await post(url, {}), 400, '113', /^images: .*give the images as "images"/);
    expectError(await post(url, { images: 'abc' }), 400, '113', /^images: "abc" is not allowed: expected a list/);
    expectError(await post(url, { images: [good, 5] }), 400, '113', /^images\.1: 5 is not allowed/);
    expectError(await post(url, { images: [good], box_thresh: 2 }), 400, '113', /^box_thresh: 2 is not allowed: expected a number from 0 to 1/);
    expectError(await post(url, { paths: ['/etc/passwd'] }), 400, '113', /^paths: .*reading files on the server is not supported/);
    expectError(await post(url, { images: [good], top_k: 1 }), 400, '113', /unknown key "top_k"/);
    await stillServes();
  });
});
