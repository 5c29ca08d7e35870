import { regionOutlines } from './components.js';
import { miniBox, roundHalfEven, type Point, type Quad } from './geometry.js';
import { unclip } from './unclip.js';

// DB (Differentiable Binarization) post-processing as PaddleOCR does it: the detector's probability map ->
// binary map -> regions -> a rotated box per region, scored, grown back ("unclipped") and scaled to the image.

export interface DbParams {
  /** Probability above which a pixel is text. */
  thresh: number;
  /** Mean probability inside a box below which it is dropped (PaddleHub's box_thresh). */
  boxThresh: number;
  unclipRatio: number;
  maxCandidates: number;
  /** Shorter side, in map pixels, below which a box is dropped (before unclip; 2 more after). */
  minSize: number;
}

export const DB_DEFAULTS: Readonly<DbParams> = { thresh: 0.3, boxThresh: 0.5, unclipRatio: 1.5, maxCandidates: 1000, minSize: 3 };

export interface ScoredBox {
  box: Quad;
  score: number;
}

/**
 * Mean probability over the pixels inside the box (PaddleOCR's "fast" score: the box polygon, corners
 * truncated to integers, filled over its bounding rectangle).
 */
export function boxScore(prob: Float32Array, width: number, height: number, box: readonly Point[]): number {
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  const xs = box.map((p) => p[0]);
  const ys = box.map((p) => p[1]);
  const xmin = clamp(Math.floor(Math.min(...xs)), width - 1);
  const xmax = clamp(Math.ceil(Math.max(...xs)), width - 1);
  const ymin = clamp(Math.floor(Math.min(...ys)), height - 1);
  const ymax = clamp(Math.ceil(Math.max(...ys)), height - 1);
  const poly = box.map(([x, y]): Point => [Math.trunc(x - xmin) + xmin, Math.trunc(y - ymin) + ymin]);
  let sum = 0;
  let count = 0;
  for (let y = ymin; y <= ymax; y++) {
    for (let x = xmin; x <= xmax; x++) {
      if (!insideConvex(poly, x, y)) continue;
      sum += prob[y * width + x]!;
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}

/** Inside or on the edge of a convex polygon whose corners go round in either direction. */
function insideConvex(poly: readonly Point[], x: number, y: number): boolean {
  let positive = false;
  let negative = false;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    const c = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
    if (c > 1e-9) positive = true;
    else if (c < -1e-9) negative = true;
    if (positive && negative) return false;
  }
  return true;
}

/**
 * Boxes of text in a probability map of `mapWidth` x `mapHeight`, in pixels of the original
 * `imageWidth` x `imageHeight` image (integer corners, clipped to the image).
 */
export function detectBoxes(prob: Float32Array, mapWidth: number, mapHeight: number, imageWidth: number, imageHeight: number,
  params: DbParams = DB_DEFAULTS): ScoredBox[] {
  const bitmap = new Uint8Array(mapWidth * mapHeight);
  for (let i = 0; i < bitmap.length; i++) bitmap[i] = prob[i]! > params.thresh ? 1 : 0;
  const boxes: ScoredBox[] = [];
  for (const outline of regionOutlines(bitmap, mapWidth, mapHeight, params.maxCandidates)) {
    const found = miniBox(outline);
    if (found.shortSide < params.minSize) continue;
    const score = boxScore(prob, mapWidth, mapHeight, found.box);
    if (score < params.boxThresh) continue;
    const grown = unclip(found.box, params.unclipRatio);
    if (!grown) continue;
    const grownBox = miniBox(grown);
    if (grownBox.shortSide < params.minSize + 2) continue;
    const scale = (v: number, map: number, image: number) => Math.min(Math.max(roundHalfEven((v / map) * image), 0), image);
    const box = grownBox.box.map(([x, y]): Point => [scale(x, mapWidth, imageWidth), scale(y, mapHeight, imageHeight)]) as Quad;
    boxes.push({ box, score });
  }
  return boxes;
}
