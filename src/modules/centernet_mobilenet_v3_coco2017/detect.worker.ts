import { join } from 'node:path';
import { getSession, ort } from '../../backends/onnx-session.js';
import { tfjsModelFiles } from '../../artifacts/tfjs/model-files.js';
import type { ScoredBox } from '../_vision/boxes.js';
import { decodeCenternet } from './centernet-decode.js';
import { CENTERNET_HEATMAP, CENTERNET_INPUT, CENTERNET_SIZE, CENTERNET_STRIDE, CENTERNET_WH } from './manifest.js';

// Runs in an inference thread: pixels to the input tensor, the network, and the peak picking over its
// 1.3 million heatmap values, so none of it holds the event loop.

export interface DetectTask {
  directory: string;
  /** The image resized to 512x512, RGB bytes (HWC). */
  pixels: Uint8Array;
  threshold: number;
}

export interface DetectWarmup {
  directory: string;
  warmup: true;
}

/** Boxes in the 512x512 input's pixels. */
export default async function detect(task: DetectTask | DetectWarmup): Promise<ScoredBox[]> {
  const session = await getSession(join(task.directory, tfjsModelFiles.onnx));
  const size = CENTERNET_SIZE;
  // The model takes RGB 0-255 floats (its own graph scales them).
  const input = 'warmup' in task ? new Float32Array(size * size * 3).fill(127) : Float32Array.from(task.pixels);
  const out = await session.run({ [CENTERNET_INPUT]: new ort.Tensor('float32', input, [1, size, size, 3]) });
  if ('warmup' in task) return [];
  const heatmap = out[CENTERNET_HEATMAP]!;
  const [, height, width, classes] = heatmap.dims as number[];
  return decodeCenternet({
    heatmap: heatmap.data as Float32Array,
    wh: out[CENTERNET_WH]!.data as Float32Array,
    height: height!, width: width!, classes: classes!, stride: CENTERNET_STRIDE,
  }, { threshold: task.threshold });
}
