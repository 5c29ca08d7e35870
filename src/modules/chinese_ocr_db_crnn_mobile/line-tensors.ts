import { resizeBilinear, writeChw, type Normalization, type RgbImage } from '../../media/pixels.js';

// Line images to the inputs of the direction classifier and the recogniser: height 48, aspect kept,
// padded with zeros on the right, BGR scaled to [-1, 1] as PaddleOCR feeds them.

export const LINE_HEIGHT = 48;
export const CLS_WIDTH = 192;
/** The recogniser's nominal width: batches are at least this wide. */
export const REC_MIN_WIDTH = 320;
/** PaddleOCR's recogniser batch: an image's lines by aspect, this many at a time. */
export const REC_BATCH = 6;

const LINE_NORM: Normalization = { order: 'bgr', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

/** Width of a line resized to `height` keeping its aspect, rounded up and capped at `maxWidth`. */
export function resizedWidth(image: { width: number; height: number }, maxWidth: number, height = LINE_HEIGHT): number {
  return Math.max(1, Math.min(maxWidth, Math.ceil((height * image.width) / image.height)));
}

/** Width of a recogniser batch: the widest line's aspect at height 48, never under 320. */
export function recBatchWidth(lines: readonly { width: number; height: number }[]): number {
  let ratio = REC_MIN_WIDTH / LINE_HEIGHT;
  for (const line of lines) ratio = Math.max(ratio, line.width / line.height);
  return Math.trunc(LINE_HEIGHT * ratio);
}

/** [N, 3, 48, width] with each line at the left of its slot. */
export function lineBatch(lines: readonly RgbImage[], width: number): Float32Array {
  const plane = 3 * LINE_HEIGHT * width;
  const batch = new Float32Array(lines.length * plane);
  lines.forEach((line, n) => {
    const resized = resizeBilinear(line, resizedWidth(line, width), LINE_HEIGHT);
    writeChw(resized, batch, LINE_NORM, width, LINE_HEIGHT, n * plane);
  });
  return batch;
}

/** Indices of the lines from narrowest to widest aspect, so batches waste little padding. */
export function byAspect(lines: readonly { width: number; height: number }[]): number[] {
  return lines.map((_, i) => i).sort((a, b) => lines[a]!.width / lines[a]!.height - lines[b]!.width / lines[b]!.height);
}

/**
 * The width each line of one image is padded to, as PaddleOCR pads it: the image's lines by aspect in batches
 * of REC_BATCH, each batch as wide as its widest line. A line padded any wider reads with another confidence,
 * sometimes another text, so a line keeps this width whatever it is batched with.
 */
export function recWidths(lines: readonly { width: number; height: number }[]): number[] {
  const widths = new Array<number>(lines.length);
  const order = byAspect(lines);
  for (let start = 0; start < order.length; start += REC_BATCH) {
    const batch = order.slice(start, start + REC_BATCH);
    const width = recBatchWidth(batch.map((i) => lines[i]!));
    for (const i of batch) widths[i] = width;
  }
  return widths;
}
