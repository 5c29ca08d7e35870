import { writeChw, type RgbImage } from '../../media/pixels.js';
import { defineInfer } from '../contract/define-infer.js';
import { sortBoxes, tidyBoxes } from './box-order.js';
import { lineImage } from './crop.js';
import { DB_DEFAULTS, detectBoxes } from './db-postprocess.js';
import { DET_NORM } from './det-input.js';
import type { Quad } from './geometry.js';
import { runSession } from './run-session.js';

// The detection stage, in an inference thread: images of one detector input size (from any requests) go through
// the DB network in one run; then each image's probability map becomes boxes in reading order, and each box is
// cut out of the full image as a horizontal line image. Every per-pixel loop of the stage runs here.

export interface DetFile {
  model: string;
}

/** One image. Pixel arrays sit at the top level so they move to the thread instead of being copied. */
export interface Page {
  /** Pixels of the detector input: the budget of a call. */
  size: number;
  /** The detector input size, `${width}x${height}`: only images of one size can be stacked into one tensor. */
  key: string;
  /** The decoded image, for the crops. */
  width: number;
  height: number;
  pixels: Uint8Array;
  /** The same image resized to the detector's input. */
  detWidth: number;
  detHeight: number;
  detPixels: Uint8Array;
  boxThresh: number;
  unclipRatio: number;
}

/** A text box with its line image, upright or turned a quarter (the direction classifier may still turn it half). */
export interface Line {
  /** Corners top-left, top-right, bottom-right, bottom-left, integer pixels of the image. */
  box: Quad;
  width: number;
  height: number;
  pixels: Uint8Array;
}

export interface Detected {
  /** In reading order. */
  lines: Line[];
  /** Milliseconds: the network run (shared by the images of the call), then this image's boxes and crops. */
  ms: { det: number; boxes: number };
}

const since = (start: number) => Math.round((performance.now() - start) * 10) / 10;

function linesOf(page: Page, prob: Float32Array): Line[] {
  const image: RgbImage = { width: page.width, height: page.height, data: page.pixels };
  const found = detectBoxes(prob, page.detWidth, page.detHeight, page.width, page.height,
    { ...DB_DEFAULTS, boxThresh: page.boxThresh, unclipRatio: page.unclipRatio });
  const lines: Line[] = [];
  for (const { box } of sortBoxes(tidyBoxes(found.map((f) => f.box), page.width, page.height).map((box) => ({ box })))) {
    const line = lineImage(image, box);
    if (line) lines.push({ box, width: line.width, height: line.height, pixels: line.data });
  }
  return lines;
}

export default defineInfer({
  open: async (file: DetFile, tools) => tools.session(file.model),
  async warmup(session) {
    await runSession(session, new Float32Array(3 * 32 * 32), [1, 3, 32, 32]);
  },
  async run(pages: Page[], session) {
    const { detWidth: width, detHeight: height } = pages[0]!;
    if (pages.some((p) => p.detWidth !== width || p.detHeight !== height)) throw new Error('detector inputs of different sizes in one call');
    const plane = 3 * width * height;
    const input = new Float32Array(pages.length * plane);
    pages.forEach((page, n) => writeChw({ width, height, data: page.detPixels }, input, DET_NORM, width, height, n * plane));
    let start = performance.now();
    const maps = (await runSession(session, input, [pages.length, 3, height, width])).data as Float32Array;
    const det = since(start);
    return pages.map((page, n): Detected => {
      start = performance.now();
      const lines = linesOf(page, maps.subarray(n * width * height, (n + 1) * width * height));
      return { lines, ms: { det, boxes: since(start) } };
    });
  },
});
