import type { InferenceSession } from 'onnxruntime-node';

// What a loaded model looks like, for checks and for messages that tell a user why a file does not fit.

export interface TensorInfo {
  name: string;
  /** Element type ('float32', 'int32', ...); undefined for a non-tensor value. */
  type?: string;
  /** Dimensions: numbers when fixed, names when symbolic; empty when the model does not say. */
  shape: readonly (number | string)[];
}

function infos(names: readonly string[], metadata: readonly InferenceSession.ValueMetadata[] | undefined): TensorInfo[] {
  return names.map((name, i) => {
    const meta = metadata?.[i];
    if (meta && meta.isTensor) return { name, type: meta.type, shape: meta.shape };
    return { name, shape: [] };
  });
}

export function inputsOf(session: InferenceSession): TensorInfo[] {
  return infos(session.inputNames, session.inputMetadata);
}

export function outputsOf(session: InferenceSession): TensorInfo[] {
  return infos(session.outputNames, session.outputMetadata);
}

const showDim = (d: number | string) => (typeof d === 'number' && d >= 0 ? String(d) : typeof d === 'string' && d ? d : '?');

export function describeTensor(info: TensorInfo): string {
  return `${info.name} ${info.type ?? '?'} [${info.shape.map(showDim).join(',')}]`;
}

/** "inputs [a float32 [N,3,224,224]] and outputs [b float32 [N,1000]]" */
export function describeSession(session: InferenceSession): string {
  return `inputs [${inputsOf(session).map(describeTensor).join('; ')}] and outputs [${outputsOf(session).map(describeTensor).join('; ')}]`;
}

/** The dimension when the model fixes it to a positive size. */
export function fixedDim(info: TensorInfo, axis: number): number | undefined {
  const d = info.shape[axis];
  return typeof d === 'number' && d > 0 ? d : undefined;
}
