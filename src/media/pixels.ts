// Decoded pixels and the pure operations models need on them. Nothing here touches sharp or the event loop's
// libraries, so inference threads import this file to do the heavy per-pixel work off the main thread.

/** 8-bit RGB pixels, row-major, 3 bytes per pixel (HWC), as every image module receives them. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type ChannelOrder = 'rgb' | 'bgr';

export interface Normalization {
  /** Channel order of the planes written (Paddle's OpenCV-trained models want 'bgr'). */
  order: ChannelOrder;
  /** Per written channel, in `order`, applied after `scale`: (x * scale - mean) / std. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** Multiplies the 0-255 value first; 1/255 by default. */
  scale?: number;
}

export function createImage(width: number, height: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

/**
 * Bilinear resize with OpenCV's INTER_LINEAR sampling (pixel centres aligned, edges clamped), the
 * interpolation PaddleOCR and most OpenCV-trained models were fed at training time.
 */
export function resizeBilinear(src: RgbImage, width: number, height: number): RgbImage {
  if (width < 1 || height < 1) throw new RangeError(`resize to ${width}x${height}: sizes must be at least 1`);
  if (width === src.width && height === src.height) return { width, height, data: src.data.slice() };
  const out = createImage(width, height);
  const sx = src.width / width;
  const sy = src.height / height;
  // Horizontal taps are the same for every row: compute them once.
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const fxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    let fx = (x + 0.5) * sx - 0.5;
    if (fx < 0) fx = 0;
    let x0 = Math.floor(fx);
    if (x0 > src.width - 1) x0 = src.width - 1;
    x0s[x] = x0 * 3;
    x1s[x] = Math.min(x0 + 1, src.width - 1) * 3;
    fxs[x] = fx - x0;
  }
  const s = src.data;
  const d = out.data;
  const stride = src.width * 3;
  for (let y = 0; y < height; y++) {
    let fy = (y + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0;
    let y0 = Math.floor(fy);
    if (y0 > src.height - 1) y0 = src.height - 1;
    const y1 = Math.min(y0 + 1, src.height - 1);
    const wy = fy - y0;
    const r0 = y0 * stride;
    const r1 = y1 * stride;
    let o = y * width * 3;
    for (let x = 0; x < width; x++) {
      const a = r0 + x0s[x];
      const b = r0 + x1s[x];
      const c = r1 + x0s[x];
      const e = r1 + x1s[x];
      const wx = fxs[x];
      for (let ch = 0; ch < 3; ch++) {
        const top = s[a + ch] + (s[b + ch] - s[a + ch]) * wx;
        const bottom = s[c + ch] + (s[e + ch] - s[c + ch]) * wx;
        d[o++] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return out;
}

export function rotate180(src: RgbImage): RgbImage {
  const out = createImage(src.width, src.height);
  const n = src.width * src.height;
  for (let i = 0; i < n; i++) {
    const from = i * 3;
    const to = (n - 1 - i) * 3;
    out.data[to] = src.data[from];
    out.data[to + 1] = src.data[from + 1];
    out.data[to + 2] = src.data[from + 2];
  }
  return out;
}

/** Quarter turn counter-clockwise (numpy's rot90): the right edge becomes the top. */
export function rotate90ccw(src: RgbImage): RgbImage {
  const out = createImage(src.height, src.width);
  for (let y = 0; y < out.height; y++) {
    const srcX = src.width - 1 - y;
    for (let x = 0; x < out.width; x++) {
      const from = (x * src.width + srcX) * 3;
      const to = (y * out.width + x) * 3;
      out.data[to] = src.data[from];
      out.data[to + 1] = src.data[from + 1];
      out.data[to + 2] = src.data[from + 2];
    }
  }
  return out;
}

/**
 * Writes the image as three normalized float planes (CHW) into `target`, which holds planes of
 * `planeWidth` x `planeHeight` starting at `offset`; the image goes to the top-left corner and the rest of the
 * planes is left as it is (zero in a fresh array: the padding Paddle models expect).
 */
export function writeChw(src: RgbImage, target: Float32Array, norm: Normalization,
  planeWidth = src.width, planeHeight = src.height, offset = 0): Float32Array {
  if (src.width > planeWidth || src.height > planeHeight) {
    throw new RangeError(`a ${src.width}x${src.height} image does not fit planes of ${planeWidth}x${planeHeight}`);
  }
  const plane = planeWidth * planeHeight;
  if (offset + 3 * plane > target.length) throw new RangeError('the target is too small for three planes');
  const scale = norm.scale ?? 1 / 255;
  // Folding scale, mean and std into one multiply-add per value: v * k + b.
  const k = [0, 1, 2].map((c) => scale / norm.std[c]!);
  const b = [0, 1, 2].map((c) => -norm.mean[c]! / norm.std[c]!);
  const source = norm.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const d = src.data;
  for (let c = 0; c < 3; c++) {
    const sc = source[c]!;
    const kc = k[c]!;
    const bc = b[c]!;
    const base = offset + c * plane;
    for (let y = 0; y < src.height; y++) {
      let i = y * src.width * 3 + sc;
      let o = base + y * planeWidth;
      for (let x = 0; x < src.width; x++, i += 3) target[o++] = d[i] * kc + bc;
    }
  }
  return target;
}

/** The image as a fresh [3, height, width] float tensor body. */
export function toChw(src: RgbImage, norm: Normalization): Float32Array {
  return writeChw(src, new Float32Array(3 * src.width * src.height), norm);
}

/** The image as a fresh [height, width, 3] float tensor body (TF-style models), channels in `norm.order`. */
export function toHwc(src: RgbImage, norm: Normalization): Float32Array {
  const scale = norm.scale ?? 1 / 255;
  const source = norm.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const out = new Float32Array(src.width * src.height * 3);
  for (let i = 0; i < out.length; i += 3) {
    for (let c = 0; c < 3; c++) out[i + c] = (src.data[i + source[c]!] * scale - norm.mean[c]!) / norm.std[c]!;
  }
  return out;
}

/** Size that fits within `maxSide` on its longer side, keeping the aspect ratio (never enlarging). */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number; ratio: number } {
  const longer = Math.max(width, height);
  if (longer <= maxSide) return { width, height, ratio: 1 };
  const ratio = maxSide / longer;
  return { width: Math.max(1, Math.round(width * ratio)), height: Math.max(1, Math.round(height * ratio)), ratio };
}

/**
 * The bytes as a Uint8Array that owns its whole ArrayBuffer, so it can be transferred to a thread without
 * detaching memory that other values share (Node's small Buffers live in a shared pool).
 */
export function transferable(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes;
  return new Uint8Array(bytes);
}
