import { join } from 'node:path';
import { getSession } from '../../backends/onnx-session.js';
import { tfjsModelFiles } from '../../artifacts/tfjs/model-files.js';
import type { ScoredBox } from '../_vision/boxes.js';
import { detectFaces, type FaceInput } from './face-pipeline.js';

// Runs in an inference thread: BlazeFace on one letterboxed image.

export interface FaceTask {
  directory: string;
  input: FaceInput;
  threshold: number;
}

export interface FaceWarmup {
  directory: string;
  warmup: true;
}

export default async function faces(task: FaceTask | FaceWarmup): Promise<ScoredBox[]> {
  const session = await getSession(join(task.directory, tfjsModelFiles.onnx));
  if ('warmup' in task) {
    await detectFaces(session, undefined, 0.99);
    return [];
  }
  return detectFaces(session, task.input, task.threshold);
}
