import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { HubError } from '../../src/errors/catalogue.js';
import { decodeImage, loadImage, readImage, readImages } from '../../src/media/image-decode.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/media/image-limits.js';
import { corruptPng, pngBomb } from './fixtures.js';

/** A 4x2 image: left half red, right half blue. */
async function redBlue(): Promise<Sharp> {
  const raw = Buffer.alloc(4 * 2 * 3);
  for (let y = 0; y < 2; y++) {
    for (let x = 0; x < 4; x++) raw.set(x < 2 ? [255, 0, 0] : [0, 0, 255], (y * 4 + x) * 3);
  }
  return sharp(raw, { raw: { width: 4, height: 2, channels: 3 } });
}

const pixel = (img: { width: number; data: Uint8Array }, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

async function rejects(promise: Promise<unknown>, http: number, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof HubError, `expected a HubError, got ${String(error)}`);
    assert.equal(error.http, http);
    assert.match(error.message, message);
    return true;
  });
}

test('PNG, lossless WebP and JPEG decode to RGB pixels', async () => {
  for (const encode of [(s: Sharp) => s.png(), (s: Sharp) => s.webp({ lossless: true })]) {
    const bytes = await encode(await redBlue()).toBuffer();
    const image = await loadImage(bytes.toString('base64'), 0);
    assert.deepEqual([image.width, image.height, image.data.length], [4, 2, 24]);
    assert.deepEqual(pixel(image, 0, 0), [255, 0, 0]);
    assert.deepEqual(pixel(image, 3, 1), [0, 0, 255]);
  }
  const jpeg = await sharp({ create: { width: 16, height: 8, channels: 3, background: { r: 200, g: 100, b: 50 } } }).jpeg({ quality: 95 }).toBuffer();
  const image = await loadImage(`data:image/jpeg;base64,${jpeg.toString('base64')}`, 0);
  const [r, g, b] = pixel(image, 8, 4);
  assert.ok(Math.abs(r! - 200) < 4 && Math.abs(g! - 100) < 4 && Math.abs(b! - 50) < 4, `got ${r},${g},${b}`);
});

test('GIF, TIFF and AVIF decode too', async () => {
  const green = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#00ff00' } });
  for (const [format, bytes] of [['gif', await green().gif().toBuffer()], ['tiff', await green().tiff().toBuffer()], ['avif', await green().avif().toBuffer()]] as const) {
    const source = await readImage(bytes, 0);
    assert.equal(source.format, format);
    const [r, g, b] = pixel(await decodeImage(source), 4, 4);
    assert.ok(r! < 20 && g! > 235 && b! < 20, `${format}: ${r},${g},${b}`);
  }
});

test('EXIF orientation is applied (6 = turn 90 degrees clockwise)', async () => {
  const bytes = await (await redBlue()).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
  const source = await readImage(bytes, 0);
  assert.deepEqual([source.width, source.height], [2, 4], 'the header check already sees the turned size');
  const image = await decodeImage(source);
  assert.deepEqual([image.width, image.height], [2, 4]);
  // Turned clockwise, the red left half is on top.
  assert.ok(pixel(image, 0, 0)[0]! > 200 && pixel(image, 0, 0)[2]! < 60, `top is red: ${pixel(image, 0, 0)}`);
  assert.ok(pixel(image, 1, 3)[2]! > 200 && pixel(image, 1, 3)[0]! < 60, `bottom is blue: ${pixel(image, 1, 3)}`);
});

test('transparency is flattened onto white, grey becomes RGB', async () => {
  const clear = await sharp({ create: { width: 2, height: 2, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
  assert.deepEqual(pixel(await loadImage(clear, 0), 1, 1), [255, 255, 255]);
  const grey = await sharp(Buffer.from([10, 128, 200, 255]), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();
  const image = await loadImage(grey, 0);
  assert.deepEqual(pixel(image, 1, 0), [128, 128, 128]);
});

test('data that is not an image is refused with 400 and its index', async () => {
  await rejects(readImage(Buffer.from('just some text, not a picture\n').toString('base64'), 2), 400, /^images\[2\]: not an image \(unsupported or corrupt data\)/);
  await rejects(readImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>').toString('base64'), 0), 400, /not an image/);
  await rejects(readImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), 1), 400, /^images\[1\]: not an image/);
  await rejects(readImage(Buffer.from(`BM${'\0'.repeat(60)}`, 'latin1'), 0), 400, /BMP images are not supported/);
});

test('an image corrupt past its header passes the header check and fails decoding with the same message', async () => {
  const valid = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } }).png({ compressionLevel: 0 }).toBuffer();
  const source = await readImage(corruptPng(valid), 7);
  await rejects(decodeImage(source), 400, /^images\[7\]: not an image \(unsupported or corrupt data\)/);
  const noise = Buffer.from(Array.from({ length: 96 * 96 * 3 }, (_, i) => (i * 7919) % 251));
  const jpeg = await sharp(noise, { raw: { width: 96, height: 96, channels: 3 } }).jpeg().toBuffer();
  await rejects(loadImage(jpeg.subarray(0, jpeg.length >> 1), 0), 400, /not an image/);
});

test('a decompression bomb is refused from its header with 413, without decoding', async () => {
  const bomb = pngBomb(30000, 30000);
  assert.ok(bomb.length < 200_000, `the bomb is a small file (${bomb.length} bytes)`);
  const before = process.memoryUsage().rss;
  await rejects(readImage(bomb.toString('base64'), 3), 413,
    /^images\[3\]: the image is too large: 30000x30000 pixels; the longest side may be at most 20000/);
  await rejects(readImage(pngBomb(6000, 8000), 0), 413, /6000x8000 = 48000000 pixels; the limit is 40000000/);
  const grown = process.memoryUsage().rss - before;
  assert.ok(grown < 100 * 1024 * 1024, `memory grew by ${(grown / 1e6).toFixed(0)} MB only: nothing was decoded`);
});

test("sharp's pixel limit still guards decoding when a header check is bypassed", async () => {
  const bytes = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#fff' } }).png().toBuffer();
  const source = await readImage(bytes, 0);
  await rejects(decodeImage(source, { ...DEFAULT_IMAGE_LIMITS, maxPixels: 5000 }), 413, /^images\[0\]: the image is too large: more than 5000 pixels/);
});

test('readImages checks every item before any is decoded, naming the first bad one', async () => {
  const good = (await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).png().toBuffer()).toString('base64');
  const sources = await readImages([good, good]);
  assert.deepEqual(sources.map((s) => [s.index, s.format, s.width, s.height]), [[0, 'png', 8, 8], [1, 'png', 8, 8]]);
  await rejects(readImages([good, good, 'bm90IGFuIGltYWdl']), 400, /^images\[2\]: not an image/);
});
