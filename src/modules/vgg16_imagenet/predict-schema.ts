import { z } from 'zod';
import { booleanField, imagesField, imagesHelp, integerField, requireImages, useGpuHelp } from '../_vision/request-schema.js';

// PaddleHub's classification(paths=None, images=None, use_gpu=False, batch_size=1, top_k=1), over HTTP.

export const vgg16PredictSchema = z.strictObject({
  images: imagesField.optional(),
  paths: z.unknown().optional(),
  data: z.unknown().optional(),
  top_k: integerField(1, 1000, 1),
  batch_size: integerField(1, 64, 1),
  use_gpu: booleanField(false),
}).superRefine(requireImages);

export type Vgg16PredictArgs = z.output<typeof vgg16PredictSchema>;

export const vgg16InitSchema = z.strictObject({
  version: z.union([z.string(), z.number()], { error: 'expected a version like "1.1.0"' }).optional(),
  model_path: z.string({ error: 'expected the path of an ONNX file' }).min(1).optional(),
  directory: z.string({ error: 'expected the path of a folder holding vgg16-7.onnx' }).min(1).optional(),
  label_file: z.string({ error: 'expected the path of a label file: one class name a line' }).min(1).optional(),
});

export const vgg16ArgsHelp = [
  imagesHelp,
  { name: 'top_k', type: 'int 1..1000', default: 1, help: 'how many classes to return per image, most probable first' },
  { name: 'batch_size', type: 'int 1..64', default: 1, help: 'images per model call' },
  useGpuHelp,
];
