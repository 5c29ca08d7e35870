import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { z } from 'zod';
import { arg } from '../../../src/modules/contract/arguments.js';
import { defineModule } from '../../../src/modules/contract/define-module.js';
import { buildApp } from '../../../src/server/app.js';
import { Metrics } from '../../../src/server/metrics.js';

// The PaddleHub route over a module of the test's own, on the one contract and with no model, on loopback: what
// the framework does for every module (validation from the declared arguments, the envelope, the argument rows)
// without threads or weights.

let runs = 0;

const shout = defineModule({
  manifest: {
    name: 'shout', version: '1.0.0', task: 'test', summary: 'upper-cases texts',
    weights: 'none', output: '{"text": "ABC"} per text', example: { texts: ['abc'] },
  },
  arguments: {
    texts: arg(z.array(z.string({ error: 'expected a list of strings' }), { error: 'expected a list of strings' }).min(1), 'texts to upper-case'),
    repeat: arg(z.number({ error: 'expected an integer from 1 to 3' }).int().min(1, { error: 'expected an integer from 1 to 3' }).max(3, { error: 'expected an integer from 1 to 3' }).default(1), 'how many times'),
  },
  check(value, context) {
    if (value.texts.some((t) => t.length > 20)) context.addIssue({ code: 'custom', path: ['texts'], message: 'texts are limited to 20 characters' });
  },
  init: {},
  result: z.object({ text: z.string() }),
  artifacts: {
    installed: async () => ({ source: 'nowhere', directory: '', checksum: '', fresh: false }),
    install: async () => ({ source: 'nowhere', directory: '', checksum: '', fresh: false }),
  },
  models: {},
  load: async () => ({ prefix: '' }),
  async predict(args) {
    runs++;
    return args.texts.map((text) => ({ text: text.toUpperCase().repeat(args.repeat) }));
  },
});

describe('POST /predict/<module> over a contract module', () => {
  let app: FastifyInstance;
  let url = '';

  before(async () => {
    const loaded = await shout.load({ initArgs: {}, pool: undefined as never, log: pino({ level: 'silent' }) }, await shout.install({}));
    app = await buildApp({
      modules: new Map([['shout', { definition: shout, loaded, predictArgs: { repeat: 2 } }]]),
      aliases: new Map(),
      bodyLimit: 64 * 1024,
      timeoutSeconds: 10,
      logger: pino({ level: 'silent' }),
      metrics: new Metrics(() => 0),
      state: { ready: true, draining: false },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(() => app.close());

  const predict = async (payload: unknown) => {
    const reply = await fetch(`${url}/predict/shout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    return { statusCode: reply.status, json: await reply.json() as Record<string, unknown> };
  };

  test('checked arguments reach predict with the defaults of predict_args and the schema; results in the envelope', async () => {
    const reply = await predict({ texts: ['ab', 'c'] });
    assert.equal(reply.statusCode, 200);
    assert.deepEqual(reply.json, { msg: '', results: [{ text: 'ABAB' }, { text: 'CC' }], status: '000' });
    assert.deepEqual((await predict({ texts: ['ab'], repeat: 1 })).json.results, [{ text: 'AB' }], 'the request overrides predict_args');
  });

  test('a mistake in any argument is refused before predict runs, naming the argument', async () => {
    const before = runs;
    for (const [body, pattern] of [
      [{ texts: 'ab' }, /texts: .*expected a list of strings/],
      [{ texts: ['ab'], repeat: 4 }, /repeat: .*expected an integer from 1 to 3/],
      [{ texts: ['ab'], loud: true }, /loud/],
      [{ texts: ['x'.repeat(21)] }, /texts.*: .*texts are limited to 20 characters/],
    ] as const) {
      const reply = await predict(body);
      assert.equal(reply.statusCode, 400, JSON.stringify(body));
      const envelope = reply.json as { status: string; error: string; msg: string };
      assert.equal(envelope.status, '113');
      assert.equal(envelope.error, 'invalid_argument');
      assert.match(envelope.msg, pattern);
    }
    assert.equal(runs, before, 'predict never ran');
  });

  test('GET /modules documents the arguments from the same declarations', async () => {
    const [module] = await (await fetch(`${url}/modules`)).json() as { arguments: unknown[]; input: string }[];
    assert.deepEqual(module!.arguments, [
      { name: 'texts', type: 'list[str]', help: 'texts to upper-case', required: true },
      { name: 'repeat', type: 'int 1..3', default: 1, help: 'how many times', required: false },
    ]);
    assert.match(module!.input, /texts, repeat/);
  });
});
