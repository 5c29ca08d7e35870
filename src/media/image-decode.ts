import type { Metadata } from 'sharp';
import { imageTooLarge, notAnImage, badImage } from './image-errors.js';
import { imageItemBytes } from './image-item.js';
import { DEFAULT_IMAGE_LIMITS, dimensionProblem, type ImageLimits } from './image-limits.js';
import { isDecodable, sniffImageFormat, type ImageFormat } from './image-sniff.js';
import { loadSharp } from './load-sharp.js';
import { transferable, type RgbImage } from './pixels.js';

// Image items to RGB pixels with sharp (libvips works in libuv's thread pool, so the event loop stays free).
// Two steps: readImage checks everything the header can tell (format, dimensions, limits) without decoding,
// so a request whose tenth image is bad is refused before the first is decoded; decodeImage then decodes.

export interface ImageSource {
  index: number;
  field: string;
  bytes: Buffer;
  format: ImageFormat;
  /** Size after EXIF orientation is applied, i.e. of the decoded pixels. */
  width: number;
  height: number;
}

export interface ReadOptions {
  limits?: ImageLimits;
  /** The request key the items came from, for messages ("images" by default). */
  field?: string;
}

/** Checks one item without decoding its pixels: bytes, format, dimensions against the limits. */
export async function readImage(item: unknown, index: number, options: ReadOptions = {}): Promise<ImageSource> {
  const limits = options.limits ?? DEFAULT_IMAGE_LIMITS;
  const field = options.field ?? 'images';
  const bytes = imageItemBytes(item, index, limits, field);
  const format = sniffImageFormat(bytes);
  if (format === 'bmp' || format === 'heic') throw badImage(index, `${format.toUpperCase()} images are not supported; send JPEG, PNG or WebP`, field);
  if (!isDecodable(format)) throw notAnImage(index, field);
  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    // No pixel limit here: metadata reads the header only, and we want the real size to refuse it in our words.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw notAnImage(index, field);
  }
  if (!meta.width || !meta.height) throw notAnImage(index, field);
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  const problem = dimensionProblem(width, height, limits);
  if (problem) throw imageTooLarge(index, problem, field);
  return { index, field, bytes, format, width, height };
}

/** Checks every item first (cheap), so nothing is decoded for a request that will be refused anyway. */
export async function readImages(items: readonly unknown[], options: ReadOptions = {}): Promise<ImageSource[]> {
  return Promise.all(items.map((item, index) => readImage(item, index, options)));
}

/**
 * Decodes to 8-bit RGB: EXIF orientation applied, transparency flattened onto white (dark text on a
 * transparent background stays readable), grey and CMYK converted. Data that is corrupt past its header
 * fails here, with the same message as data that is not an image.
 */
export async function decodeImage(source: ImageSource, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<RgbImage> {
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(source.bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, data: transferable(data) };
  } catch (error) {
    if (/pixel limit/i.test((error as Error).message)) throw imageTooLarge(source.index, `more than ${limits.maxPixels} pixels`, source.field);
    throw notAnImage(source.index, source.field);
  }
}

/** The two steps for one item. */
export async function loadImage(item: unknown, index: number, options: ReadOptions = {}): Promise<RgbImage> {
  return decodeImage(await readImage(item, index, options), options.limits);
}
