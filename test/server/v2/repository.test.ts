import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { doublerModel } from '../../helpers/double-model.js';
import { ModelRepository } from '../../../src/models/repository.js';
import { InferencePool } from '../../../src/scheduler/pool.js';
import { v2Routes, type V2Model } from '../../../src/server/v2/routes.js';

// The repository extension over real files and real HTTP: models load and unload at runtime, a broken file
// is refused while the others serve, names reach nothing outside the model folders, and requests that meet an
// unload are answered (200, 503 or 404), never left hanging.

const root = mkdtempSync(join(tmpdir(), 'repo-'));
const folder = join(root, 'models');
const outside = join(root, 'outside');
mkdirSync(join(folder, 'nested'), { recursive: true });
mkdirSync(outside);
writeFileSync(join(folder, 'double.onnx'), doublerModel());
writeFileSync(join(folder, 'nested', 'model.onnx'), doublerModel());
writeFileSync(join(folder, 'broken.onnx'), 'not a model');
writeFileSync(join(outside, 'secret.onnx'), doublerModel());
symlinkSync(join(outside, 'secret.onnx'), join(folder, 'escape.onnx'));

describe('/v2 repository extension', () => {
  let pool: InferencePool;
  let app: FastifyInstance;
  let url: string;

  before(async () => {
    pool = new InferencePool({ devices: [{ kind: 'cpu' }, { kind: 'cpu' }], maxQueue: 256, intraOpThreads: 1 });
    const models = new Map<string, V2Model>();
    const repository = new ModelRepository([folder], models, pool, {});
    app = Fastify();
    await app.register(v2Routes, { prefix: '/v2', serverName: 'hub-serving', serverVersion: '0', models: () => models, ready: () => true, bodyLimit: 1 << 20, maxElements: 10_000, timeoutSeconds: 10, repository });
    url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/v2`;
  });
  after(async () => {
    await app?.close();
    await pool?.close();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${url}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, body: await r.json() as Record<string, unknown> & { error?: string } };
  };
  const infer = (name: string) => call('POST', `/models/${name}/infer`, { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] });

  test('the index lists the folder\'s models, none loaded yet; the server says it has the extension', async () => {
    assert.deepEqual((await call('GET', '')).body.extensions, ['binary_tensor_data', 'model_repository']);
    const index = await call('POST', '/repository/index');
    assert.deepEqual(index.body, [
      { name: 'broken', state: 'UNAVAILABLE', reason: 'not loaded' },
      { name: 'double', state: 'UNAVAILABLE', reason: 'not loaded' },
      { name: 'nested', state: 'UNAVAILABLE', reason: 'not loaded' },
    ], 'the link that leaves the folder is not listed');
    assert.equal((await infer('double')).status, 404);
  });

  test('load, serve, and load again (a no-op); a folder with model.onnx loads too', async () => {
    assert.deepEqual(await call('POST', '/repository/models/double/load'), { status: 200, body: {} });
    assert.deepEqual((await infer('double')).body.outputs, [{ name: 'y', datatype: 'FP32', shape: [1, 2], data: [2, 4] }]);
    assert.equal((await call('POST', '/repository/models/double/load')).status, 200);
    assert.equal((await call('POST', '/repository/models/nested/load')).status, 200);
    assert.equal((await infer('nested')).status, 200);
    assert.deepEqual((await call('POST', '/repository/index')).body, [
      { name: 'broken', state: 'UNAVAILABLE', reason: 'not loaded' }, { name: 'double', state: 'READY' }, { name: 'nested', state: 'READY' }]);
  });

  test('a broken file is refused with its reason and the others keep serving; nothing outside the folder is reachable', async () => {
    const broken = await call('POST', '/repository/models/broken/load');
    assert.equal(broken.status, 400);
    assert.match(broken.body.error!, /^model broken cannot be loaded: /);
    assert.equal((await infer('double')).status, 200);
    for (const name of ['escape', '..%2Foutside%2Fsecret', '%2E%2E', 'secret', 'nope']) {
      const refused = await call('POST', `/repository/models/${name}/load`);
      assert.equal(refused.status, 404, `${name}: ${JSON.stringify(refused.body)}`);
    }
  });

  test('unload while requests arrive: each is answered 200, 503 or 404; afterwards 404; it loads again', async () => {
    const requests = Array.from({ length: 40 }, () => infer('double'));
    const unloaded = call('POST', '/repository/models/double/unload');
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    assert.deepEqual((await unloaded), { status: 200, body: {} });
    assert.ok(statuses.every((s) => s === 200 || s === 503 || s === 404), statuses.join(','));
    assert.equal((await infer('double')).status, 404);
    assert.equal((await call('POST', '/repository/models/double/unload')).status, 404);
    assert.equal((await call('POST', '/repository/models/double/load')).status, 200);
    assert.equal((await infer('double')).status, 200);
  });
});

test('without the extension the repository routes do not exist', async () => {
  const app = Fastify();
  await app.register(v2Routes, { prefix: '/v2', serverName: 'hub-serving', serverVersion: '0', models: () => new Map(), ready: () => true, bodyLimit: 1024, maxElements: 10, timeoutSeconds: 1 });
  const reply = await app.inject({ method: 'POST', url: '/v2/repository/index' });
  assert.equal(reply.statusCode, 404);
  assert.deepEqual((await app.inject({ url: '/v2' })).json().extensions, ['binary_tensor_data']);
  await app.close();
});
