import { fitWithin, resizeImage, type RgbImage } from '../../media/index.js';
import type { Box } from '../_vision/boxes.js';
import type { FaceInput } from './face-pipeline.js';
import { BLAZEFACE_SIZE } from './manifest.js';

// The main-thread side: the image shrunk (sharp, off the event loop) to fit the 256x256 input keeping its
// aspect ratio, since stretching would squash faces; and boxes mapped back to the image's pixels.

export interface PreparedFaceInput {
  input: FaceInput;
  /** Image pixels per input pixel, across and down (rounding makes them differ slightly). */
  scaleX: number;
  scaleY: number;
}

export async function prepareFaceInput(image: RgbImage): Promise<PreparedFaceInput> {
  const longer = Math.max(image.width, image.height);
  // Small images are enlarged too: the model sees faces at the scale it was trained on.
  const ratio = BLAZEFACE_SIZE / longer;
  const fitted = longer <= BLAZEFACE_SIZE
    ? { width: Math.max(1, Math.round(image.width * ratio)), height: Math.max(1, Math.round(image.height * ratio)) }
    : fitWithin(image.width, image.height, BLAZEFACE_SIZE);
  const width = Math.min(BLAZEFACE_SIZE, fitted.width);
  const height = Math.min(BLAZEFACE_SIZE, fitted.height);
  const resized = await resizeImage(image, width, height);
  // resizeImage returns the image itself when no resize is needed: copy, as the input moves to a thread.
  const pixels = resized === image ? image.data.slice() : resized.data;
  return { input: { pixels, width, height }, scaleX: image.width / width, scaleY: image.height / height };
}

/** A box in input pixels to integer image pixels, clipped to the image. */
export function toImageBox(box: Box, prepared: PreparedFaceInput, image: { width: number; height: number }): Box {
  const clip = (v: number, scale: number, max: number) => Math.min(Math.max(Math.round(v * scale), 0), max);
  const { scaleX: sx, scaleY: sy } = prepared;
  return { left: clip(box.left, sx, image.width), top: clip(box.top, sy, image.height), right: clip(box.right, sx, image.width), bottom: clip(box.bottom, sy, image.height) };
}
