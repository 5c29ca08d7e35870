import type { InferenceSession } from 'onnxruntime-node';
import { ort } from '../../backends/onnx-session.js';
import { mapLimit } from '../../scheduler/lanes.js';
import { defineInfer } from '../contract/define-infer.js';
import type { ScoredBox } from '../_vision/boxes.js';
import { decodeCenternet } from './centernet-decode.js';

// Runs in an inference thread: pixels to the input tensor, the network, and the peak picking over its
// 1.3 million heatmap values, so none of it holds the event loop. The converted graph fixes its batch at 1,
// so each image is a run of its own.

export const CENTERNET_INPUT = 'tower_0/images';
export const CENTERNET_SIZE = 512;
export const CENTERNET_HEATMAP = 'tower_0/keypoints';
export const CENTERNET_WH = 'tower_0/wh';
/** Input pixels per heatmap cell. */
const CENTERNET_STRIDE = 4;

export interface CenternetItem {
  size: 1;
  /** The image resized to 512x512, RGB bytes (HWC). */
  pixels: Uint8Array;
  threshold: number;
}

/** The model takes RGB 0-255 floats (its own graph scales them). */
const run = (session: InferenceSession, pixels: ArrayLike<number>) =>
  session.run({ [CENTERNET_INPUT]: new ort.Tensor('float32', Float32Array.from(pixels), [1, CENTERNET_SIZE, CENTERNET_SIZE, 3]) });

/** A converted graph must run on a grey image and give heads of the expected shapes with values in range. */
export async function proveCenternet(session: InferenceSession): Promise<void> {
  const out = await run(session, new Uint8Array(CENTERNET_SIZE * CENTERNET_SIZE * 3).fill(127));
  const heatmap = out[CENTERNET_HEATMAP];
  const wh = out[CENTERNET_WH];
  const cells = CENTERNET_SIZE / CENTERNET_STRIDE;
  if (heatmap?.dims.join() !== `1,${cells},${cells},80` || wh?.dims.join() !== `1,${cells},${cells},4`) {
    throw new Error(`the converted CenterNet gives heads of shapes [${heatmap?.dims}] and [${wh?.dims}], expected [1,${cells},${cells},80] and [1,${cells},${cells},4]`);
  }
  if (!(heatmap.data as Float32Array).every((v) => v >= 0 && v <= 1)) throw new Error('the converted CenterNet gives heatmap values outside 0..1');
}

/** Boxes in the 512x512 input's pixels. */
async function detect(session: InferenceSession, item: CenternetItem): Promise<ScoredBox[]> {
  const out = await run(session, item.pixels);
  const heatmap = out[CENTERNET_HEATMAP]!;
  const [, height, width, classes] = heatmap.dims as number[];
  return decodeCenternet({
    heatmap: heatmap.data as Float32Array,
    wh: out[CENTERNET_WH]!.data as Float32Array,
    height: height!, width: width!, classes: classes!, stride: CENTERNET_STRIDE,
  }, { threshold: item.threshold });
}

export default defineInfer({
  open: (file: { model: string }, tools) => tools.session(file.model),
  warmup: proveCenternet,
  run: (items: CenternetItem[], session) => mapLimit(items, 1, (item) => detect(session, item)),
});
