import { deflateSync } from 'node:zlib';

// Image files built byte by byte for the tests, where a real encoder would refuse or take too long.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid 1-bit greyscale PNG of `width` x `height` black pixels. Its rows are all zero bytes, which zlib
 * squeezes about a thousand times: 30000 x 30000 (900 million pixels) is a file of about 110 KB.
 */
export function pngBomb(width = 30000, height = 30000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc(height * (1 + Math.ceil(width / 8)));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** A PNG whose header is fine and whose pixel data is garbage: passes the header checks, fails decoding. */
export function corruptPng(valid: Buffer): Buffer {
  const copy = Buffer.from(valid);
  const idat = copy.indexOf('IDAT', 0, 'latin1');
  for (let i = idat + 4; i < Math.min(copy.length - 12, idat + 4 + 64); i++) copy[i] = (i * 37) & 0xff;
  return copy;
}
