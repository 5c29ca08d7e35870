import { resizeImage, type RgbImage } from '../../media/index.js';
import { cropRgb, roundHalfEven } from './rgb.js';

// PaddleHub's (and the ONNX model zoo's) ImageNet evaluation transform: resize so the short side is 256,
// then cut the central 224 x 224. For another input size the same 256/224 ratio holds.

export const CROP_SIDE = 224;
export const SHORT_SIDE = 256;
/** Longer sides than this times the short side are cut first: only the centre is used, and resizing a
 * 20000 x 10 strip whole to a short side of 256 would make a 512-megapixel image. */
const MAX_ASPECT = 8;

export interface ResizePlan {
  /** A central part of the source to resize instead of the whole, for very long images. */
  preCrop?: { left: number; top: number; width: number; height: number };
  /** Size after the resize. */
  width: number;
  height: number;
  /** The crop of the resized image fed to the model. */
  left: number;
  top: number;
  side: number;
}

export function shortSideFor(crop: number): number {
  return Math.round((crop * SHORT_SIDE) / CROP_SIDE);
}

export function resizePlan(width: number, height: number, crop = CROP_SIDE): ResizePlan {
  let preCrop: ResizePlan['preCrop'];
  let w = width;
  let h = height;
  const limit = Math.min(w, h) * MAX_ASPECT;
  if (w > limit || h > limit) {
    const keepW = Math.min(w, limit);
    const keepH = Math.min(h, limit);
    preCrop = { left: Math.floor((w - keepW) / 2), top: Math.floor((h - keepH) / 2), width: keepW, height: keepH };
    w = keepW;
    h = keepH;
  }
  const short = shortSideFor(crop);
  const scale = short / Math.min(w, h);
  // Python's int(round(...)) as PaddleHub computes it; never below the crop.
  const rw = Math.max(crop, roundHalfEven(w * scale));
  const rh = Math.max(crop, roundHalfEven(h * scale));
  // PIL's crop rounds its float box the same way.
  return { preCrop, width: rw, height: rh, left: roundHalfEven((rw - crop) / 2), top: roundHalfEven((rh - crop) / 2), side: crop };
}

/** The central crop an ImageNet classifier sees, as PaddleHub makes it (resize with Lanczos, as PIL's LANCZOS). */
export async function imagenetCrop(image: RgbImage, side: number): Promise<RgbImage> {
  const plan = resizePlan(image.width, image.height, side);
  const source = plan.preCrop ? cropRgb(image, plan.preCrop.left, plan.preCrop.top, plan.preCrop.width, plan.preCrop.height) : image;
  const resized = await resizeImage(source, plan.width, plan.height, 'lanczos3');
  return cropRgb(resized, plan.left, plan.top, plan.side, plan.side);
}
