import { ort } from '../../backends/ort.js';

// A graph converted at install is proven before it is cached: loaded from memory, run by the module's check,
// then let go (the threads load their own sessions from the cached file).

export async function checkConverted(onnx: Uint8Array, check: (session: ort.InferenceSession) => Promise<void>): Promise<void> {
  const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
  try {
    await check(session);
  } finally {
    await session.release();
  }
}
