import type { DetectedObject } from '../_vision/boxes.js';
import type { RawDetection } from './outputs.js';

// PaddleHub's result for one image (yolov3_darknet53_coco2017's processor.postprocess): float box edges
// clipped to the image, keys in its order.

/** One detection; the shape every COCO detector here answers with. */
export type Yolov3Detection = DetectedObject;

export interface Yolov3Result {
  data: Yolov3Detection[];
  /** PaddleHub's path of the visualisation file; always "" as no file is written. */
  save_path: string;
  /** With visualization: the image with the boxes drawn, base64 JPEG. */
  image?: string;
}

const clip = (value: number, max: number) => Math.max(Math.min(value, max), 0);

export function toDetections(raw: readonly RawDetection[], names: readonly string[], width: number, height: number): Yolov3Detection[] {
  return raw.filter((d) => [d.left, d.top, d.right, d.bottom].every(Number.isFinite)).map((d) => ({
    label: names[d.classIndex] ?? `class ${d.classIndex}`,
    confidence: d.score,
    left: clip(d.left, width),
    top: clip(d.top, height),
    right: clip(d.right, width),
    bottom: clip(d.bottom, height),
  }));
}
