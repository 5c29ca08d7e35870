import { badImage, imageTooLarge } from './image-errors.js';
import type { ImageLimits } from './image-limits.js';

// One item of `images` to the bytes of an image file. PaddleHub clients send plain base64 of an encoded file
// (cv2.imencode + base64.b64encode); browsers often send data: URIs; multipart uploads hand over bytes.

export type ImageItem = string | Uint8Array;

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const WHITESPACE = /\s/;
const DATA_URI = /^data:([^,]*),/i;

/** How a string item is written: a data: URI, base64 (standard or URL-safe, whitespace allowed), or neither. */
export function classifyImageString(item: string): 'data-uri' | 'base64' | 'invalid' {
  if (/^data:/i.test(item)) return 'data-uri';
  return isBase64(item) ? 'base64' : 'invalid';
}

export function isBase64(text: string): boolean {
  // MIME encoders wrap lines; only strip whitespace when there is some, as the strings can be megabytes.
  const compact = WHITESPACE.test(text) ? text.replace(/\s+/g, '') : text;
  return compact.length > 0 && compact.length % 4 !== 1 && BASE64.test(compact);
}

/** Decoded size of base64 text, without decoding it. */
export function base64DecodedLength(text: string): number {
  let padding = 0;
  for (let i = text.length - 1; i >= 0 && padding < 3; i--) {
    const c = text.charCodeAt(i);
    if (c === 61 /* = */) padding++;
    else if (c > 32) break;
  }
  return Math.floor(((text.length - padding) * 3) / 4);
}

/** The file bytes of one item. Refuses anything else with a message that names the item and says what to send. */
export function imageItemBytes(item: unknown, index: number, limits: ImageLimits, field = 'images'): Buffer {
  if (item instanceof Uint8Array) {
    if (item.byteLength > limits.maxBytes) throw imageTooLarge(index, `${item.byteLength} bytes; the limit is ${limits.maxBytes}`, field);
    if (item.byteLength === 0) throw badImage(index, 'empty', field);
    return Buffer.from(item.buffer, item.byteOffset, item.byteLength);
  }
  if (typeof item !== 'string') throw badImage(index, 'expected a base64 string of an image file', field);
  if (item.length === 0) throw badImage(index, 'empty', field);
  let payload = item;
  if (/^data:/i.test(item)) {
    const header = DATA_URI.exec(item.slice(0, 256));
    if (!header) throw badImage(index, 'a data: URI without a comma before its data', field);
    const params = header[1]!.split(';').map((p) => p.trim().toLowerCase());
    if (!params.includes('base64')) throw badImage(index, 'a data: URI must be base64 (data:image/png;base64,...)', field);
    const type = params[0] ?? '';
    if (type && !type.startsWith('image/') && type !== 'application/octet-stream') {
      throw badImage(index, `a data: URI of type ${type.slice(0, 64)}, not an image`, field);
    }
    payload = item.slice(header[0].length);
  }
  const size = base64DecodedLength(payload);
  if (size > limits.maxBytes) throw imageTooLarge(index, `about ${size} bytes; the limit is ${limits.maxBytes}`, field);
  if (!isBase64(payload)) {
    throw badImage(index, 'not base64: send the image file\'s bytes as base64 (e.g. base64.b64encode(cv2.imencode(".jpg", img)[1])) or a data: URI, not a path or URL', field);
  }
  return Buffer.from(payload, 'base64');
}
