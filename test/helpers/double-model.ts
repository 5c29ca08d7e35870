import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElemType, GraphBuilder, tensorValueInfo } from '../../src/artifacts/convert/onnx-graph.js';

// The smallest real model: y = x + x over FP32 [batch, 2], an ONNX file the tests write themselves.

export function doublerModel(): Uint8Array {
  const g = new GraphBuilder();
  g.reserve('x');
  g.op('Add', ['x', 'x'], {}, 'y');
  return g.encode({ graphName: 'double', inputs: [tensorValueInfo('x', ElemType.FLOAT, ['batch', 2])], outputs: [tensorValueInfo('y', ElemType.FLOAT, ['batch', 2])] });
}

/** Writes `<folder>/double.onnx` and returns its path. */
export function writeDoubler(folder: string): string {
  const file = join(folder, 'double.onnx');
  writeFileSync(file, doublerModel());
  return file;
}
