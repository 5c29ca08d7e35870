import type { Normalization } from '../../media/pixels.js';
import { roundHalfEven } from './geometry.js';

// The detector's input: the image resized so its longer side is at most 960 and both sides are multiples of
// 32 (the network downsamples 32 times), BGR normalized with ImageNet's mean and std (PaddleOCR's
// DetResizeForTest with limit_type "max" and NormalizeImage).

export const DET_LIMIT_SIDE = 960;

export const DET_NORM: Normalization = { order: 'bgr', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

export function detInputSize(width: number, height: number, limitSide = DET_LIMIT_SIDE): { width: number; height: number } {
  const ratio = Math.max(width, height) > limitSide ? limitSide / Math.max(width, height) : 1;
  const to32 = (side: number) => Math.max(roundHalfEven(Math.trunc(side * ratio) / 32) * 32, 32);
  return { width: to32(width), height: to32(height) };
}
