import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { writeDoubler } from '../helpers/double-model.js';
import { freshHubHome, startServer, type RunningServer } from '../helpers/cli.js';
import { startEchoServer, type EchoServer } from '../server/echo-app.js';

// The package's typed client, imported as a user imports it (`hub-serving/client`, through package.json's
// exports), against real servers on loopback: PaddleHub routes on a server with a module of the test's own, /v2
// on `hub serving start -m ./double.onnx`.

const { HubClient, HubServingError } = await import('hub-serving/client');

describe('PaddleHub routes', () => {
  let server: EchoServer;
  before(async () => {
    server = await startEchoServer({ apiKeys: ['secret'] });
  });
  after(() => server.close());

  test('predict returns the results; health, readiness, modules and the OpenAPI document are read', async () => {
    const client = new HubClient({ url: `${server.url}/`, apiKey: 'secret' });
    assert.deepEqual(await client.predict<{ text: string[] }>('echo', { text: ['a', 'b'] }), [{ text: ['a', 'b'] }]);
    assert.equal(await client.live(), true);
    assert.equal(await client.ready(), true);
    assert.deepEqual((await client.modules()).map((m) => m.name), ['echo']);
    assert.equal((await client.openapi()).openapi, '3.1.0');
  });

  test('refusals are HubServingError with the HTTP status, the envelope code and the request id', async () => {
    const anonymous = new HubClient({ url: server.url, requestId: () => 'req-42' });
    await assert.rejects(anonymous.predict('echo', { text: ['a'] }), (error: unknown) => {
      assert.ok(error instanceof HubServingError);
      assert.equal(error.http, 401);
      assert.equal(error.code, '126');
      assert.equal(error.requestId, 'req-42');
      assert.match(error.message, /API key is required/);
      return true;
    });
    const client = new HubClient({ url: server.url, apiKey: 'secret' });
    await assert.rejects(client.predict('nosuch', {}), (error: unknown) => error instanceof HubServingError && error.http === 404 && error.code === '111');
    await assert.rejects(client.predict('echo', { fail: 'boom' }), (error: unknown) => error instanceof HubServingError && error.http === 500 && error.code === '101');
    server.state.draining = true;
    try {
      assert.equal(await client.ready(), false);
      await assert.rejects(client.predict('echo', {}), (error: unknown) => error instanceof HubServingError && error.http === 503 && error.code === '134');
    } finally {
      server.state.draining = false;
    }
  });
});

describe('/v2 on an ONNX file', () => {
  const home = freshHubHome();
  let server: RunningServer;
  before(async () => {
    const file = writeDoubler(home);
    server = await startServer(['-m', file, '--host', '127.0.0.1', '--threads', '1'], { HUB_HOME: home });
  });
  after(() => server.stop());

  test('metadata, readiness, and infer in JSON', async () => {
    const client = new HubClient({ url: server.url });
    assert.equal((await client.serverMetadata()).name, 'hub-serving');
    const meta = await client.modelMetadata('double');
    assert.deepEqual(meta.inputs, [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }]);
    assert.equal(await client.modelReady('double'), true);
    assert.equal(await client.modelReady('nosuch'), false);
    const reply = await client.infer('double', { id: 'r1', inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 2], data: [1, 2, 3, 4] }] });
    assert.equal(reply.id, 'r1');
    assert.deepEqual(reply.outputs[0]!.data, [2, 4, 6, 8]);
    assert.deepEqual(reply.outputs[0]!.shape, [2, 2]);
  });

  test('infer with binary tensors both ways', async () => {
    const client = new HubClient({ url: server.url });
    const input = new Float32Array([0.5, -1, 8, 100]);
    const reply = await client.inferBinary('double', [{ name: 'x', datatype: 'FP32', shape: [2, 2], bytes: new Uint8Array(input.buffer) }]);
    const out = reply.binaryOutputs.get('y')!;
    assert.deepEqual([...new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4)], [1, -2, 16, 200]);
    const json = await client.inferBinary('double', [{ name: 'x', datatype: 'FP32', shape: [1, 2], bytes: new Uint8Array(new Float32Array([3, 4]).buffer) }], { jsonOutputs: true });
    assert.deepEqual(json.outputs[0]!.data, [6, 8]);
  });

  test('a /v2 refusal carries the protocol\'s message and no envelope code', async () => {
    const client = new HubClient({ url: server.url });
    await assert.rejects(client.infer('double', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }] }), (error: unknown) => {
      assert.ok(error instanceof HubServingError);
      assert.equal(error.http, 400);
      assert.equal(error.code, undefined);
      assert.match(error.message, /dimension 1 must be 2, got 3/);
      return true;
    });
    await assert.rejects(client.modelMetadata('nosuch'), (error: unknown) => error instanceof HubServingError && error.http === 404);
  });
});
