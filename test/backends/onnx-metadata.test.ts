import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, ElemType, tensorValueInfo } from '../../src/artifacts/convert/onnx-graph.js';
import { modelSignature } from '../../src/backends/onnx-metadata.js';

// Signatures read from real sessions over models this test builds: every datatype the protocol serves,
// symbolic and fixed dimensions, and whether a batch dimension exists.

async function session(build: (g: GraphBuilder) => { inputs: ReturnType<typeof tensorValueInfo>[]; outputs: ReturnType<typeof tensorValueInfo>[] }) {
  const g = new GraphBuilder();
  const spec = build(g);
  return ort.InferenceSession.create(g.encode({ graphName: 'signature', ...spec }));
}

test('identity over float16, int64, bool and string tensors with a batch dimension', async () => {
  const s = await session((g) => {
    for (const name of ['h', 'i', 'b', 's']) g.reserve(name);
    g.op('Identity', ['h'], {}, 'h_out');
    g.op('Identity', ['i'], {}, 'i_out');
    g.op('Identity', ['b'], {}, 'b_out');
    g.op('Identity', ['s'], {}, 's_out');
    return {
      inputs: [tensorValueInfo('h', ElemType.FLOAT16, ['batch', 3]), tensorValueInfo('i', ElemType.INT64, ['batch']), tensorValueInfo('b', ElemType.BOOL, ['n', 2]), tensorValueInfo('s', ElemType.STRING, ['batch'])],
      outputs: [tensorValueInfo('h_out', ElemType.FLOAT16, ['batch', 3]), tensorValueInfo('i_out', ElemType.INT64, ['batch']), tensorValueInfo('b_out', ElemType.BOOL, ['n', 2]), tensorValueInfo('s_out', ElemType.STRING, ['batch'])],
    };
  });
  const signature = modelSignature(s);
  assert.deepEqual(signature.inputs.map((t) => [t.name, t.datatype, t.shape]), [['h', 'FP16', [-1, 3]], ['i', 'INT64', [-1]], ['b', 'BOOL', [-1, 2]], ['s', 'BYTES', [-1]]]);
  assert.deepEqual(signature.outputs.map((t) => t.datatype), ['FP16', 'INT64', 'BOOL', 'BYTES']);
  assert.equal(signature.batchDimension, true);
  assert.deepEqual(signature.inputs[0]!.declared, ['batch', 3]);
  await s.release();
});

test('a fixed first dimension means no batch dimension', async () => {
  const s = await session((g) => {
    g.reserve('x');
    g.op('Identity', ['x'], {}, 'y');
    return { inputs: [tensorValueInfo('x', ElemType.FLOAT, [1, 4])], outputs: [tensorValueInfo('y', ElemType.FLOAT, [1, 4])] };
  });
  const signature = modelSignature(s);
  assert.deepEqual(signature.inputs[0]!.shape, [1, 4]);
  assert.equal(signature.batchDimension, false);
  await s.release();
});
