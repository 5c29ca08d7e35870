import { join } from 'node:path';
import { getSession, ort } from '../../backends/onnx-session.js';
import { resizeBilinear, writeChw, type RgbImage } from '../../media/pixels.js';
import { detectFaces, type FaceInput } from '../blazeface_mediapipe/face-pipeline.js';
import { CLASSIFIER_NORM, CLASSIFIER_SIZE, toProbabilities } from './classifier-spec.js';
import { maskFiles } from './mask-files.js';

// Runs in an inference thread: faces found on the small letterboxed copy, then cut from the full image,
// resized and classified in one batch. Crops and resizing are pixel loops, so they belong here too.

export interface MaskTask {
  directory: string;
  /** The decoded image, for the crops. */
  image: RgbImage;
  /** The image fitted into the detector's input. */
  input: FaceInput;
  threshold: number;
}

export interface MaskWarmup {
  directory: string;
  warmup: true;
}

export interface MaskFace {
  left: number;
  top: number;
  right: number;
  bottom: number;
  faceScore: number;
  /** Probability of MASK (index 0) and NO MASK (index 1). */
  probs: [number, number];
}

function crop(image: RgbImage, left: number, top: number, right: number, bottom: number): RgbImage {
  const width = right - left;
  const height = bottom - top;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    data.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data };
}

export default async function masks(task: MaskTask | MaskWarmup): Promise<MaskFace[]> {
  const detector = await getSession(join(task.directory, maskFiles.face));
  const classifier = await getSession(join(task.directory, maskFiles.classifier));
  if ('warmup' in task) return [];
  const { image, input } = task;
  const sx = image.width / input.width;
  const sy = image.height / input.height;
  const clip = (v: number, max: number) => Math.min(Math.max(Math.round(v), 0), max);
  const faces = (await detectFaces(detector, input, task.threshold))
    .map((b) => ({ left: clip(b.left * sx, image.width), top: clip(b.top * sy, image.height), right: clip(b.right * sx, image.width), bottom: clip(b.bottom * sy, image.height), faceScore: b.score }))
    .filter((b) => b.right > b.left && b.bottom > b.top);
  if (faces.length === 0) return [];
  const size = CLASSIFIER_SIZE;
  const plane = 3 * size * size;
  const batch = new Float32Array(faces.length * plane);
  faces.forEach((f, i) => {
    const face = resizeBilinear(crop(image, f.left, f.top, f.right, f.bottom), size, size);
    writeChw(face, batch, CLASSIFIER_NORM, size, size, i * plane);
  });
  const out = await classifier.run({ [classifier.inputNames[0]!]: new ort.Tensor('float32', batch, [faces.length, 3, size, size]) });
  const probs = toProbabilities(out[classifier.outputNames[0]!]!.data as Float32Array, faces.length);
  return faces.map((f, i) => ({ ...f, probs: [probs[2 * i]!, probs[2 * i + 1]!] }));
}
