import { createImage, type RgbImage } from '../../media/pixels.js';

// Pixel operations src/media does not have: cropping and pasting 8-bit RGB images. Pure, so they run
// in either thread and are tested without a model.

/** Python's round(): halves go to the even neighbour. Preprocessing copied from Python must round alike. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The rectangle of `src` at (left, top), width x height; it must lie inside the image. */
export function cropRgb(src: RgbImage, left: number, top: number, width: number, height: number): RgbImage {
  if (left < 0 || top < 0 || width < 1 || height < 1 || left + width > src.width || top + height > src.height) {
    throw new RangeError(`crop ${width}x${height} at ${left},${top} does not fit a ${src.width}x${src.height} image`);
  }
  const out = createImage(width, height);
  const rowBytes = width * 3;
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * src.width + left) * 3;
    out.data.set(src.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return out;
}

/** A width x height image filled with one grey level, with `src` pasted at (left, top) (clipped to fit). */
export function pasteOnGrey(src: RgbImage, width: number, height: number, left: number, top: number, grey: number): RgbImage {
  const out = createImage(width, height);
  out.data.fill(grey);
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(width, left + src.width);
  const y1 = Math.min(height, top + src.height);
  if (x1 <= x0 || y1 <= y0) return out;
  for (let y = y0; y < y1; y++) {
    const from = ((y - top) * src.width + (x0 - left)) * 3;
    out.data.set(src.data.subarray(from, from + (x1 - x0) * 3), (y * width + x0) * 3);
  }
  return out;
}
