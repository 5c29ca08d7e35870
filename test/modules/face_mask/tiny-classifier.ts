import { writeFileSync } from 'node:fs';
import { attr, ElemType, floatTensor, GraphBuilder, tensorValueInfo } from '../../../src/artifacts/convert/onnx-graph.js';

// A mask classifier small enough to build in a test: mean colour of the crop -> 2 scores -> softmax. Faces whose
// crop is redder than blue are "MASK", the others "NO MASK": meaningless as a classifier, but it has the
// contract's input and output and gives both labels, so the whole pipeline can be checked.

export interface TinyClassifierOptions {
  size?: number;
  /** Softmax inside the graph (probabilities out) or raw logits. */
  softmax?: boolean;
  /** Output classes; anything but 2 breaks the contract. */
  classes?: number;
}

export function tinyClassifier(options: TinyClassifierOptions = {}): Uint8Array {
  const size = options.size ?? 128;
  const classes = options.classes ?? 2;
  const g = new GraphBuilder();
  const input = g.reserve('face');
  const mean = g.op('ReduceMean', [input], { axes: attr.ints([2, 3]), keepdims: attr.int(0) });
  const weights = Array.from({ length: 3 * classes }, (_, i) => {
    const [channel, cls] = [Math.floor(i / classes), i % classes];
    if (channel === 1) return 0;
    return (channel === 0) === (cls === 0) ? 3 : -3;
  });
  const w = g.init(floatTensor('w', [3, classes], weights));
  const b = g.init(floatTensor('b', [classes], new Array(classes).fill(0)));
  const logits = g.op('Gemm', [mean, w, b], {}, options.softmax === false ? 'scores' : undefined);
  if (options.softmax !== false) g.op('Softmax', [logits], { axis: attr.int(1) }, 'scores');
  return g.encode({
    graphName: 'tiny_mask_classifier',
    inputs: [tensorValueInfo('face', ElemType.FLOAT, ['N', 3, size, size])],
    outputs: [tensorValueInfo('scores', ElemType.FLOAT, ['N', classes])],
  });
}

export function writeTinyClassifier(path: string, options: TinyClassifierOptions = {}): string {
  writeFileSync(path, tinyClassifier(options));
  return path;
}
