import type { InferenceSession } from 'onnxruntime-node';
import { ort } from '../../backends/onnx-session.js';
import { weightedNms, type ScoredBox } from '../_vision/boxes.js';
import { anchorCentres, BLAZEFACE_GRIDS } from './anchors.js';
import { BLAZEFACE_INPUT, BLAZEFACE_OUTPUTS, BLAZEFACE_SIZE } from './manifest.js';

// The thread side of face detection, shared with the mask modules: the letterboxed image to BlazeFace's
// input, the network, and its boxes decoded against the anchors and merged.

/** An image already resized to fit 256x256 (aspect kept); it goes to the top-left corner, black around it. */
export interface FaceInput {
  pixels: Uint8Array;
  width: number;
  height: number;
}

const anchors = BLAZEFACE_GRIDS.map(anchorCentres);
/** Overlap above which detections are the same face (MediaPipe's value). */
const MERGE_IOU = 0.3;

export function faceInputTensor(input: FaceInput | undefined): Float32Array {
  const size = BLAZEFACE_SIZE;
  // Black is -1 after the model's scaling of 0..255 to -1..1.
  const data = new Float32Array(size * size * 3).fill(-1);
  if (!input) return data;
  const { pixels, width, height } = input;
  for (let y = 0; y < height; y++) {
    let from = y * width * 3;
    let to = y * size * 3;
    for (let x = 0; x < width * 3; x++) data[to++] = pixels[from++]! / 127.5 - 1;
  }
  return data;
}

/** Faces as boxes in the pixels of the 256x256 input, best first. */
export async function detectFaces(session: InferenceSession, input: FaceInput | undefined, threshold: number): Promise<ScoredBox[]> {
  const size = BLAZEFACE_SIZE;
  const out = await session.run({ [BLAZEFACE_INPUT]: new ort.Tensor('float32', faceInputTensor(input), [1, size, size, 3]) });
  const outputs = [[BLAZEFACE_OUTPUTS.scores16, BLAZEFACE_OUTPUTS.boxes16], [BLAZEFACE_OUTPUTS.scores8, BLAZEFACE_OUTPUTS.boxes8]] as const;
  const found: ScoredBox[] = [];
  // Scores are logits; comparing them with the threshold's logit avoids an exp for each of the 896 anchors.
  const logit = Math.log(threshold / (1 - threshold));
  outputs.forEach(([scoreName, boxName], g) => {
    const scores = out[scoreName]!.data as Float32Array;
    const boxes = out[boxName]!.data as Float32Array;
    const centres = anchors[g]!;
    const stride = boxes.length / scores.length;
    for (let i = 0; i < scores.length; i++) {
      if (!(scores[i]! >= logit)) continue;
      // Box values are in input pixels: centre offset from the anchor, then width and height.
      const cx = centres[2 * i]! * size + boxes[i * stride]!;
      const cy = centres[2 * i + 1]! * size + boxes[i * stride + 1]!;
      const w = boxes[i * stride + 2]!;
      const h = boxes[i * stride + 3]!;
      const score = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, scores[i]!))));
      found.push({ left: cx - w / 2, top: cy - h / 2, right: cx + w / 2, bottom: cy + h / 2, score, classId: 0 });
    }
  });
  return weightedNms(found, MERGE_IOU);
}
