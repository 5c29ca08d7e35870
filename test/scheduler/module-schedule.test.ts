import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ElemType, GraphBuilder, tensorValueInfo } from '../../src/artifacts/convert/onnx-graph.js';
import type { EffectiveSchedule } from '../../src/config/schedule.js';
import { OnnxFileModel } from '../../src/models/onnx-file.js';
import { InferencePool } from '../../src/scheduler/pool.js';
import { lacSkipReason, post, startServer, type RunningServer } from '../helpers/cli.js';
import { writeDoubler } from '../helpers/double-model.js';
import { metric } from '../helpers/metrics.js';

// A module's own scheduling values (modules_info.<module>.max_batch_size and the rest) reach its models' batchers
// over the server-wide ones, and what a model cannot take stays as it is. Proofs are what the models say they
// opened with and the rows per call counted in /metrics, never timings.

describe('a model opens with its module\'s values over the server-wide ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'module-schedule-'));
  let pool: InferencePool | undefined;
  const models: OnnxFileModel[] = [];
  const opened = new Map<string, EffectiveSchedule>();
  const schedule = {
    maxBatchSize: 64,
    maxQueueSize: 500,
    modules: { dbl: { maxBatchSize: 3, maxQueueDelayMs: 1 }, fixed: { maxBatchSize: 8 } },
    opened: (model: string, values: EffectiveSchedule) => opened.set(model, values),
  };
  before(() => {
    pool = new InferencePool({ devices: [{ kind: 'cpu' }], maxQueue: 16, intraOpThreads: 1 });
  });
  after(async () => {
    for (const model of models) await model.close();
    await pool?.close();
  });

  test('a file with a batch dimension: rows per call from its entry, the queue from the server, the rest its own', async () => {
    models.push(await OnnxFileModel.load('dbl', writeDoubler(dir), pool!, { schedule }));
    // A bare file's element budget is its rows (its fit): the entry's 3, not its default 32.
    assert.deepEqual(opened.get('dbl'), { maxBatchSize: 3, maxElements: 3, maxQueueDelayMs: 1, maxQueueSize: 500 });
  });

  test('a file without one keeps one request per call, whatever its entry says', async () => {
    const g = new GraphBuilder();
    g.reserve('x');
    g.op('Add', ['x', 'x'], {}, 'y');
    const path = join(dir, 'fixed.onnx');
    writeFileSync(path, g.encode({ graphName: 'fixed', inputs: [tensorValueInfo('x', ElemType.FLOAT, [1, 2])], outputs: [tensorValueInfo('y', ElemType.FLOAT, [1, 2])] }));
    models.push(await OnnxFileModel.load('fixed', path, pool!, { schedule }));
    assert.equal(opened.get('fixed')?.maxBatchSize, 1);
    assert.equal(opened.get('fixed')?.maxQueueSize, 500);
  });
});

describe("lac's own max_batch_size over HTTP, below a larger server-wide one", { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  const texts = ['今天是个好日子', '天气预报说今天要下雨', '百度是一家高科技公司', '我在北京天安门广场见到了张三'];
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'module-schedule-http-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({
      modules_info: { lac: { init_args: {}, predict_args: {}, max_batch_size: 4, max_queue_delay: 2000, max_queue_size: 5000, max_elements: 65536 } },
      max_batch_size: 64,
    }));
    server = await startServer(['-c', config, '--host', '127.0.0.1']);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });
  const counts = async () => ({
    calls: await metric(server!.url, 'hub_batch_size_count', 'model="lac"'),
    rows: await metric(server!.url, 'hub_batch_size_sum', 'model="lac"'),
    upTo4: await metric(server!.url, 'hub_batch_size_bucket', 'le="4",model="lac"'),
  });

  test("the start-up lines show lac's schedule from its entry", () => {
    assert.match(server!.stdout(), /^schedules \(max_batch_size\/max_elements\/max_queue_delay\/max_queue_size\): lac 4\/65536\/2000\/5000$/m);
  });

  test('one request of 8 texts is cut into two calls of 4 rows, not one of 8', async () => {
    const before = await counts();
    const reply = await post(`${server!.url}/predict/lac`, { text: [...texts, ...texts] });
    assert.equal(reply.body.status, '000', reply.text);
    const now = await counts();
    assert.deepEqual({ calls: now.calls - before.calls, rows: now.rows - before.rows, upTo4: now.upTo4 - before.upTo4 }, { calls: 2, rows: 8, upTo4: 2 });
  });

  test('48 concurrent requests of 3 texts: every call has at most 4 rows, and each request gets its own results', async () => {
    const before = await counts();
    const bodies = Array.from({ length: 48 }, (_, i) => ({ text: [texts[i % 4]!, texts[(i + 1) % 4]!, texts[(i + 2) % 4]!] }));
    const replies = await Promise.all(bodies.map((body) => post(`${server!.url}/predict/lac`, body)));
    replies.forEach((reply, i) => {
      assert.equal(reply.body.status, '000', reply.text);
      assert.deepEqual((reply.body.results as { word: string[] }[]).map((r) => r.word.join('')), bodies[i]!.text);
    });
    const now = await counts();
    assert.equal(now.rows - before.rows, 48 * 3, 'every text was one row of some call');
    assert.equal(now.upTo4 - before.upTo4, now.calls - before.calls, 'no call had more than 4 rows');
    assert.ok(now.calls - before.calls >= 36, `${now.calls - before.calls} calls for 144 rows`);
  });
});
