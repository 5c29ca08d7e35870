// How large an image may be. Checked from the file's header before anything is decoded, so a small file that
// claims huge dimensions (a decompression bomb) costs nothing; sharp's own pixel limit is a second guard.

export interface ImageLimits {
  /** Width x height after decoding; 40 MP is a large phone photo and about 120 MB of RGB pixels. */
  maxPixels: number;
  /** Longest side, which bounds the very thin images the pixel count lets through. */
  maxSide: number;
  /** Size of the encoded file. */
  maxBytes: number;
}

export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = {
  maxPixels: 40_000_000,
  maxSide: 20_000,
  maxBytes: 32 * 1024 * 1024,
};

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
