import { createImage, rotate90ccw, type RgbImage } from '../../media/pixels.js';
import { distance, type Point, type Quad } from './geometry.js';

// A text box to a horizontal line image (PaddleOCR's get_rotate_crop_image): the quadrilateral is warped
// onto an upright rectangle of its own size, and a box much taller than wide is turned a quarter.

/** Solves the 8x8 system of a homography that maps `from` corners onto `to` corners. */
export function homography(from: readonly Point[], to: readonly Point[]): Float64Array {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [u, v] = from[i]!;
    const [x, y] = to[i]!;
    a.push([u, v, 1, 0, 0, 0, -u * x, -v * x, x]);
    a.push([0, 0, 0, u, v, 1, -u * y, -v * y, y]);
  }
  // Gaussian elimination with partial pivoting.
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let row = col + 1; row < 8; row++) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    if (Math.abs(a[pivot]![col]!) < 1e-12) throw new RangeError('degenerate quadrilateral');
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let row = 0; row < 8; row++) {
      if (row === col) continue;
      const f = a[row]![col]! / a[col]![col]!;
      if (f === 0) continue;
      for (let k = col; k < 9; k++) a[row]![k]! -= f * a[col]![k]!;
    }
  }
  const h = new Float64Array(9);
  for (let i = 0; i < 8; i++) h[i] = a[i]![8]! / a[i]![i]!;
  h[8] = 1;
  return h;
}

/** Size of the line image of a box: its longer opposite sides, truncated. */
export function cropSize(box: Quad): { width: number; height: number } {
  return {
    width: Math.trunc(Math.max(distance(box[0], box[1]), distance(box[2], box[3]))),
    height: Math.trunc(Math.max(distance(box[0], box[3]), distance(box[1], box[2]))),
  };
}

/** Warps the box out of the image (bilinear, edges repeated); undefined for a box with no area. */
export function cropBox(image: RgbImage, box: Quad): RgbImage | undefined {
  const { width, height } = cropSize(box);
  if (width < 1 || height < 1) return undefined;
  let h: Float64Array;
  try {
    h = homography([[0, 0], [width, 0], [width, height], [0, height]], box);
  } catch {
    return undefined;
  }
  const out = createImage(width, height);
  const src = image.data;
  const maxX = image.width - 1;
  const maxY = image.height - 1;
  const stride = image.width * 3;
  let o = 0;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const w = h[6]! * u + h[7]! * v + h[8]!;
      let x = (h[0]! * u + h[1]! * v + h[2]!) / w;
      let y = (h[3]! * u + h[4]! * v + h[5]!) / w;
      x = x < 0 ? 0 : x > maxX ? maxX : x;
      y = y < 0 ? 0 : y > maxY ? maxY : y;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const x1 = x0 < maxX ? x0 + 1 : x0;
      const y1 = y0 < maxY ? y0 + 1 : y0;
      const fx = x - x0;
      const fy = y - y0;
      const a = y0 * stride + x0 * 3;
      const b = y0 * stride + x1 * 3;
      const c = y1 * stride + x0 * 3;
      const d = y1 * stride + x1 * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = src[a + ch]! + (src[b + ch]! - src[a + ch]!) * fx;
        const bottom = src[c + ch]! + (src[d + ch]! - src[c + ch]!) * fx;
        out.data[o++] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return out;
}

/** The line image of a box, turned upright-ish when the box is at least 1.5 times taller than wide. */
export function lineImage(image: RgbImage, box: Quad): RgbImage | undefined {
  const crop = cropBox(image, box);
  if (!crop) return undefined;
  return crop.height >= crop.width * 1.5 ? rotate90ccw(crop) : crop;
}
