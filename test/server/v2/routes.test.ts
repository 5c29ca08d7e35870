import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { ElemType, GraphBuilder, tensorValueInfo } from '../../../src/artifacts/convert/onnx-graph.js';
import { OnnxFileModel } from '../../../src/models/onnx-file.js';
import { InferencePool } from '../../../src/scheduler/pool.js';
import { v2Routes, type V2Model } from '../../../src/server/v2/routes.js';

// The /v2 routes over ONNX files this test writes, run by a real inference pool, through real HTTP on
// loopback. Requests are shaped as the protocol's specification shows them.

const dir = mkdtempSync(join(tmpdir(), 'v2-models-'));
const LATCH = new URL('../../scheduler/latch.task.js', import.meta.url).href;

function write(name: string, build: (g: GraphBuilder) => { inputs: ReturnType<typeof tensorValueInfo>[]; outputs: ReturnType<typeof tensorValueInfo>[] }): string {
  const g = new GraphBuilder();
  const spec = build(g);
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, g.encode({ graphName: name, ...spec }));
  return path;
}

const addPath = write('add', (g) => {
  g.reserve('x');
  g.reserve('y');
  g.op('Add', ['x', 'y'], {}, 'sum');
  g.op('Identity', ['x'], {}, 'x_copy');
  return {
    inputs: [tensorValueInfo('x', ElemType.FLOAT, ['batch', 3]), tensorValueInfo('y', ElemType.FLOAT, ['batch', 3])],
    outputs: [tensorValueInfo('sum', ElemType.FLOAT, ['batch', 3]), tensorValueInfo('x_copy', ElemType.FLOAT, ['batch', 3])],
  };
});
const kindsPath = write('kinds', (g) => {
  for (const n of ['s', 'h', 'i', 'b']) g.reserve(n);
  g.op('Identity', ['s'], {}, 's_out');
  g.op('Identity', ['h'], {}, 'h_out');
  g.op('Identity', ['i'], {}, 'i_out');
  g.op('Not', ['b'], {}, 'b_not');
  return {
    inputs: [tensorValueInfo('s', ElemType.STRING, ['n']), tensorValueInfo('h', ElemType.FLOAT16, ['n']), tensorValueInfo('i', ElemType.INT64, ['n']), tensorValueInfo('b', ElemType.BOOL, ['n'])],
    outputs: [tensorValueInfo('s_out', ElemType.STRING, ['n']), tensorValueInfo('h_out', ElemType.FLOAT16, ['n']), tensorValueInfo('i_out', ElemType.INT64, ['n']), tensorValueInfo('b_not', ElemType.BOOL, ['n'])],
  };
});
const fixedPath = write('fixed', (g) => {
  g.reserve('v');
  g.op('Identity', ['v'], {}, 'w');
  return { inputs: [tensorValueInfo('v', ElemType.FLOAT, [1, 4])], outputs: [tensorValueInfo('w', ElemType.FLOAT, [1, 4])] };
});

describe('/v2 over ONNX files', () => {
  let pool: InferencePool;
  let app: FastifyInstance;
  let url: string;
  const batches: number[] = [];
  let ready = true;
  let add: OnnxFileModel;

  before(async () => {
    pool = new InferencePool({ devices: [{ kind: 'cpu' }, { kind: 'cpu' }], maxQueue: 64, intraOpThreads: 1 });
    const observe = () => ({ onBatch: (rows: number) => void batches.push(rows) });
    const models = new Map<string, V2Model>();
    for (const path of [addPath, kindsPath, fixedPath]) {
      const model = await OnnxFileModel.load(OnnxFileModel.nameOf(path), path, pool, { observe });
      models.set(model.name, model.asV2());
      if (model.name === 'add') add = model;
    }
    app = Fastify();
    await app.register(v2Routes, { prefix: '/v2', serverName: 'hub-serving', serverVersion: '0.1.0', models: () => models, ready: () => ready, bodyLimit: 1 << 20, maxElements: 100_000, timeoutSeconds: 10 });
    url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/v2`;
  });
  after(async () => {
    await app?.close();
    await pool?.close();
  });

  const get = async (path: string) => {
    const r = await fetch(`${url}${path}`);
    return { status: r.status, body: await r.json() as Record<string, unknown> };
  };
  const infer = async (model: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const r = await fetch(`${url}/models/${model}/infer`, { method: 'POST', headers, body: typeof body === 'string' || body instanceof Uint8Array ? body as RequestInit['body'] : JSON.stringify(body) });
    return { status: r.status, headers: r.headers, bytes: new Uint8Array(await r.arrayBuffer()) };
  };
  const json = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;

  test('server metadata, liveness and readiness (503 while not ready)', async () => {
    assert.deepEqual((await get('')).body, { name: 'hub-serving', version: '0.1.0', extensions: ['binary_tensor_data'] });
    assert.deepEqual(await get('/health/live'), { status: 200, body: { live: true } });
    assert.deepEqual(await get('/health/ready'), { status: 200, body: { ready: true } });
    ready = false;
    assert.deepEqual(await get('/health/ready'), { status: 503, body: { ready: false } });
    assert.equal((await get('/models/add/ready')).status, 503);
    assert.equal((await infer('add', { inputs: [] })).status, 503);
    ready = true;
  });

  test('model metadata from the model itself: datatypes, -1 for open dimensions, versions', async () => {
    assert.deepEqual((await get('/models/add')).body, {
      name: 'add', versions: ['1'], platform: 'onnxruntime_onnx',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3] }, { name: 'y', datatype: 'FP32', shape: [-1, 3] }],
      outputs: [{ name: 'sum', datatype: 'FP32', shape: [-1, 3] }, { name: 'x_copy', datatype: 'FP32', shape: [-1, 3] }],
    });
    assert.deepEqual((await get('/models/kinds/versions/1')).body.inputs, [
      { name: 's', datatype: 'BYTES', shape: [-1] }, { name: 'h', datatype: 'FP16', shape: [-1] }, { name: 'i', datatype: 'INT64', shape: [-1] }, { name: 'b', datatype: 'BOOL', shape: [-1] }]);
    assert.deepEqual(await get('/models/add/ready'), { status: 200, body: { name: 'add', ready: true } });
    const unknown = await get('/models/nope');
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.body.error), /unknown model "nope"; served: add, kinds, fixed/);
    assert.equal((await get('/models/add/versions/7')).status, 404);
  });

  test('inference in JSON: flat and nested data, the id echoed, the outputs asked for', async () => {
    const reply = await infer('add', {
      id: '42',
      inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] }, { name: 'y', shape: [2, 3], datatype: 'FP32', data: [[10, 20, 30], [40, 50, 60]] }],
      outputs: [{ name: 'sum' }],
    });
    assert.equal(reply.status, 200, Buffer.from(reply.bytes).toString());
    assert.deepEqual(json(reply.bytes), { model_name: 'add', model_version: '1', id: '42', outputs: [{ name: 'sum', datatype: 'FP32', shape: [2, 3], data: [11, 22, 33, 44, 55, 66] }] });
  });

  test('BYTES, FP16, INT64 and BOOL tensors round-trip', async () => {
    const reply = await infer('kinds', { inputs: [
      { name: 's', shape: [2], datatype: 'BYTES', data: ['今天是个好日子', 'ok'] },
      { name: 'h', shape: [2], datatype: 'FP16', data: [0.5, -2] },
      { name: 'i', shape: [2], datatype: 'INT64', data: [-7, 9007199254740991] },
      { name: 'b', shape: [2], datatype: 'BOOL', data: [true, false] },
    ] });
    assert.equal(reply.status, 200, Buffer.from(reply.bytes).toString());
    const outputs = json(reply.bytes).outputs as { name: string; data: unknown[] }[];
    assert.deepEqual(Object.fromEntries(outputs.map((o) => [o.name, o.data])), { s_out: ['今天是个好日子', 'ok'], h_out: [0.5, -2], i_out: [-7, 9007199254740991], b_not: [false, true] });
  });

  test('the binary tensor extension, in and out', async () => {
    const header = JSON.stringify({
      inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', parameters: { binary_data_size: 12 } }, { name: 'y', shape: [1, 3], datatype: 'FP32', data: [1, 1, 1] }],
      outputs: [{ name: 'sum', parameters: { binary_data: true } }, { name: 'x_copy' }],
    });
    const body = Buffer.concat([Buffer.from(header), Buffer.from(new Float32Array([1, 2, 3]).buffer)]);
    const reply = await infer('add', body, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(Buffer.byteLength(header)) });
    assert.equal(reply.status, 200, Buffer.from(reply.bytes).toString());
    const length = Number(reply.headers.get('inference-header-content-length'));
    const head = json(reply.bytes.subarray(0, length));
    assert.deepEqual(head.outputs, [{ name: 'sum', datatype: 'FP32', shape: [1, 3], parameters: { binary_data_size: 12 } }, { name: 'x_copy', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }]);
    assert.deepEqual([...new Float32Array(reply.bytes.slice(length).buffer)], [2, 3, 4]);
  });

  test('mismatches are 400 with the protocol\'s error shape and say what is wrong', async () => {
    const bad = async (model: string, body: unknown, message: RegExp) => {
      const reply = await infer(model, body);
      assert.equal(reply.status, 400, Buffer.from(reply.bytes).toString());
      assert.match(String(json(reply.bytes).error), message);
    };
    await bad('add', { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }, { name: 'y', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, /input x: dimension 1 must be 3, got 2/);
    await bad('add', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'INT32', data: [1, 2, 3] }, { name: 'y', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, /input x must be FP32, got INT32/);
    await bad('add', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, /add needs the input y/);
    await bad('add', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2] }, { name: 'y', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, /holds 3 elements, "data" has 2/);
    await bad('add', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }, { name: 'y', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] }] }, /disagree on the batch dimension: 1 vs 2/);
    await bad('add', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }, { name: 'y', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }], outputs: [{ name: 'nope' }] }, /output nope is not an output of add/);
    await bad('add', '{"inputs": [', /not valid JSON/);
    await bad('fixed', { inputs: [{ name: 'v', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6, 7, 8] }] }, /dimension 0 must be 1, got 2/);
  });

  test('concurrent requests to a model with a batch dimension share calls; each gets its own rows', async () => {
    // Both threads are held, so requests gather in the model's queue; released, they go in few calls.
    const cells = new SharedArrayBuffer(8);
    const held = [0, 1].map(() => pool.run(LATCH, { cells }));
    while (Atomics.load(new Int32Array(cells), 1) < 2) await new Promise((r) => setTimeout(r, 5));
    batches.length = 0;
    const pending = Promise.all(Array.from({ length: 24 }, (_, k) => infer('add', {
      inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [k, k, k] }, { name: 'y', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }],
      outputs: [{ name: 'sum' }],
    })));
    const dispatched = () => batches.reduce((n, b) => n + b, 0);
    for (let i = 0; i < 2000 && add.queueLength + dispatched() < 24; i++) await new Promise((r) => setTimeout(r, 5));
    Atomics.store(new Int32Array(cells), 0, 1);
    Atomics.notify(new Int32Array(cells), 0);
    await Promise.all(held);
    const replies = await pending;
    replies.forEach((reply, k) => assert.deepEqual((json(reply.bytes).outputs as { data: number[] }[])[0]!.data, [k + 1, k + 2, k + 3]));
    assert.ok(batches.length <= 8, `${batches.length} calls for 24 requests: ${batches.join(', ')}`);
    assert.equal(batches.reduce((n, b) => n + b, 0), 24);
  });
});
