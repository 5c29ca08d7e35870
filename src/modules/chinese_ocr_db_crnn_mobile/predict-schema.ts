import { z } from 'zod';
import { booleanField, imagesField, imagesHelp, requireImages, unitField, useGpuHelp } from '../_vision/request-schema.js';

// recognize_text's arguments as PaddleHub's module takes them. Each image is checked (format, size) when
// it is read, where the message can name its index.

export const ocrPredictSchema = z.strictObject({
  images: imagesField.optional(),
  // PaddleHub reads `paths` on the server; a service must not open files its clients name.
  paths: z.unknown().optional(),
  box_thresh: unitField(0.5),
  text_thresh: unitField(0.5),
  angle_classification_thresh: unitField(0.9),
  det_db_unclip_ratio: z.number({ error: 'expected a number from 0.5 to 5' })
    .min(0.5, { error: 'expected a number from 0.5 to 5' }).max(5, { error: 'expected a number from 0.5 to 5' }).default(1.5),
  visualization: booleanField(false),
  use_gpu: booleanField(false),
  output_dir: z.string({ error: 'expected a string' }).optional(),
}).superRefine(requireImages);

export type OcrPredictArgs = z.output<typeof ocrPredictSchema>;

export const ocrInitSchema = z.strictObject({
  version: z.union([z.string(), z.number()], { error: 'expected a version like "1.1.3"' }).optional(),
  directory: z.string({ error: 'expected the path of a folder holding the PP-OCRv4 model files' }).min(1).optional(),
});

export const ocrArgsHelp = [
  imagesHelp,
  { name: 'box_thresh', type: 'float 0..1', default: 0.5, help: 'minimum mean text probability inside a detected box' },
  { name: 'text_thresh', type: 'float 0..1', default: 0.5, help: 'minimum recognition confidence of a line' },
  { name: 'angle_classification_thresh', type: 'float 0..1', default: 0.9, help: 'a line is turned 180 degrees when the classifier says so with more than this' },
  { name: 'det_db_unclip_ratio', type: 'float 0.5..5', default: 1.5, help: 'how much detected regions are grown back into boxes' },
  { name: 'visualization', type: 'bool', default: false, help: 'also return "image": base64 JPEG with the boxes drawn (nothing is written on the server)' },
  useGpuHelp,
  { name: 'output_dir', type: 'str', default: 'ocr_result', help: 'accepted for compatibility and ignored: no files are written' },
];
