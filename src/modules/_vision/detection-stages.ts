import { mapImages, resizeImage, visualizeJpegBase64, type Overlay, type ResizeKernel, type RgbImage } from '../../media/index.js';
import type { ModelSchedule } from '../contract/model-handle.js';
import type { Box } from './boxes.js';

// The main-thread side every detector here shares: a request's images to the items its model takes, with what
// postprocess keeps of each image beside them (never in the items, which move to a thread); and the boxes that
// come back drawn over the image when `visualization` asks for it.

/** Images decoded at once per request: each holds its full pixels until it is resized. */
export const DECODE_LANES = 2;

/**
 * Scheduling of a detector whose graph fixes its batch at 1: one image per call, so the images of a request
 * and of concurrent ones spread over the inference threads instead of queueing in one.
 */
export const ONE_IMAGE_PER_CALL: ModelSchedule = { maxBatchSize: 1, maxElements: Infinity, maxQueueDelayMs: 0, maxQueueSize: 256 };

/** The graph takes one image per run whatever --max_batch_size says: more per call would only run one after another in one thread. */
export const unbatched = (schedule: ModelSchedule): ModelSchedule => ({ ...schedule, maxBatchSize: 1 });

/** What postprocess keeps of an image: its size, and its pixels only when boxes are to be drawn on it. */
export interface KeptImage {
  width: number;
  height: number;
  pixels?: RgbImage;
}

export const keptImage = (image: RgbImage, visualization: boolean): KeptImage =>
  (visualization ? { width: image.width, height: image.height, pixels: image } : { width: image.width, height: image.height });

/** The request's images (every header checked before any is decoded), each made into an item and what is kept of it. */
export async function prepareImages<Item, Kept>(images: readonly unknown[] | undefined, signal: AbortSignal,
  prepare: (image: RgbImage) => Promise<{ item: Item; kept: Kept }>): Promise<{ items: Item[]; kept: Kept[] }> {
  const prepared = await mapImages(images ?? [], DECODE_LANES, signal, prepare);
  return { items: prepared.map((p) => p.item), kept: prepared.map((p) => p.kept) };
}

/** The image resized for a thread, in a buffer of its own: resizeImage hands back the image itself when the size is right, and what moves to a thread is gone here. */
export async function resizedPixels(image: RgbImage, width: number, height: number, kernel?: ResizeKernel): Promise<Uint8Array> {
  const resized = await resizeImage(image, width, height, kernel);
  return resized === image ? image.data.slice() : resized.data;
}

/** Confidences as PaddleHub's detectors print them. */
export const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** A box left with some area after clipping. */
export const hasArea = (box: Box) => box.right > box.left && box.bottom > box.top;

export function boxOverlay(box: Box, label: string, color?: string): Overlay {
  const points: [number, number][] = [[box.left, box.top], [box.right, box.top], [box.right, box.bottom], [box.left, box.bottom]];
  return color ? { points, label, color } : { points, label };
}

/** The result, with "image" (base64 JPEG with the boxes drawn) when the image was kept for it. */
export async function withDrawing<R extends object>(result: R, kept: KeptImage, overlays: () => Overlay[]): Promise<R & { image?: string }> {
  return kept.pixels ? { ...result, image: await visualizeJpegBase64(kept.pixels, overlays()) } : result;
}
