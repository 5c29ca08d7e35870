import { z } from 'zod';
import { booleanField, imagesField, imagesHelp, integerField, requireImages, unitField, useGpuHelp } from '../_vision/request-schema.js';
import { CENTERNET_DEFAULT_THRESHOLD } from './manifest.js';

// object_detection's arguments as PaddleHub's yolov3_darknet53_coco2017 takes them.

export const detectionPredictSchema = z.strictObject({
  images: imagesField.optional(),
  // PaddleHub reads `paths` on the server; a service must not open files its clients name.
  paths: z.unknown().optional(),
  score_thresh: unitField(CENTERNET_DEFAULT_THRESHOLD),
  batch_size: integerField(1, 100, 1),
  visualization: booleanField(false),
  use_gpu: booleanField(false),
  output_dir: z.string({ error: 'expected a string' }).optional(),
}).superRefine(requireImages);

export type DetectionPredictArgs = z.output<typeof detectionPredictSchema>;

export const detectionInitSchema = z.strictObject({
  version: z.union([z.string(), z.number()], { error: 'expected a version like "1.0.0"' }).optional(),
  directory: z.string({ error: 'expected the path of a folder holding centernet.json and centernet.bin' }).min(1).optional(),
});

export const detectionArgsHelp = [
  imagesHelp,
  { name: 'score_thresh', type: 'float 0..1', default: CENTERNET_DEFAULT_THRESHOLD, help: 'minimum confidence of a box (this model scores lower than YOLOv3, hence 0.3)' },
  { name: 'batch_size', type: 'int', default: 1, help: 'accepted for compatibility; images run one per inference thread' },
  { name: 'visualization', type: 'bool', default: false, help: 'also return "image": base64 JPEG with the boxes drawn (nothing is written on the server)' },
  useGpuHelp,
  { name: 'output_dir', type: 'str', default: undefined, help: 'accepted for compatibility and ignored: no files are written' },
];
