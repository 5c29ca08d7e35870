import { z } from 'zod';
import { booleanField, imagesField, imagesHelp, integerField, requireImages, unitField, useGpuHelp } from '../_vision/request-schema.js';

// PaddleHub's object_detection(paths, images, data, batch_size, use_gpu, output_dir, score_thresh,
// visualization, use_device), over HTTP. PaddleHub draws into files by default; we never write files, so
// visualization is off unless asked and then answers with the image itself.

export const yolov3PredictSchema = z.strictObject({
  images: imagesField.optional(),
  paths: z.unknown().optional(),
  data: z.unknown().optional(),
  score_thresh: unitField(0.5),
  visualization: booleanField(false),
  batch_size: integerField(1, 64, 1),
  use_gpu: booleanField(false),
  use_device: z.enum(['cpu', 'gpu', 'xpu', 'npu'], { error: 'expected "cpu", "gpu", "xpu" or "npu"' }).optional(),
  output_dir: z.string({ error: 'expected a string' }).optional(),
}).superRefine(requireImages);

export type Yolov3PredictArgs = z.output<typeof yolov3PredictSchema>;

export const yolov3InitSchema = z.strictObject({
  version: z.union([z.string(), z.number()], { error: 'expected a version like "1.1.1"' }).optional(),
  model_path: z.string({ error: 'expected the path of an ONNX file' }).min(1).optional(),
  directory: z.string({ error: 'expected the path of a folder holding yolov3-10.onnx' }).min(1).optional(),
  label_file: z.string({ error: 'expected the path of a label file: one class name a line' }).min(1).optional(),
});

export const yolov3ArgsHelp = [
  imagesHelp,
  { name: 'score_thresh', type: 'float 0..1', default: 0.5, help: 'boxes scoring below this are left out' },
  { name: 'visualization', type: 'bool', default: false, help: 'also return "image": base64 JPEG with the boxes drawn (nothing is written on the server)' },
  { name: 'batch_size', type: 'int 1..64', default: 1, help: 'accepted for compatibility; images run one per model call, in parallel across threads' },
  useGpuHelp,
  { name: 'use_device', type: 'str', default: undefined, help: 'accepted for compatibility; the server\'s --use_gpu decides the device' },
  { name: 'output_dir', type: 'str', default: undefined, help: 'accepted for compatibility and ignored: no files are written' },
];
