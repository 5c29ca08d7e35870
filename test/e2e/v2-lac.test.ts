import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { lacSkipReason, post, startServer, type RunningServer } from '../helpers/cli.js';

// The Open Inference Protocol on the real server: lac as a tensor model (texts in as BYTES, words and tags out),
// the same analysis as PaddleHub's route gives.

describe('/v2 on the server, lac', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startServer(['-m', 'lac', '--host', '127.0.0.1']);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  test('health, server metadata and lac\'s tensor interface', async () => {
    assert.equal((await fetch(`${server!.url}/v2/health/live`)).status, 200);
    assert.deepEqual(await (await fetch(`${server!.url}/v2/health/ready`)).json(), { ready: true });
    const meta = await (await fetch(`${server!.url}/v2`)).json() as { name: string; extensions: string[] };
    assert.equal(meta.name, 'hub-serving');
    assert.deepEqual(await (await fetch(`${server!.url}/v2/models/lac`)).json(), {
      name: 'lac', versions: ['2.2.0'], platform: 'hub-serving',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1] }],
      outputs: [{ name: 'word', datatype: 'BYTES', shape: [-1] }, { name: 'tag', datatype: 'BYTES', shape: [-1] }],
    });
  });

  test('infer gives the analysis the PaddleHub route gives', async () => {
    const texts = ['今天是个好日子', '天气预报说今天要下雨'];
    const response = await fetch(`${server!.url}/v2/models/lac/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'seed', inputs: [{ name: 'text', shape: [2], datatype: 'BYTES', data: texts }] }),
    });
    assert.equal(response.status, 200);
    const reply = await response.json() as { id: string; outputs: { name: string; data: string[] }[] };
    assert.equal(reply.id, 'seed');
    const byName = Object.fromEntries(reply.outputs.map((o) => [o.name, o.data.map((d) => JSON.parse(d) as string[])]));
    const paddle = (await post(`${server!.url}/predict/lac`, { text: texts })).body.results as { word: string[]; tag: string[] }[];
    assert.deepEqual(byName.word, paddle.map((r) => r.word));
    assert.deepEqual(byName.tag, paddle.map((r) => r.tag));
    assert.deepEqual(byName.word![0], ['今天', '是', '个', '好日子']);
  });

  test('mistakes answer the protocol\'s error shape', async () => {
    const bad = await fetch(`${server!.url}/v2/models/lac/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [{ name: 'text', shape: [1], datatype: 'FP32', data: [1] }] }) });
    assert.equal(bad.status, 400);
    assert.match((await bad.json() as { error: string }).error, /input text must be BYTES, got FP32/);
    const unknown = await fetch(`${server!.url}/v2/models/nope`);
    assert.equal(unknown.status, 404);
    assert.match((await unknown.json() as { error: string }).error, /unknown model "nope"/);
  });
});
