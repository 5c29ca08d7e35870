import { mapLimit } from '../scheduler/lanes.js';
import { decodeImage, readImages } from './image-decode.js';
import { DEFAULT_IMAGE_LIMITS } from './image-limits.js';
import type { RgbImage } from './pixels.js';

/**
 * The way every image module walks its `images`: every header is checked before any image is decoded (a bad
 * tenth image costs nine decodes nothing), then images are decoded and handled at most `concurrency` at a time
 * (more would only hold decoded pixels while waiting for a thread), results in order, the deadline checked
 * before each decode.
 */
export async function mapImages<R>(
  items: readonly unknown[],
  concurrency: number,
  signal: AbortSignal,
  work: (image: RgbImage, index: number) => Promise<R>,
): Promise<R[]> {
  const sources = await readImages(items, { limits: DEFAULT_IMAGE_LIMITS });
  return mapLimit(sources, concurrency, async (source) => {
    signal.throwIfAborted();
    return work(await decodeImage(source, DEFAULT_IMAGE_LIMITS), source.index);
  });
}
