import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { freePort, freshHubHome, post, runHub, startServer, type RunningServer } from '../helpers/cli.js';
import { darknetData, darknetPhoto } from '../modules/_vision/darknet.js';
import { b64, configFor, corruptJpeg, expectRefused, oneLineError, solidPng, textFile } from '../modules/_vision/e2e-support.js';
import { tinyClassifier, tinyDetector } from '../modules/_vision/tiny-models.js';
import { expectedTiny } from '../modules/vgg16_imagenet/expected.js';
import { imagenetClassNames } from '../../src/modules/_vision/class-names.js';

// vgg16_imagenet through real HTTP on a server the CLI starts, with a generated classifier of the model zoo's
// signature whose answer is known: class c's logit is 4 x the normalised mean of channel c of the centre crop.

type Classes = Record<string, number>;
const MODULE = 'vgg16_imagenet';

/** The expected top k for a photo: channel means of PaddleHub's crop, computed with sharp on the file. */
async function expectedFor(photo: Buffer, k: number, names: string[]): Promise<[string, number][]> {
  const { width, height } = await sharp(photo).metadata();
  const scale = 256 / Math.min(width!, height!);
  const rw = Math.round(width! * scale);
  const rh = Math.round(height! * scale);
  // (sharp's stats() would describe the input, not the crop: the crop's pixels are summed here.)
  const crop = await sharp(photo).resize(rw, rh, { fit: 'fill', kernel: 'lanczos3', fastShrinkOnLoad: false })
    .extract({ left: Math.round((rw - 224) / 2), top: Math.round((rh - 224) / 2), width: 224, height: 224 }).raw().toBuffer();
  const sums = [0, 0, 0];
  for (let i = 0; i < crop.length; i++) sums[i % 3] += crop[i]!;
  const probs = expectedTiny(sums.map((s) => s / (224 * 224)) as [number, number, number]);
  // A stable sort: equal probabilities keep the lower class index first, as the module ranks them.
  return probs.map((p, i) => [names[i]!, p] as [string, number]).sort((a, b) => b[1] - a[1]).slice(0, k);
}

function assertClose(actual: Classes, expected: [string, number][], tolerance: number): void {
  assert.deepEqual(Object.keys(actual), expected.map(([name]) => name));
  for (const [name, p] of expected) {
    assert.equal(typeof actual[name], 'number');
    assert.ok(Math.abs(actual[name]! - p) < tolerance, `${name}: ${actual[name]} vs ${p}`);
  }
}

const darknet = await darknetData();

describe('vgg16_imagenet over HTTP', { skip: darknet.skip }, () => {
  let server: RunningServer | undefined;
  let url = '';
  let dog: Buffer;
  let red: Buffer;

  before(async () => {
    dog = darknetPhoto('dog.jpg');
    red = await solidPng(320, 240, [255, 0, 0]);
    const { config } = configFor(MODULE, tinyClassifier());
    server = await startServer(['-c', config, '--host', '127.0.0.1'], { HUB_HOME: freshHubHome() });
    url = `${server.url}/predict/${MODULE}`;
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0, 'the server exits 0 on SIGTERM');
  });

  test('start names the weights file and where the class names came from', () => {
    assert.match(server!.stdout(), /loaded vgg16_imagenet 1\.1\.0: weights from init_args\.model_path \S+model\.onnx; class names from Debian's darknet package/);
  });

  test("PaddleHub's format: a list with one {class name: probability} object per image, top_k most probable first", async () => {
    const reply = await post(url, { images: [b64(red), b64(dog)], top_k: 3 });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, '000');
    assert.equal(reply.body.msg, '');
    const results = reply.body.results as Classes[];
    assert.equal(results.length, 2);
    // The red picture: normalised channel means exactly known, so the answer is too. Green and blue get
    // negative logits, so after tench come the first classes of logit 0: 3 (tiger shark), 4 (hammerhead).
    const expectRed = expectedTiny([255, 0, 0]);
    assertClose(results[0]!, [['tench', expectRed[0]!], ['tiger shark', expectRed[3]!], ['hammerhead', expectRed[4]!]], 1e-3);
    // The lists the server read: installed, or the package it downloaded itself (the same package).
    const names = (await imagenetClassNames({ module: MODULE, allowDownload: false, systemDir: darknet.path }))!.names;
    assertClose(results[1]!, await expectedFor(dog, 3, names), 2e-3);
  });

  test('top_k defaults to 1; batch_size changes nothing in the answer', async () => {
    const one = await post(url, { images: [b64(dog)] });
    assert.equal(Object.keys((one.body.results as Classes[])[0]!).length, 1);
    const images = [b64(dog), b64(red), b64(dog)];
    const single = await post(url, { images, top_k: 2, batch_size: 1 });
    const batched = await post(url, { images, top_k: 2, batch_size: 2 });
    assert.equal(batched.body.status, '000', batched.text);
    const round = (r: Classes[]) => r.map((c) => Object.entries(c).map(([k, v]) => [k, v.toFixed(5)]));
    assert.deepEqual(round(batched.body.results as Classes[]), round(single.body.results as Classes[]));
  });

  test('a multipart upload (file field "images") gets the same answer as JSON', async () => {
    const form = new FormData();
    form.append('images', new Blob([new Uint8Array(dog)], { type: 'image/jpeg' }), 'dog.jpg');
    form.append('top_k', '2');
    const response = await fetch(url, { method: 'POST', body: form });
    const body = await response.json() as { status: string; results: Classes[] };
    assert.equal(response.status, 200, JSON.stringify(body));
    const json = await post(url, { images: [b64(dog)], top_k: 2 });
    assert.deepEqual(body.results, json.body.results);
  });

  test('a corrupt image and a text file are refused with the index of the bad item', async () => {
    expectRefused(await post(url, { images: [b64(red), b64(corruptJpeg(dog))] }), /^images\[1\]: not an image/);
    expectRefused(await post(url, { images: [b64(textFile)] }), /^images\[0\]: not an image/);
    expectRefused(await post(url, { images: ['/home/me/dog.jpg'] }), /^images\[0\]: not base64/);
    expectRefused(await post(url, { paths: ['/etc/passwd'] }), /reading files on the server is not supported/);
    expectRefused(await post(url, { images: [b64(red)], top_k: 0 }), /^top_k: 0 is not allowed: expected an integer from 1 to 1000/);
    const ok = await post(url, { images: [b64(red)] });
    assert.equal(ok.body.status, '000', 'the server still answers');
  });
});

describe('vgg16_imagenet start without usable weights', () => {
  test('no weights: exit 1 and one line naming what to supply', async () => {
    const port = await freePort();
    const closed = await freePort();
    const r = runHub(['serving', 'start', '-m', MODULE, '-p', String(port)],
      { HUB_HOME: freshHubHome(), HUB_VGG16_PATH: '', HUB_VGG16_URL: `http://127.0.0.1:${closed}/vgg16-7.onnx` });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    oneLineError(r.stderr, /^error: vgg16_imagenet: no weights\. Supply an ONNX ImageNet-1k classifier .*e\.g\. the ONNX model zoo's vgg16-7\.onnx \(553437328 bytes, sha256 f20805a3[0-9a-f]{56}\): name the file by init_args\.model_path \(or a folder holding vgg16-7\.onnx by init_args\.directory\) or by HUB_VGG16_PATH\. Downloading it failed: cannot download http:\/\/127\.0\.0\.1:\d+\/vgg16-7\.onnx: connection refused/);
  });

  test('a named file that is missing, or that is not a classifier, stops the start in one line', async () => {
    const missing = runHub(['serving', 'start', '-m', MODULE, '-p', String(await freePort())], { HUB_HOME: freshHubHome(), HUB_VGG16_PATH: '/nonexistent/vgg16.onnx' });
    assert.equal(missing.status, 1);
    oneLineError(missing.stderr, /vgg16_imagenet: HUB_VGG16_PATH \/nonexistent\/vgg16\.onnx does not exist; name the file by init_args\.model_path/);
    // A label file, so this needs no darknet package: the start fails at the model, not at the names.
    const { config } = configFor(MODULE, tinyDetector(), Array.from({ length: 1000 }, (_, i) => `class ${i}`));
    const wrong = runHub(['serving', 'start', '-c', config, '-p', String(await freePort())], { HUB_HOME: freshHubHome() });
    assert.equal(wrong.status, 1);
    oneLineError(wrong.stderr, /vgg16_imagenet: the model \S+model\.onnx does not fit \(2 inputs\)/);
  });

  test('image_classification is the task of vgg16_imagenet', () => {
    const r = runHub(['show', 'image_classification'], { HUB_HOME: freshHubHome() });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^vgg16_imagenet 1\.1\.0 \(image_classification\)/);
  });
});
