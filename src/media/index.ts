// Image input for every image module: items of `images` to pixels, and pixels to what models and clients need.
// Inference threads import pixels.ts directly (it does not load sharp).

export { type ImageItem, classifyImageString, isBase64, base64DecodedLength, imageItemBytes } from './image-item.js';
export { type ImageFormat, sniffImageFormat, isDecodable } from './image-sniff.js';
export { type ImageLimits, DEFAULT_IMAGE_LIMITS, dimensionProblem } from './image-limits.js';
export { badImage, notAnImage, imageTooLarge, itemLabel } from './image-errors.js';
export { type ImageSource, type ReadOptions, readImage, readImages, decodeImage, loadImage } from './image-decode.js';
export { mapImages } from './map-images.js';
export { type Overlay, type ResizeKernel, resizeImage, encodeJpeg, overlaySvg, visualizeJpegBase64 } from './image-encode.js';
export {
  type RgbImage, type ChannelOrder, type Normalization, createImage, resizeBilinear, rotate180, rotate90ccw,
  writeChw, toChw, toHwc, fitWithin, transferable,
} from './pixels.js';
