import { rotate180, toChw, type RgbImage } from '../../media/pixels.js';
import { sortBoxes, tidyBoxes } from './box-order.js';
import { lineImage } from './crop.js';
import { ctcGreedyDecode } from './ctc-decode.js';
import { DB_DEFAULTS, detectBoxes } from './db-postprocess.js';
import { DET_NORM } from './det-input.js';
import type { Quad } from './geometry.js';
import { CLS_WIDTH, byAspect, lineBatch, recBatchWidth } from './line-tensors.js';

// One image through PaddleOCR's system: detect boxes, cut each out as a line image, turn lines the
// classifier finds upside down, recognise the lines in batches of similar width, keep the confident ones.

/** The three networks, as functions of tensor bodies (ONNX Runtime sessions in the inference threads). */
export interface OcrModels {
  /** [1,3,H,W] -> probability map [H*W]. */
  det(input: Float32Array, width: number, height: number): Promise<Float32Array>;
  /** [N,3,48,192] -> [N,2] (upright, turned 180). */
  cls(input: Float32Array, count: number): Promise<Float32Array>;
  /** [N,3,48,W] -> probabilities [N,T,C]. */
  rec(input: Float32Array, count: number, width: number): Promise<{ probs: Float32Array; steps: number; classes: number }>;
  charset: readonly string[];
}

export interface OcrParams {
  boxThresh: number;
  textThresh: number;
  angleThresh: number;
  unclipRatio: number;
}

export interface OcrLine {
  text: string;
  confidence: number;
  box: Quad;
}

export interface StageTimings {
  /** Milliseconds per stage; `lines` is how many line images went through cls and rec. */
  det: number;
  boxes: number;
  cls: number;
  rec: number;
  lines: number;
}

export interface OcrOutcome {
  lines: OcrLine[];
  timings: StageTimings;
}

/** PaddleOCR's batch sizes: cls fixed-width inputs; rec lines sorted by aspect so padding stays small. */
const CLS_BATCH = 6;
const REC_BATCH = 6;

export async function recognizeImage(models: OcrModels, image: RgbImage, detInput: RgbImage, params: OcrParams): Promise<OcrOutcome> {
  const timings: StageTimings = { det: 0, boxes: 0, cls: 0, rec: 0, lines: 0 };
  let clock = performance.now();
  const lap = () => {
    const now = performance.now();
    const elapsed = now - clock;
    clock = now;
    return Math.round(elapsed * 10) / 10;
  };

  const prob = await models.det(toChw(detInput, DET_NORM), detInput.width, detInput.height);
  timings.det = lap();

  const found = detectBoxes(prob, detInput.width, detInput.height, image.width, image.height,
    { ...DB_DEFAULTS, boxThresh: params.boxThresh, unclipRatio: params.unclipRatio });
  const boxes = sortBoxes(tidyBoxes(found.map((f) => f.box), image.width, image.height).map((box) => ({ box })));
  const items: { box: Quad; line: RgbImage }[] = [];
  for (const { box } of boxes) {
    const line = lineImage(image, box);
    if (line) items.push({ box, line });
  }
  timings.boxes = lap();
  timings.lines = items.length;
  if (items.length === 0) return { lines: [], timings };

  for (let start = 0; start < items.length; start += CLS_BATCH) {
    const chunk = items.slice(start, start + CLS_BATCH);
    const scores = await models.cls(lineBatch(chunk.map((i) => i.line), CLS_WIDTH), chunk.length);
    chunk.forEach((item, n) => {
      const upright = scores[n * 2]!;
      const turned = scores[n * 2 + 1]!;
      if (turned > upright && turned > params.angleThresh) item.line = rotate180(item.line);
    });
  }
  timings.cls = lap();

  const decoded = new Array<{ text: string; confidence: number }>(items.length);
  const order = byAspect(items.map((i) => i.line));
  for (let start = 0; start < order.length; start += REC_BATCH) {
    const indices = order.slice(start, start + REC_BATCH);
    const lines = indices.map((i) => items[i]!.line);
    const width = recBatchWidth(lines);
    const { probs, steps, classes } = await models.rec(lineBatch(lines, width), lines.length, width);
    indices.forEach((itemIndex, n) => {
      decoded[itemIndex] = ctcGreedyDecode(probs, n * steps * classes, steps, classes, models.charset);
    });
  }
  timings.rec = lap();

  const lines: OcrLine[] = [];
  items.forEach((item, i) => {
    const { text, confidence } = decoded[i]!;
    if (confidence >= params.textThresh) lines.push({ text, confidence, box: item.box });
  });
  return { lines, timings };
}
