import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HubError } from '../../src/errors/catalogue.js';
import { base64DecodedLength, classifyImageString, imageItemBytes, isBase64 } from '../../src/media/image-item.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/media/image-limits.js';
import { sniffImageFormat } from '../../src/media/image-sniff.js';

const limits = DEFAULT_IMAGE_LIMITS;
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

function refused(fn: () => unknown, http: number, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof HubError, `expected a HubError, got ${String(error)}`);
    assert.equal(error.http, http);
    assert.match(error.message, message);
    return true;
  });
}

test('plain base64, data: URIs and other strings are told apart', () => {
  const b64 = PNG_HEAD.toString('base64');
  assert.equal(classifyImageString(b64), 'base64');
  assert.equal(classifyImageString(`data:image/png;base64,${b64}`), 'data-uri');
  assert.equal(classifyImageString('DATA:image/png;base64,AAAA'), 'data-uri');
  assert.equal(classifyImageString('/home/me/photo.jpg'), 'invalid');
  assert.equal(classifyImageString('https://example.org/a.png'), 'invalid');
  assert.equal(classifyImageString(''), 'invalid');
});

test('base64 check: padding, URL-safe alphabet, wrapped lines, impossible lengths', () => {
  assert.ok(isBase64('QUJD'));
  assert.ok(isBase64('QUI='));
  assert.ok(isBase64('QQ=='));
  assert.ok(isBase64('QUI'), 'missing padding is tolerated');
  assert.ok(isBase64('-_-_'), 'URL-safe alphabet');
  assert.ok(isBase64('QUJD\nREVG\r\n'), 'MIME line breaks');
  assert.ok(!isBase64('Q'), 'one leftover character cannot encode anything');
  assert.ok(!isBase64('QQ=A'), 'padding only at the end');
  assert.ok(!isBase64('QQ==='));
  assert.ok(!isBase64('hello world!'));
});

test('decoded length is known without decoding', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 100, 1001]) {
    const text = Buffer.alloc(n, 7).toString('base64');
    assert.equal(base64DecodedLength(text), n, `length ${n}`);
  }
});

test('every form of item gives the file bytes', () => {
  const b64 = PNG_HEAD.toString('base64');
  assert.deepEqual(imageItemBytes(b64, 0, limits), PNG_HEAD);
  assert.deepEqual(imageItemBytes(`data:image/png;base64,${b64}`, 0, limits), PNG_HEAD);
  assert.deepEqual(imageItemBytes(`data:;base64,${b64}`, 0, limits), PNG_HEAD);
  assert.deepEqual(imageItemBytes(b64.replace(/\+/g, '-').replace(/\//g, '_'), 0, limits), PNG_HEAD);
  assert.deepEqual(imageItemBytes(new Uint8Array(PNG_HEAD), 0, limits), PNG_HEAD);
  assert.deepEqual(imageItemBytes(PNG_HEAD, 0, limits), PNG_HEAD);
});

test('bad items are refused with 400 and their index', () => {
  refused(() => imageItemBytes('', 3, limits), 400, /^images\[3\]: empty/);
  refused(() => imageItemBytes(42, 1, limits), 400, /^images\[1\]: expected a base64 string/);
  refused(() => imageItemBytes('/tmp/a.jpg', 2, limits), 400, /^images\[2\]: not base64: .*not a path or URL/);
  refused(() => imageItemBytes('data:image/png,rawbytes', 0, limits), 400, /^images\[0\]: a data: URI must be base64/);
  refused(() => imageItemBytes('data:text/plain;base64,QUJD', 0, limits), 400, /of type text\/plain, not an image/);
  refused(() => imageItemBytes('data:image/png;base64', 0, limits), 400, /without a comma/);
  refused(() => imageItemBytes(new Uint8Array(0), 4, limits), 400, /^images\[4\]: empty/);
  refused(() => imageItemBytes('not base64!', 0, limits, 'image'), 400, /^image\[0\]: not base64/);
});

test('an item over the byte limit is refused with 413 before it is decoded', () => {
  const small = { ...limits, maxBytes: 1000 };
  refused(() => imageItemBytes('A'.repeat(1400), 5, small), 413, /^images\[5\]: the image is too large: about 1050 bytes; the limit is 1000/);
  refused(() => imageItemBytes(new Uint8Array(1001), 0, small), 413, /1001 bytes/);
});

test('formats are recognised from their first bytes', () => {
  assert.equal(sniffImageFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'jpeg');
  assert.equal(sniffImageFormat(PNG_HEAD), 'png');
  assert.equal(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1')), 'webp');
  assert.equal(sniffImageFormat(Buffer.from('GIF89a', 'latin1')), 'gif');
  assert.equal(sniffImageFormat(Buffer.from('II*\0', 'latin1')), 'tiff');
  assert.equal(sniffImageFormat(Buffer.from('\0\0\0\x1cftypavif\0\0\0\0mif1avif', 'latin1')), 'avif');
  assert.equal(sniffImageFormat(Buffer.from('\0\0\0\x18ftypmif1\0\0\0\0mif1heic', 'latin1')), 'heic');
  assert.equal(sniffImageFormat(Buffer.from(`BM${'\0'.repeat(30)}`, 'latin1')), 'bmp');
  assert.equal(sniffImageFormat(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined);
  assert.equal(sniffImageFormat(Buffer.from('hello, I am a text file\n')), undefined);
  assert.equal(sniffImageFormat(Buffer.alloc(0)), undefined);
});
