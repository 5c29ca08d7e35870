import * as ort from 'onnxruntime-node';
import { CENTERNET_HEATMAP, CENTERNET_INPUT, CENTERNET_SIZE, CENTERNET_WH } from './manifest.js';

/** A converted graph must run and give heads of the expected shapes with finite values, or it is not cached. */
export async function checkCenternet(onnx: Uint8Array): Promise<void> {
  const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
  try {
    const size = CENTERNET_SIZE;
    const out = await session.run({ [CENTERNET_INPUT]: new ort.Tensor('float32', new Float32Array(size * size * 3).fill(127), [1, size, size, 3]) });
    const heatmap = out[CENTERNET_HEATMAP];
    const wh = out[CENTERNET_WH];
    const cells = size / 4;
    if (heatmap?.dims.join() !== `1,${cells},${cells},80` || wh?.dims.join() !== `1,${cells},${cells},4`) {
      throw new Error(`the converted CenterNet gives heads of shapes [${heatmap?.dims}] and [${wh?.dims}], expected [1,${cells},${cells},80] and [1,${cells},${cells},4]`);
    }
    if (!(heatmap.data as Float32Array).every((v) => v >= 0 && v <= 1)) throw new Error('the converted CenterNet gives heatmap values outside 0..1');
  } finally {
    await session.release();
  }
}
