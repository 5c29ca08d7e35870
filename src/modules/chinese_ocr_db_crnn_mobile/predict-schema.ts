import { z } from 'zod';

// recognize_text's arguments as PaddleHub's module takes them. Each image is checked (format, size) when
// it is read, where the message can name its index.

export const MAX_IMAGES = 100;

const unit = () => z.number({ error: 'expected a number from 0 to 1' })
  .min(0, { error: 'expected a number from 0 to 1' }).max(1, { error: 'expected a number from 0 to 1' });

const imageItem = z.union([z.string(), z.instanceof(Uint8Array)], { error: 'expected a base64 string of an image file' });

export const ocrPredictSchema = z.strictObject({
  images: z.array(imageItem, { error: 'expected a list of base64 strings of image files' })
    .max(MAX_IMAGES, { error: `expected at most ${MAX_IMAGES} images per request` }).optional(),
  // PaddleHub reads `paths` on the server; a service must not open files its clients name.
  paths: z.unknown().optional(),
  box_thresh: unit().default(0.5),
  text_thresh: unit().default(0.5),
  angle_classification_thresh: unit().default(0.9),
  det_db_unclip_ratio: z.number({ error: 'expected a number from 0.5 to 5' })
    .min(0.5, { error: 'expected a number from 0.5 to 5' }).max(5, { error: 'expected a number from 0.5 to 5' }).default(1.5),
  visualization: z.boolean({ error: 'expected true or false' }).default(false),
  use_gpu: z.boolean({ error: 'expected true or false' }).default(false),
  output_dir: z.string({ error: 'expected a string' }).optional(),
}).superRefine((value, ctx) => {
  if (value.paths !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['paths'], message: 'reading files on the server is not supported: send the image files themselves, base64-encoded, in "images"' });
  } else if (value.images === undefined) {
    ctx.addIssue({ code: 'custom', path: ['images'], message: 'give the images to read as "images": a list of base64 strings of image files (JPEG, PNG, WebP)' });
  }
});

export type OcrPredictArgs = z.output<typeof ocrPredictSchema>;

export const ocrInitSchema = z.strictObject({
  version: z.union([z.string(), z.number()], { error: 'expected a version like "1.1.3"' }).optional(),
  directory: z.string({ error: 'expected the path of a folder holding the PP-OCRv4 model files' }).min(1).optional(),
});

export const ocrArgsHelp = [
  { name: 'images', type: 'list[str]', default: undefined, required: true, help: 'base64 of image files (JPEG, PNG, WebP, GIF, TIFF, AVIF) or data: URIs' },
  { name: 'box_thresh', type: 'float 0..1', default: 0.5, help: 'minimum mean text probability inside a detected box' },
  { name: 'text_thresh', type: 'float 0..1', default: 0.5, help: 'minimum recognition confidence of a line' },
  { name: 'angle_classification_thresh', type: 'float 0..1', default: 0.9, help: 'a line is turned 180 degrees when the classifier says so with more than this' },
  { name: 'det_db_unclip_ratio', type: 'float 0.5..5', default: 1.5, help: 'how much detected regions are grown back into boxes' },
  { name: 'visualization', type: 'bool', default: false, help: 'also return "image": base64 JPEG with the boxes drawn (nothing is written on the server)' },
  { name: 'use_gpu', type: 'bool', default: false, help: 'accepted for compatibility; the server\'s --use_gpu decides the device' },
  { name: 'output_dir', type: 'str', default: 'ocr_result', help: 'accepted for compatibility and ignored: no files are written' },
];
