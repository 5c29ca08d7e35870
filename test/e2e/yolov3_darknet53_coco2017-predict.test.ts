import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { freePort, freshHubHome, post, runHub, startServer, type RunningServer } from '../helpers/cli.js';
import { darknetPhoto, skipWithoutDarknet } from '../modules/_vision/darknet.js';
import { b64, configFor, corruptJpeg, expectRefused, oneLineError, solidPng, textFile } from '../modules/_vision/e2e-support.js';
import { tinyClassifier, tinyDetector } from '../modules/_vision/tiny-models.js';
import { yolov3Darknet53Coco2017 } from '../../src/modules/yolov3_darknet53_coco2017/index.js';

// yolov3_darknet53_coco2017 through real HTTP on a server the CLI starts, with a generated detector of the
// model zoo's signature: its boxes are fixed fractions of image_shape (as the real graph maps boxes back to
// the original image), and the person's score is the red value of the letterboxed input's top-left pixel.

interface Detection { label: string; confidence: number; left: number; top: number; right: number; bottom: number }
interface Result { data: Detection[]; save_path: string; image?: string }

const MODULE = 'yolov3_darknet53_coco2017';
const GREY = 128 / 255;

/** What the tiny detector finds on a width x height image at score_thresh 0.5 (float32 fractions, hence the tolerance). */
function expected(width: number, height: number, cornerRed: number): Omit<Detection, 'confidence'>[] {
  const found = [
    { label: 'dog', left: 0.125 * width, top: 0.25 * height, right: 0.5 * width, bottom: 0.75 * height },
    { label: 'car', left: 0.6 * width, top: 0, right: width, bottom: 0.5 * height },
  ];
  if (cornerRed >= 0.5) found.push({ label: 'person', left: 0, top: 0, right: 0.5 * width, bottom: 0.5 * height });
  return found;
}

function assertDetections(result: Result, width: number, height: number, cornerRed: number): void {
  assert.deepEqual(Object.keys(result), ['data', 'save_path']);
  assert.ok(yolov3Darknet53Coco2017.resultSchema!.safeParse(result).success, 'the result has the declared shape');
  assert.equal(result.save_path, '');
  const want = expected(width, height, cornerRed);
  assert.deepEqual(result.data.map((d) => d.label), want.map((d) => d.label));
  result.data.forEach((d, i) => {
    assert.deepEqual(Object.keys(d), ['label', 'confidence', 'left', 'top', 'right', 'bottom']);
    for (const key of ['left', 'top', 'right', 'bottom'] as const) {
      assert.equal(typeof d[key], 'number');
      assert.ok(Math.abs(d[key] - want[i]![key]) < 1e-3, `${d.label}.${key}: ${d[key]} vs ${want[i]![key]}`);
      assert.ok(d[key] >= 0 && d[key] <= (key === 'left' || key === 'right' ? width : height), 'clipped to the image');
    }
  });
  assert.ok(Math.abs(result.data[0]!.confidence - 0.9) < 1e-6);
  assert.ok(Math.abs(result.data[1]!.confidence - 0.8) < 1e-6);
  if (cornerRed >= 0.5) assert.ok(Math.abs(result.data[2]!.confidence - cornerRed) < 1e-6, `person ${result.data[2]!.confidence} vs ${cornerRed}`);
}

describe('yolov3_darknet53_coco2017 over HTTP', { skip: await skipWithoutDarknet() }, () => {
  let server: RunningServer | undefined;
  let url = '';
  let dog: Buffer;
  let scream: Buffer;

  before(async () => {
    dog = darknetPhoto('dog.jpg');
    scream = darknetPhoto('scream.jpg');
    const { config } = configFor(MODULE, tinyDetector());
    server = await startServer(['-c', config, '--host', '127.0.0.1'], { HUB_HOME: freshHubHome() });
    url = `${server.url}/predict/${MODULE}`;
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0, 'the server exits 0 on SIGTERM');
  });

  test('start names the weights file and the COCO class names', () => {
    assert.match(server!.stdout(), /loaded yolov3_darknet53_coco2017 1\.1\.1: weights from init_args\.model_path \S+model\.onnx; class names from COCO-2017/);
  });

  test("photos as plain base64: PaddleHub's format, boxes in the original pixels, clipped, letterbox padding in the corner", async () => {
    const reply = await post(url, { images: [b64(dog), b64(scream)] });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, '000');
    const [onDog, onScream] = reply.body.results as Result[];
    // dog.jpg 768 x 576 is letterboxed with grey rows above; scream.jpg 352 x 448 with grey columns on the left.
    assertDetections(onDog!, 768, 576, GREY);
    assertDetections(onScream!, 352, 448, GREY);
    assert.equal(onDog!.data[1]!.top, 0, 'the car box starts above the image');
    assert.equal(onDog!.data[1]!.right, 768, 'and ends right of it');
  });

  test('a square image fills the input: the corner is its own pixel', async () => {
    const reply = await post(url, { images: [b64(await solidPng(300, 300, [255, 0, 0])), b64(await solidPng(300, 300, [0, 0, 255]))] });
    const [red, blue] = reply.body.results as Result[];
    assertDetections(red!, 300, 300, 1);
    assertDetections(blue!, 300, 300, 0);
  });

  test('score_thresh decides what is shown', async () => {
    const low = (await post(url, { images: [b64(dog)], score_thresh: 0.25 })).body.results as Result[];
    assert.deepEqual(low[0]!.data.map((d) => d.label), ['dog', 'bicycle', 'car', 'person']);
    const high = (await post(url, { images: [b64(dog)], score_thresh: 0.95 })).body.results as Result[];
    assert.deepEqual(high, [{ data: [], save_path: '' }]);
    expectRefused(await post(url, { images: [b64(dog)], score_thresh: 2 }), /^score_thresh: 2 is not allowed: expected a number from 0 to 1/);
  });

  test('visualization answers with the picture, boxes drawn, and writes no file', async () => {
    const reply = await post(url, { images: [b64(dog)], visualization: true, output_dir: '/tmp/should-not-exist-hub-yolo' });
    const [result] = reply.body.results as Result[];
    assert.deepEqual(Object.keys(result!), ['data', 'save_path', 'image']);
    assert.equal(result!.save_path, '');
    const drawn = Buffer.from(result!.image!, 'base64');
    const meta = await sharp(drawn).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 768, 576]);
    // The dog box's top edge (y = 144, from x = 96 to 384) is drawn red over the photo.
    const { data } = await sharp(drawn).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...data.subarray((y * 768 + x) * 3, (y * 768 + x) * 3 + 3)];
    const [r, g, b] = at(240, 144);
    assert.ok(r! > 180 && g! < 90 && b! < 90, `expected red at the box edge, got ${[r, g, b]}`);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync('/tmp/should-not-exist-hub-yolo'), false);
  });

  test('a multipart upload (file field "images") gets the same answer as JSON', async () => {
    const form = new FormData();
    form.append('images', new Blob([new Uint8Array(dog)], { type: 'image/jpeg' }), 'dog.jpg');
    form.append('score_thresh', '0.25');
    const response = await fetch(url, { method: 'POST', body: form });
    const body = await response.json() as { status: string; results: Result[] };
    assert.equal(response.status, 200, JSON.stringify(body));
    const json = await post(url, { images: [b64(dog)], score_thresh: 0.25 });
    assert.deepEqual(body.results, json.body.results);
  });

  test('a corrupt image and a text file are refused with the index of the bad item', async () => {
    expectRefused(await post(url, { images: [b64(dog), b64(corruptJpeg(dog))] }), /^images\[1\]: not an image/);
    expectRefused(await post(url, { images: [b64(textFile)] }), /^images\[0\]: not an image/);
    const form = new FormData();
    form.append('images', new Blob([new Uint8Array(dog)]), 'dog.jpg');
    form.append('images', new Blob([new Uint8Array(textFile)], { type: 'text/plain' }), 'minutes.txt');
    const response = await fetch(url, { method: 'POST', body: form });
    const body = await response.json() as { status: string; msg: string };
    assert.equal(response.status, 400);
    assert.equal(body.status, '113');
    assert.match(body.msg, /^images\[1\]: not an image/);
    expectRefused(await post(url, { images: [] }), /^images: \[\] is not allowed: expected at least one image/);
    expectRefused(await post(url, { data: { image: ['/etc/passwd'] } }), /^data: .* reading files on the server is not supported/);
    assert.equal((await post(url, { images: [b64(dog)] })).body.status, '000', 'the server still answers');
  });
});

describe('yolov3_darknet53_coco2017 start without usable weights', () => {
  test('no weights: exit 1 and one line naming what to supply', async () => {
    const closed = await freePort();
    const r = runHub(['serving', 'start', '-m', MODULE, '-p', String(await freePort())],
      { HUB_HOME: freshHubHome(), HUB_YOLOV3_PATH: '', HUB_YOLOV3_URL: `http://127.0.0.1:${closed}/yolov3-10.onnx` });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    oneLineError(r.stderr, /^error: yolov3_darknet53_coco2017: no weights\. Supply an ONNX YOLOv3 COCO detector with the model zoo's signature \(inputs input_1 .*\), e\.g\. the ONNX model zoo's yolov3-10\.onnx \(247908721 bytes, sha256 1f4613c3[0-9a-f]{56}\): name the file by init_args\.model_path \(or a folder holding yolov3-10\.onnx by init_args\.directory\) or by HUB_YOLOV3_PATH\. Downloading it failed: .*connection refused/);
  });

  test('a classifier given as the detector stops the start in one line', async () => {
    const { config } = configFor(MODULE, tinyClassifier());
    const r = runHub(['serving', 'start', '-c', config, '-p', String(await freePort())], { HUB_HOME: freshHubHome() });
    assert.equal(r.status, 1);
    oneLineError(r.stderr, /yolov3_darknet53_coco2017: the model \S+model\.onnx does not fit \(1 inputs\): it has inputs \[data float32 \[N,3,224,224\]\]/);
  });
});
