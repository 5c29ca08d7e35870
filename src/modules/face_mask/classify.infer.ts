import type { InferenceSession } from 'onnxruntime-node';
import { ort } from '../../backends/onnx-session.js';
import { resizeBilinear, writeChw } from '../../media/pixels.js';
import { defineInfer } from '../contract/define-infer.js';
import { CLASSIFIER_NORM, CLASSIFIER_SIZE, toProbabilities } from './classifier-spec.js';

// Runs in an inference thread: face crops of any images and requests, each resized to the classifier's input
// (a pixel loop, so here), stacked into one [N,3,128,128] batch and classified MASK / NO MASK.

export interface FaceCrop {
  size: 1;
  /** The face cut from the full image, RGB. */
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** Probability of MASK (index 0) and NO MASK (index 1). */
export type MaskProbabilities = [number, number];

async function classify(session: InferenceSession, crops: readonly FaceCrop[]): Promise<MaskProbabilities[]> {
  const size = CLASSIFIER_SIZE;
  const plane = 3 * size * size;
  const batch = new Float32Array(crops.length * plane);
  crops.forEach((crop, i) => writeChw(resizeBilinear({ width: crop.width, height: crop.height, data: crop.pixels }, size, size), batch, CLASSIFIER_NORM, size, size, i * plane));
  const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', batch, [crops.length, 3, size, size]) });
  const probs = toProbabilities(out[session.outputNames[0]!]!.data as Float32Array, crops.length);
  return crops.map((_, i) => [probs[2 * i]!, probs[2 * i + 1]!]);
}

export default defineInfer({
  open: (file: { model: string }, tools) => tools.session(file.model),
  // One black crop before the first request (the file was checked against the contract when it was installed).
  async warmup(session: InferenceSession) {
    await classify(session, [{ size: 1, pixels: new Uint8Array(3), width: 1, height: 1 }]);
  },
  run: (crops: FaceCrop[], session) => classify(session, crops),
});
