import * as ort from 'onnxruntime-node';
import { BLAZEFACE_OUTPUTS } from './manifest.js';
import { detectFaces } from './face-pipeline.js';

/** A converted graph must run, give the four outputs, and find no face in a blank image, or it is not cached. */
export async function checkBlazeface(onnx: Uint8Array): Promise<void> {
  const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
  try {
    const missing = Object.values(BLAZEFACE_OUTPUTS).filter((name) => !session.outputNames.includes(name));
    if (missing.length > 0) throw new Error(`the converted BlazeFace lacks outputs ${missing.join(', ')}`);
    const faces = await detectFaces(session, undefined, 0.6);
    if (faces.length > 0) throw new Error(`the converted BlazeFace finds ${faces.length} faces in a black image`);
  } finally {
    await session.release();
  }
}
