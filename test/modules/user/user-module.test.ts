import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { HubClient, HubServingError } from '../../../src/client/index.js';
import { HUB_BIN, freshHubHome, startServer, type RunningServer } from '../../helpers/cli.js';
import { metric } from '../../helpers/metrics.js';

// A user module as a user makes one: `hub new module`, then `hub serving start -m ./folder`, called over HTTP.
// It gets the PaddleHub route, /v2, the scheduler's batching, /modules and /openapi.json like a built-in.

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'user-module-'));
// The user's project has the package installed: here, a link to this checkout.
mkdirSync(join(project, 'node_modules'));
symlinkSync(REPO, join(project, 'node_modules', 'hub-serving'));

/** The real `hub` binary, run in the user's project folder. */
function hubIn(cwd: string, args: string[]) {
  const result = spawnSync(process.execPath, [HUB_BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, HUB_HOME: freshHubHome() } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('hub new module makes a folder that runs; it refuses a bad name and an existing folder', () => {
  const made = hubIn(project, ['new', 'module', 'flowers']);
  assert.equal(made.status, 0, made.stderr);
  assert.match(made.stdout, /serve it: hub serving start -m \.\/flowers/);
  for (const file of ['module.mjs', 'model.onnx', 'test.mjs']) assert.ok(existsSync(join(project, 'flowers', file)), file);
  const again = hubIn(project, ['new', 'module', 'flowers']);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /exists already/);
  const bad = hubIn(project, ['new', 'module', 'My-Module']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /lower case letters, digits and _/);
});

test('hub show ./folder shows its arguments from its schemas, as for a built-in', () => {
  const shown = hubIn(project, ['show', './flowers']);
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, /^flowers 1\.0\.0 \(user module\)/);
  assert.match(shown.stdout, /data {2}list\[list\[float\]\] {2}\(required\) {2}rows of 4 numbers/);
  assert.match(shown.stdout, /top_k {2}int 1\.\.3 {2}default 1/);
  assert.doesNotMatch(shown.stdout, /hub run/);
});

test('the scaffold\'s own test passes (node --test), serving the folder through the installed package', () => {
  // Without this runner's context, which would make the child report to it instead of printing.
  const { NODE_TEST_CONTEXT: _runner, ...env } = process.env;
  const result = spawnSync(process.execPath, ['--test', '--test-reporter=tap', join(project, 'flowers', 'test.mjs')], { cwd: project, encoding: 'utf8', timeout: 120_000, env: { ...env, HUB_HOME: freshHubHome() } });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /# pass 1/);
});

describe('served with -m ./flowers', () => {
  let server: RunningServer;
  let client: HubClient;
  before(async () => {
    server = await startServer(['-m', join(project, 'flowers'), '--host', '127.0.0.1'], { HUB_HOME: freshHubHome() });
    client = new HubClient({ url: server.url });
  });
  after(() => server.stop());

  test('its example is answered in its own format; top_k and defaults apply', async () => {
    const [ranked] = await client.predict<{ label: string; score: number }[]>('flowers', { data: [[5.1, 3.5, 1.4, 0.2]] });
    assert.equal(ranked!.length, 1);
    assert.ok(['setosa', 'versicolor', 'virginica'].includes(ranked![0]!.label));
    const two = await client.predict<{ label: string; score: number }[]>('flowers', { data: [[5.1, 3.5, 1.4, 0.2]], top_k: 3 });
    assert.deepEqual(two[0]!.map((r) => r.label).sort(), ['setosa', 'versicolor', 'virginica']);
    assert.ok(Math.abs(two[0]!.reduce((s, r) => s + r.score, 0) - 1) < 1e-5, 'softmax scores sum to 1');
  });

  test('one request of 40 rows is 40 items, batched into fewer model calls, each row its own result, in order', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i % 7, (i * 3) % 5, i % 2, 1]);
    const before = await metric(server.url, 'hub_batch_size_count', 'model="flowers"');
    const together = await client.predict<{ label: string; score: number }[]>('flowers', { data: rows, top_k: 3 });
    const calls = (await metric(server.url, 'hub_batch_size_count', 'model="flowers"')) - before;
    assert.ok(calls >= 1 && calls < 40, `${calls} calls for 40 rows`);
    const alone = await Promise.all(rows.map((row) => client.predict<{ label: string; score: number }[]>('flowers', { data: [row], top_k: 3 })));
    assert.deepEqual(together, alone.map((r) => r[0]));
  });

  test('bad arguments are refused with the envelope, naming the argument', async () => {
    await assert.rejects(client.predict('flowers', { data: [[1, 2, 3]] }), (error: unknown) =>
      error instanceof HubServingError && error.http === 400 && error.code === '113' && /data\.0/.test(error.message));
    await assert.rejects(client.predict('flowers', { rows: [[1, 2, 3, 4]] }), (error: unknown) => error instanceof HubServingError && error.http === 400);
  });

  test('/v2, /modules and /openapi.json show it like a built-in', async () => {
    const meta = await client.modelMetadata('flowers');
    assert.deepEqual(meta.inputs, [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }]);
    const reply = await client.infer('flowers', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [5.1, 3.5, 1.4, 0.2] }] });
    assert.deepEqual(reply.outputs[0]!.shape, [1, 3]);
    const [info] = await client.modules();
    assert.equal(info!.name, 'flowers');
    assert.deepEqual(info!.arguments.map((a) => [a.name, a.default, a.required]), [['data', undefined, true], ['top_k', 1, false]]);
    const paths = (await client.openapi()).paths as Record<string, unknown>;
    assert.ok('/predict/flowers' in paths);
  });
});

test('mistakes in a module folder stop the start with one line naming them', () => {
  const empty = join(project, 'empty_module');
  mkdirSync(empty);
  const none = hubIn(project, ['serving', 'start', '-m', './empty_module', '-p', '1']);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /none of module\.mjs, module\.js, module\.ts, module\.mts in the folder/);
  const broken = join(project, 'broken_module');
  mkdirSync(broken);
  writeFileSync(join(broken, 'module.mjs'), "export default { name: 'broken', version: '1', summary: 's', model: 'model.onnx', arguments: () => ({}), example: {}, postprocess: () => 1 };\n");
  const missing = hubIn(project, ['serving', 'start', '-m', './broken_module', '-p', '1']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /preprocess: expected a function/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');
});

test('a module written in TypeScript is served too: its types are stripped at load, nothing is left beside it', async () => {
  const folder = join(project, 'typed');
  mkdirSync(folder);
  copyFileSync(join(project, 'flowers', 'model.onnx'), join(folder, 'model.onnx'));
  writeFileSync(join(folder, 'module.ts'), `
interface Args { rows: number[][] }
const best = (scores: ArrayLike<number>): number => Array.from(scores).indexOf(Math.max(...Array.from(scores)));
export default {
  name: 'typed', version: '0.1.0', summary: 'the starter model, in TypeScript', model: 'model.onnx',
  arguments: (z: any) => ({ rows: { schema: z.array(z.array(z.number()).length(4)), help: 'rows of 4 numbers' } }),
  example: { rows: [[1, 2, 3, 4]] },
  preprocess: (args: Args) => args.rows.map((row) => ({ x: { data: row, shape: [4] } })),
  postprocess: (outputs: Record<string, { data: ArrayLike<number> }>) => ({ best: best(outputs.probabilities!.data) }),
};
`);
  const server = await startServer(['-m', folder, '--host', '127.0.0.1'], { HUB_HOME: freshHubHome() });
  try {
    const results = await new HubClient({ url: server.url }).predict<{ best: number }>('typed', { rows: [[5.1, 3.5, 1.4, 0.2], [0, 0, 0, 9]] });
    assert.equal(results.length, 2);
    for (const r of results) assert.ok([0, 1, 2].includes(r.best));
  } finally {
    await server.stop();
  }
  assert.deepEqual(readdirSync(folder).sort(), ['model.onnx', 'module.ts']);
});
