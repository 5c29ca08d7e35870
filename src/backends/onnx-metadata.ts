import type { InferenceSession } from 'onnxruntime-node';
import { datatypeOfOrt, type V2Datatype } from '../server/v2/datatypes.js';
import { metadataShape } from '../server/v2/shape.js';

// What a model file declares, as the Open Inference Protocol's metadata says it: names, datatypes, and shapes
// with -1 for dimensions the model leaves open. A model whose every input and output starts with an open
// dimension has a batch dimension: requests' tensors can be stacked along it into one call.

export interface TensorMetadata {
  name: string;
  datatype: V2Datatype;
  shape: number[];
  /** As declared: numbers, or names of symbolic dimensions. */
  declared: (number | string)[];
}

export interface ModelSignature {
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  batchDimension: boolean;
}

export class SignatureError extends Error {}

function describe(values: readonly InferenceSession.ValueMetadata[], kind: string): TensorMetadata[] {
  return values.map((value) => {
    if (!value.isTensor) throw new SignatureError(`${kind} ${value.name} is not a tensor (sequences and maps are not served)`);
    const datatype = datatypeOfOrt(value.type);
    if (!datatype) throw new SignatureError(`${kind} ${value.name} is of type ${value.type}, which the protocol has no datatype for`);
    return { name: value.name, datatype, shape: metadataShape(value.shape), declared: [...value.shape] };
  });
}

export function modelSignature(session: Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>): ModelSignature {
  const inputs = describe(session.inputMetadata, 'input');
  const outputs = describe(session.outputMetadata, 'output');
  const open = (t: TensorMetadata) => t.shape.length > 0 && t.shape[0] === -1;
  return { inputs, outputs, batchDimension: inputs.length > 0 && [...inputs, ...outputs].every(open) };
}
