import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ElemType, GraphBuilder, floatTensor, tensorValueInfo } from '../../src/artifacts/convert/onnx-graph.js';
import { freePort, runHub, startServer, type RunningServer } from '../helpers/cli.js';

// Any ONNX file, served by the real CLI with no code: `-m ./model.onnx`, and with --enable_model_control a
// second file of the same folder loaded at runtime.

function scaler(factor: number): Uint8Array {
  const g = new GraphBuilder();
  g.reserve('x');
  const k = g.init(floatTensor('k', [1], [factor]));
  g.op('Mul', ['x', k], {}, 'y');
  return g.encode({ graphName: `times${factor}`, inputs: [tensorValueInfo('x', ElemType.FLOAT, ['batch', 3])], outputs: [tensorValueInfo('y', ElemType.FLOAT, ['batch', 3])] });
}

const dir = mkdtempSync(join(tmpdir(), 'onnx-cli-'));
writeFileSync(join(dir, 'triple.onnx'), scaler(3));
writeFileSync(join(dir, 'Times-Ten.onnx'), scaler(10));

describe('hub serving start -m ./model.onnx', () => {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startServer(['-m', join(dir, 'triple.onnx'), '--host', '127.0.0.1', '--enable_model_control']);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  const infer = async (model: string) => {
    const r = await fetch(`${server!.url}/v2/models/${model}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }) });
    return { status: r.status, body: await r.json() as { outputs?: { data: number[] }[]; error?: string } };
  };

  test('the file is served under its name with the signature it declares', async () => {
    assert.match(server!.stdout(), /loaded model triple from .*triple\.onnx: inputs x FP32 \[-1, 3\]; outputs y FP32 \[-1, 3\]; batched along dimension 0/);
    assert.deepEqual(await (await fetch(`${server!.url}/v2/models/triple`)).json(), {
      name: 'triple', versions: ['1'], platform: 'onnxruntime_onnx',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3] }], outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 3] }],
    });
    assert.deepEqual((await infer('triple')).body.outputs![0]!.data, [3, 6, 9]);
  });

  test('with --enable_model_control another file of the folder loads and unloads at runtime', async () => {
    assert.equal((await infer('Times-Ten')).status, 404);
    const load = await fetch(`${server!.url}/v2/repository/models/Times-Ten/load`, { method: 'POST' });
    assert.equal(load.status, 200, await load.text());
    assert.deepEqual((await infer('Times-Ten')).body.outputs![0]!.data, [10, 20, 30]);
    assert.equal((await fetch(`${server!.url}/v2/repository/models/Times-Ten/unload`, { method: 'POST' })).status, 200);
    assert.equal((await infer('Times-Ten')).status, 404);
  });
});

test('a missing or broken file stops the start with one line', async () => {
  const missing = runHub(['serving', 'start', '-m', join(dir, 'nope.onnx'), '-p', String(await freePort())]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, new RegExp(`^error: model nope: ${join(dir, 'nope.onnx').replace(/[.]/g, '\\.')}: no such file\\n$`, 'm'));
  writeFileSync(join(dir, 'broken.onnx'), 'not a model');
  const broken = runHub(['serving', 'start', '-m', join(dir, 'broken.onnx'), '-p', String(await freePort())]);
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /^error: model broken: .*broken\.onnx cannot be loaded by onnxruntime: /m);
});
