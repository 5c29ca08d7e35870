import { DEFAULT_IMAGE_LIMITS as OPTION_DEFAULTS } from '../config/options.js';

// How large an image may be. Checked from the file's header before anything is decoded, so a small file that
// claims huge dimensions (a decompression bomb) costs nothing; sharp's own pixel limit is a second guard. The
// values are serving options (--image_max_pixels, --image_max_side, --image_max_bytes; defaults in options.ts).

export interface ImageLimits {
  /** Width x height after decoding; 40 MP is a large phone photo and about 120 MB of RGB pixels. */
  maxPixels: number;
  /** Longest side, which bounds the very thin images the pixel count lets through. */
  maxSide: number;
  /** Size of the encoded file. */
  maxBytes: number;
}

/**
 * The limits this process applies where no others are given: the options' defaults until a server's config sets
 * its own (setImageLimits). Read at request time, so every image module follows the config.
 */
export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = { ...OPTION_DEFAULTS };

/** Called once a server's config is known; one process serves one config. */
export function setImageLimits(limits: ImageLimits): void {
  Object.assign(DEFAULT_IMAGE_LIMITS, limits);
}

/** Why the dimensions break the limits, or undefined when they fit. */
export function dimensionProblem(width: number, height: number, limits: ImageLimits): string | undefined {
  if (width > limits.maxSide || height > limits.maxSide) {
    return `${width}x${height} pixels; the longest side may be at most ${limits.maxSide}`;
  }
  if (width * height > limits.maxPixels) {
    return `${width}x${height} = ${width * height} pixels; the limit is ${limits.maxPixels}`;
  }
  return undefined;
}
