import type { Tensor } from 'onnxruntime-node';
import type { TensorData } from '../server/v2/tensor-codec.js';

/** A tensor as it crosses to and from the inference threads: a type, dimensions, and row-major data. */
export interface WireTensor {
  type: Tensor.Type;
  dims: number[];
  data: TensorData;
}
