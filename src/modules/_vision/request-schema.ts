import { z } from 'zod';
import { arg } from '../contract/arguments.js';

// Request fields every image module shares, worded alike. Each image is checked (format, size) later, when it
// is read, where the message can name its index.

export const MAX_IMAGES = 100;

const imageItem = z.union([z.string(), z.instanceof(Uint8Array)], { error: 'expected a base64 string of an image file' });

export const imagesField = z.array(imageItem, { error: 'expected a list of base64 strings of image files' })
  .min(1, { error: 'expected at least one image' })
  .max(MAX_IMAGES, { error: `expected at most ${MAX_IMAGES} images per request` });

export const booleanField = (fallback: boolean) => z.boolean({ error: 'expected true or false' }).default(fallback);

export const integerField = (min: number, max: number, fallback: number) => {
  const message = `expected an integer from ${min} to ${max}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message }).default(fallback);
};

export const unitField = (fallback: number) => {
  const message = 'expected a number from 0 to 1';
  return z.number({ error: message }).min(0, { error: message }).max(1, { error: message }).default(fallback);
};

/**
 * PaddleHub's modules also read `paths` (and `data: {"image": paths}`) on the server. A service must not open
 * files its clients name, so these are refused with what to send instead; and `images` is required.
 */
export function requireImages(value: { images?: unknown; paths?: unknown; data?: unknown }, ctx: z.RefinementCtx): void {
  for (const key of ['paths', 'data'] as const) {
    if (value[key] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'reading files on the server is not supported: send the image files themselves, base64-encoded, in "images"' });
      return;
    }
  }
  if (value.images === undefined) {
    ctx.addIssue({ code: 'custom', path: ['images'], message: 'give the images as "images": a list of base64 strings of image files (JPEG, PNG, WebP)' });
  }
}

export const imagesHelp = { name: 'images', type: 'list[str]', default: undefined, required: true, help: 'base64 of image files (JPEG, PNG, WebP, GIF, TIFF, AVIF) or data: URIs; multipart file fields named "images" too' };
export const useGpuHelp = { name: 'use_gpu', type: 'bool', default: false, help: 'accepted for compatibility; the server\'s --use_gpu decides the device' };

/**
 * The arguments every image module takes, for the module contract: `images` (documented as required),
 * PaddleHub's `paths` and `data` (accepted so they can be refused with what to send instead), and `use_gpu`.
 */
export const imageArguments = {
  images: arg(imagesField.optional(), imagesHelp.help, { type: imagesHelp.type, required: true }),
  paths: arg(z.unknown().optional(), 'refused: the server reads no files its clients name', { hidden: true }),
  data: arg(z.unknown().optional(), 'refused: the server reads no files its clients name', { hidden: true }),
};

export const useGpuArgument = arg(booleanField(false), useGpuHelp.help);

/** init_args.version, which every module accepts (the version is checked where the module is resolved). */
export const versionArgument = (example: string) =>
  arg(z.union([z.string(), z.number()], { error: `expected a version like "${example}"` }).optional(), 'the module version asked for');

/** init_args of a module whose weights are one ONNX file the user may name, with class names from a label file. */
export const onnxFileInit = (version: string, what: string, fileName: string) => ({
  version: versionArgument(version),
  model_path: arg(z.string({ error: 'expected the path of an ONNX file' }).min(1).optional(), `the ${what}, an ONNX file`),
  directory: arg(z.string({ error: `expected the path of a folder holding ${fileName}` }).min(1).optional(), `a folder holding ${fileName}`),
  label_file: arg(z.string({ error: 'expected the path of a label file: one class name a line' }).min(1).optional(), 'class names, one a line'),
});
