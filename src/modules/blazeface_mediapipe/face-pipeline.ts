import type { InferenceSession } from 'onnxruntime-node';
import { ort } from '../../backends/onnx-session.js';
import { weightedNms, type ScoredBox } from '../_vision/boxes.js';

// BlazeFace's thread side, shared with the mask modules: the letterboxed image to the input tensor, the
// network, and its boxes decoded against MediaPipe's anchors and merged.

export const BLAZEFACE_INPUT = 'input';
export const BLAZEFACE_SIZE = 256;
/** Scores and boxes of the 16x16 grid (2 anchors a cell) and of the 8x8 grid (6 anchors a cell). */
export const BLAZEFACE_OUTPUTS = { scores16: 'Identity', scores8: 'Identity_1', boxes16: 'Identity_2', boxes8: 'Identity_3' } as const;

// MediaPipe's SSD anchors for the full-range BlazeFace: strides 16, 32, 32, 32 on a 256 input, two anchors per
// layer and cell, layers of the same stride sharing a grid. All anchors are 1x1 (fixed size), so only centres
// matter: 16x16x2 = 512 for the first output, 8x8x6 = 384 for the second, row by row.

export interface AnchorGrid {
  size: number;
  perCell: number;
}

export const BLAZEFACE_GRIDS: readonly AnchorGrid[] = [{ size: 16, perCell: 2 }, { size: 8, perCell: 6 }];

/** [x0, y0, x1, y1, ...] anchor centres in 0..1. */
export function anchorCentres(grid: AnchorGrid): Float32Array {
  const out = new Float32Array(grid.size * grid.size * grid.perCell * 2);
  let i = 0;
  for (let y = 0; y < grid.size; y++) {
    for (let x = 0; x < grid.size; x++) {
      for (let k = 0; k < grid.perCell; k++) {
        out[i++] = (x + 0.5) / grid.size;
        out[i++] = (y + 0.5) / grid.size;
      }
    }
  }
  return out;
}

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

/** A converted graph must give the four outputs and find no face in a black image. */
export async function proveBlazeface(session: InferenceSession): Promise<void> {
  const missing = Object.values(BLAZEFACE_OUTPUTS).filter((name) => !session.outputNames.includes(name));
  if (missing.length > 0) throw new Error(`the converted BlazeFace lacks outputs ${missing.join(', ')}`);
  const faces = await detectFaces(session, undefined, 0.6);
  if (faces.length > 0) throw new Error(`the converted BlazeFace finds ${faces.length} faces in a black image`);
}
