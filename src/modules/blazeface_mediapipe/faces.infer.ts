import { mapLimit } from '../../scheduler/lanes.js';
import { defineInfer } from '../contract/define-infer.js';
import { detectFaces, proveBlazeface, type FaceInput } from './face-pipeline.js';

// Runs in an inference thread: BlazeFace on letterboxed images of any requests, for blazeface_mediapipe and
// the mask modules. The converted graph fixes its batch at 1, so each image is a run of its own.

export interface FaceItem extends FaceInput {
  size: 1;
  threshold: number;
}

export default defineInfer({
  open: (file: { model: string }, tools) => tools.session(file.model),
  warmup: proveBlazeface,
  run: (items: FaceItem[], session) => mapLimit(items, 1, (item) => detectFaces(session, item, item.threshold)),
});
