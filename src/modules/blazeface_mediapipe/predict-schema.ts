import { z } from 'zod';
import { booleanField, imagesField, imagesHelp, integerField, requireImages, unitField, useGpuHelp } from '../_vision/request-schema.js';

// face_detection's arguments as PaddleHub's pyramidbox_lite_mobile takes them; the mask modules add nothing.

export const facePredictSchema = z.strictObject({
  images: imagesField.optional(),
  // PaddleHub reads `paths` on the server; a service must not open files its clients name.
  paths: z.unknown().optional(),
  confs_threshold: unitField(0.6),
  shrink: z.number({ error: 'expected a number above 0 and at most 1' })
    .gt(0, { error: 'expected a number above 0 and at most 1' }).max(1, { error: 'expected a number above 0 and at most 1' }).default(0.5),
  batch_size: integerField(1, 100, 1),
  visualization: booleanField(false),
  use_gpu: booleanField(false),
  use_multi_scale: booleanField(false),
  output_dir: z.string({ error: 'expected a string' }).optional(),
}).superRefine(requireImages);

export type FacePredictArgs = z.output<typeof facePredictSchema>;

export const faceArgsHelp = [
  imagesHelp,
  { name: 'confs_threshold', type: 'float 0..1', default: 0.6, help: 'minimum confidence of a face' },
  { name: 'shrink', type: 'float (0, 1]', default: 0.5, help: 'accepted for compatibility: the detector always sees the whole image at 256x256' },
  { name: 'batch_size', type: 'int', default: 1, help: 'accepted for compatibility; images run one per inference thread' },
  { name: 'visualization', type: 'bool', default: false, help: 'also return "image": base64 JPEG with the boxes drawn (nothing is written on the server)' },
  useGpuHelp,
  { name: 'use_multi_scale', type: 'bool', default: false, help: 'accepted for compatibility; one scale is used' },
  { name: 'output_dir', type: 'str', default: undefined, help: 'accepted for compatibility and ignored: no files are written' },
];

export const faceInitSchema = z.strictObject({
  version: z.union([z.string(), z.number()], { error: 'expected a version like "1.0.0"' }).optional(),
  directory: z.string({ error: 'expected the path of a folder holding blazeface.json and blazeface.bin' }).min(1).optional(),
});
