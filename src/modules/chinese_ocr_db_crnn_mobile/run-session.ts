import { ort } from '../../backends/onnx-session.js';

// Each of the three networks takes one float tensor [N,3,H,W] and answers one tensor: one call of any of them.

export async function runSession(session: ort.InferenceSession, input: Float32Array, dims: readonly number[]): Promise<ort.Tensor> {
  const outputs = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, dims) });
  return outputs[session.outputNames[0]!]!;
}
