import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { moduleDefinitions } from '../../../src/modules/registry.js';
import type { ModuleDefinition } from '../../../src/modules/types.js';
import { lacSkipReason, lacWeights, post, startServer, type RunningServer } from '../../helpers/cli.js';
import { writeTinyClassifier } from '../face_mask/tiny-classifier.js';
import { writeTinySentaDir } from '../senta_bilstm/tiny-senta.js';
import { tinyClassifier, tinyDetector } from '../_vision/tiny-models.js';

// The module contract, checked the same way for every module the registry holds (as hono runs every router
// against one case file): one real server serves them all, weights from the packages the tests fetch or from
// tiny models built here, and for each module its documented arguments are its schema's, its example request
// succeeds, each result has the shape the module declares, and bad arguments are refused in the envelope.

const dir = mkdtempSync(join(tmpdir(), 'contract-'));

/** init_args that give each module weights in a test; modules absent here need none beyond the tests' packages. */
function weightsFor(name: string): Record<string, unknown> {
  switch (name) {
    case 'senta_bilstm':
      return { directory: writeTinySentaDir(join(dir, 'senta')) };
    case 'pyramidbox_lite_server_mask':
    case 'pyramidbox_lite_mobile_mask':
      return { model_path: writeTinyClassifier(join(dir, `${name}.onnx`)) };
    case 'vgg16_imagenet': {
      writeFileSync(join(dir, 'vgg16.onnx'), tinyClassifier());
      writeFileSync(join(dir, 'labels.txt'), `${Array.from({ length: 1000 }, (_, i) => `class ${i}`).join('\n')}\n`);
      return { model_path: join(dir, 'vgg16.onnx'), label_file: join(dir, 'labels.txt') };
    }
    case 'yolov3_darknet53_coco2017':
      writeFileSync(join(dir, 'yolov3.onnx'), tinyDetector());
      return { model_path: join(dir, 'yolov3.onnx') };
    default:
      return {};
  }
}

interface Row {
  name: string;
  type: string;
  help: string;
  required: boolean;
}

interface Envelope {
  msg: string;
  results: unknown;
  status: string;
}

describe('the module contract, over every module', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  let served: { name: string; arguments: Row[] }[] = [];
  let openapi: { paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } } }> } | undefined;

  before(async () => {
    const lac = await lacWeights();
    const modules_info = Object.fromEntries(moduleDefinitions.map((d) => [d.manifest.name, { init_args: weightsFor(d.manifest.name) }]));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ modules_info }));
    server = await startServer(['-c', join(dir, 'config.json'), '--host', '127.0.0.1'], { HUB_LAC_DIR: lac.path ?? '' }, 600_000);
    served = await (await fetch(`${server.url}/modules`)).json() as typeof served;
    openapi = await (await fetch(`${server.url}/openapi.json`)).json() as typeof openapi;
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0, 'the server exits 0 on SIGTERM');
  });

  test('the server serves every module of the registry', () => {
    assert.deepEqual(served.map((m) => m.name).sort(), moduleDefinitions.map((d) => d.manifest.name).sort());
  });

  for (const definition of moduleDefinitions) {
    const { name, example } = definition.manifest;
    describe(name, () => {
      test('every documented argument has a type and help, and is what the request schema takes', () => {
        const rows = served.find((m) => m.name === name)!.arguments;
        assert.ok(rows.length > 0);
        for (const row of rows) {
          assert.ok(row.type.length > 0, `${row.name} has a type`);
          assert.ok(row.help.length > 10, `${row.name} has help`);
          assert.equal(typeof row.required, 'boolean', `${row.name} says whether it is required`);
        }
        const schema = openapi!.paths[`/predict/${name}`]!.post!.requestBody!.content['application/json']!.schema;
        const accepted = Object.keys(schema.properties ?? {});
        for (const row of rows) assert.ok(accepted.includes(row.name), `${row.name} is in the request schema`);
      });

      test('its example request succeeds, and each result has the declared shape', async () => {
        const reply = await post(`${server!.url}/predict/${name}`, example);
        const body = reply.body as Envelope;
        assert.equal(reply.status, 200, JSON.stringify(body).slice(0, 300));
        assert.equal(body.status, '000');
        assert.ok(Array.isArray(body.results) && body.results.length > 0, 'results are a non-empty list');
        assert.ok(definition.resultSchema, `${name} declares the shape of its results`);
        for (const result of body.results as unknown[]) {
          const checked = definition.resultSchema.safeParse(result);
          assert.ok(checked.success, `${JSON.stringify(result).slice(0, 200)}: ${checked.success ? '' : checked.error.message}`);
        }
      });

      test('an unknown argument and a mistyped one are refused in the envelope, naming the argument', async () => {
        const unknown = await post(`${server!.url}/predict/${name}`, { ...example, no_such_argument: 1 });
        assert.equal(unknown.status, 400);
        assert.equal((unknown.body as Envelope).status, '113');
        assert.match((unknown.body as Envelope).msg, /no_such_argument/);
        const first = documentedFirst(definition);
        const mistyped = await post(`${server!.url}/predict/${name}`, { ...example, [first]: { not: 'this' } });
        assert.equal(mistyped.status, 400);
        assert.equal((mistyped.body as Envelope).status, '113');
        assert.match((mistyped.body as Envelope).msg, new RegExp(first));
        assert.equal((mistyped.body as Envelope).results, '', 'no results with a refusal');
      });
    });
  }
});

function documentedFirst(definition: ModuleDefinition): string {
  return definition.describeArgs()[0]!.name;
}
