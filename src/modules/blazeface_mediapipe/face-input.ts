import { fitWithin, type RgbImage } from '../../media/index.js';
import type { Box } from '../_vision/boxes.js';
import { resizedPixels } from '../_vision/detection-stages.js';
import { BLAZEFACE_SIZE, type FaceInput } from './face-pipeline.js';

// The main-thread side: the image shrunk (sharp, off the event loop) to fit the 256x256 input keeping its
// aspect ratio, since stretching would squash faces; and boxes mapped back to the image's pixels.

/** Image pixels per input pixel, across and down (rounding makes them differ slightly). */
export interface FaceScale {
  scaleX: number;
  scaleY: number;
}

export async function prepareFaceInput(image: RgbImage): Promise<FaceScale & { input: FaceInput }> {
  const longer = Math.max(image.width, image.height);
  // Small images are enlarged too: the model sees faces at the scale it was trained on.
  const ratio = BLAZEFACE_SIZE / longer;
  const fitted = longer <= BLAZEFACE_SIZE
    ? { width: Math.max(1, Math.round(image.width * ratio)), height: Math.max(1, Math.round(image.height * ratio)) }
    : fitWithin(image.width, image.height, BLAZEFACE_SIZE);
  const width = Math.min(BLAZEFACE_SIZE, fitted.width);
  const height = Math.min(BLAZEFACE_SIZE, fitted.height);
  const pixels = await resizedPixels(image, width, height);
  return { input: { pixels, width, height }, scaleX: image.width / width, scaleY: image.height / height };
}

/** A box in input pixels to integer image pixels, clipped to the image. */
export function toImageBox(box: Box, scale: FaceScale, image: { width: number; height: number }): Box {
  const clip = (v: number, by: number, max: number) => Math.min(Math.max(Math.round(v * by), 0), max);
  const { scaleX: sx, scaleY: sy } = scale;
  return { left: clip(box.left, sx, image.width), top: clip(box.top, sy, image.height), right: clip(box.right, sx, image.width), bottom: clip(box.bottom, sy, image.height) };
}
