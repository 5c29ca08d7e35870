import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, ElemType, attr, floatTensor, int64Tensor, int32Tensor, tensorValueInfo } from '../../../src/artifacts/convert/onnx-graph.js';

test('a Gather -> Reshape -> Add graph runs in onnxruntime with the expected values', async () => {
  const g = new GraphBuilder();
  const ids = g.reserve('ids');
  const table = g.init(floatTensor('table', [3, 2], [0, 1, 10, 11, 20, 21]));
  const shape = g.init(int64Tensor('shape', [2], [0, -1]));
  const bias = g.init(floatTensor('bias', [1], [0.5]));
  const rows = g.op('Gather', [table, ids], { axis: attr.int(0) }); // [B, K, 2]
  const flat = g.op('Reshape', [rows, shape]); // [B, 2K]
  g.op('Add', [flat, bias], {}, 'out');
  const model = g.encode({
    graphName: 'helpers',
    inputs: [tensorValueInfo('ids', ElemType.INT64, ['batch', 2])],
    outputs: [tensorValueInfo('out', ElemType.FLOAT, ['batch', 4])],
  });
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ ids: new ort.Tensor('int64', BigInt64Array.from([2n, 0n, 1n, 1n]), [2, 2]) });
  assert.deepEqual(out.out.dims, [2, 4]);
  assert.deepEqual(Array.from(out.out.data as Float32Array), [20.5, 21.5, 0.5, 1.5, 10.5, 11.5, 10.5, 11.5]);
  await session.release();
});

test('initializer helpers check the value count against dims', () => {
  assert.throws(() => floatTensor('w', [2, 2], [1, 2, 3]), /initializer w: dims \[2, 2\] need 4 values, got 3/);
  assert.throws(() => int32Tensor('s', [2], [1]), /need 2 values/);
});

test('graph names must be unique', () => {
  const g = new GraphBuilder();
  g.reserve('x');
  assert.throws(() => g.reserve('x'), /graph value name x is used twice/);
  const a = g.fresh('t');
  const b = g.fresh('t');
  assert.notEqual(a, b);
});
