// The format of an image file from its first bytes. Only formats on this list ever reach the decoder, so data
// that libvips could also open (SVG with its external references, PDF, raw text) is refused up front.

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif';

/** Formats recognised but not decodable here, named in the error so the client knows what to change. */
export type UnsupportedFormat = 'bmp' | 'heic';

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  bytes.length >= at + text.length && [...text].every((ch, i) => bytes[at + i] === ch.charCodeAt(0));

export function sniffImageFormat(bytes: Uint8Array): ImageFormat | UnsupportedFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes[0] === 0x89 && ascii(bytes, 1, 'PNG\r\n\x1a\n')) return 'png';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'webp';
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'gif';
  if (ascii(bytes, 0, 'II*\0') || ascii(bytes, 0, 'MM\0*')) return 'tiff';
  if (ascii(bytes, 0, 'BM') && bytes.length >= 26) return 'bmp';
  if (ascii(bytes, 4, 'ftyp')) {
    // The major brand, then the compatible brands up to the end of the ftyp box (generic 'mif1' files list 'avif' there).
    const boxEnd = Math.min(bytes.length, (bytes[0]! << 24 | bytes[1]! << 16 | bytes[2]! << 8 | bytes[3]!) >>> 0, 64);
    const brands = [String.fromCharCode(...bytes.subarray(8, 12))];
    for (let at = 16; at + 4 <= boxEnd; at += 4) brands.push(String.fromCharCode(...bytes.subarray(at, at + 4)));
    if (brands.includes('avif') || brands.includes('avis')) return 'avif';
    if (brands.some((b) => ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(b))) return 'heic';
  }
  return undefined;
}

export function isDecodable(format: ReturnType<typeof sniffImageFormat>): format is ImageFormat {
  return format !== undefined && format !== 'bmp' && format !== 'heic';
}
