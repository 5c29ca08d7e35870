import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { post, runHub, startServer, type RunningServer } from '../helpers/cli.js';
import { photo, photoBase64, photosSkipReason } from '../modules/centernet_mobilenet_v3_coco2017/photos.js';
import { writeTinyClassifier } from '../modules/face_mask/tiny-classifier.js';
import { pyramidboxLiteServerMask } from '../../src/modules/pyramidbox_lite_server_mask/index.js';
import { topEdgeColour } from '../modules/blazeface_mediapipe/box-edge.js';

// The two mask modules: BlazeFace plus a mask classifier. No real classifier can be had here, so a tiny one is
// generated (mean colour -> MASK/NO MASK); it proves the pipeline and the format, not mask recognition.

interface Face { label: string; confidence: number; top: number; bottom: number; left: number; right: number }
interface Result { data: Face[]; path: string; image?: string }

const dir = mkdtempSync(join(tmpdir(), 'mask-e2e-'));
const classifier = writeTinyClassifier(join(dir, 'mask_classifier.onnx'));
// Hooks have no skip on Node 20: the suite that needs the photos is skipped (or, under CI, fails) without them.
const noPhotos = await photosSkipReason(['graceHopper', 'horses']);

describe('pyramidbox_lite_*_mask', () => {
  test('without classifier weights: the start fails naming what is missing, and `hub show` says so', () => {
    const start = runHub(['serving', 'start', '-m', 'pyramidbox_lite_mobile_mask', '--host', '127.0.0.1'], { HUB_MASK_CLASSIFIER: '' });
    assert.notEqual(start.status, 0);
    assert.match(start.stderr, /pyramidbox_lite_mobile_mask: no mask classifier weights\. .*init_args\.model_path .*HUB_MASK_CLASSIFIER.*\[N,3,128,128\]/);
    assert.doesNotMatch(start.stderr, /\n\s+at /, 'one clear line, no stack');
    const show = runHub(['show', 'pyramidbox_lite_server_mask'], { HUB_MASK_CLASSIFIER: '' });
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /Mask classifier: NOT shipped/);
    assert.match(show.stdout, /installed: pyramidbox_lite_server_mask: no mask classifier weights\. No package ships a face-mask classifier, so name one/);
  });

  describe('with a generated classifier', { skip: noPhotos }, () => {
    let server: RunningServer | undefined;
    /** Grace Hopper's portrait with red and blue scaled, as base64 JPEG. */
    const tinted = async (r: number, b: number) => (await sharp(photo('graceHopper')).linear([r, 1, b], [0, 0, 0]).jpeg().toBuffer()).toString('base64');

    before(async () => {
      // One module names the file in its init_args, the other a folder holding mask_classifier.onnx.
      writeFileSync(join(dir, 'config.json'), JSON.stringify({
        modules_info: {
          pyramidbox_lite_server_mask: { init_args: { model_path: classifier } },
          pyramidbox_lite_mobile_mask: { init_args: { directory: dir }, predict_args: { confs_threshold: 0.6 } },
        },
      }));
      server = await startServer(['-c', join(dir, 'config.json'), '--host', '127.0.0.1'], { HUB_MASK_CLASSIFIER: '' }, 300_000);
    });
    after(async () => {
      if (server) assert.equal(await server.stop(), 0);
    });

    for (const name of ['pyramidbox_lite_server_mask', 'pyramidbox_lite_mobile_mask']) {
      test(`${name}: Grace Hopper's face labelled, nothing in horses.jpg, PaddleHub's format`, async () => {
        const reply = await post(`${server!.url}/predict/${name}`, { images: [photoBase64('graceHopper'), photoBase64('horses')] });
        assert.equal(reply.body.status, '000', reply.text);
        const [grace, horses] = reply.body.results as Result[];
        for (const result of [grace, horses]) assert.ok(pyramidboxLiteServerMask.resultSchema!.safeParse(result).success, 'the result has the declared shape');
        assert.deepEqual(Object.keys(grace!).sort(), ['data', 'path']);
        assert.equal(grace!.path, '');
        assert.equal(grace!.data.length, 1);
        const face = grace!.data[0]!;
        assert.deepEqual(Object.keys(face), ['label', 'confidence', 'top', 'bottom', 'left', 'right']);
        assert.ok(['MASK', 'NO MASK'].includes(face.label));
        assert.ok(face.confidence >= 0.5 && face.confidence <= 1);
        for (const k of ['top', 'bottom', 'left', 'right'] as const) assert.ok(Number.isInteger(face[k]));
        assert.ok(face.left > 140 && face.right < 400 && face.top > 90 && face.bottom < 350);
        assert.deepEqual(horses!.data, []);
      });
    }

    test('the label comes from the classifier: a reddened face is MASK, a blued one NO MASK (to the tiny model)', async () => {
      const form = new FormData();
      form.append('images', new Blob([new Uint8Array(Buffer.from(await tinted(1.3, 0.5), 'base64'))], { type: 'image/jpeg' }), 'red.jpg');
      form.append('images', new Blob([new Uint8Array(Buffer.from(await tinted(0.5, 1.3), 'base64'))], { type: 'image/jpeg' }), 'blue.jpg');
      const response = await fetch(`${server!.url}/predict/pyramidbox_lite_server_mask`, { method: 'POST', body: form });
      const body = await response.json() as { status: string; results: Result[] };
      assert.equal(body.status, '000', JSON.stringify(body));
      assert.deepEqual(body.results.map((r) => r.data.map((f) => f.label)), [['MASK'], ['NO MASK']]);
    });

    test('visualization draws each face in the colour of its label: green for MASK, red for NO MASK', async () => {
      const reply = await post(`${server!.url}/predict/pyramidbox_lite_mobile_mask`, { images: [await tinted(1.3, 0.5), await tinted(0.5, 1.3)], visualization: true });
      assert.equal(reply.body.status, '000', reply.text);
      const [red, blue] = reply.body.results as Result[];
      assert.deepEqual([red!.data[0]!.label, blue!.data[0]!.label], ['MASK', 'NO MASK']);
      const onRed = await topEdgeColour(red!.image!, red!.data[0]!);
      assert.deepEqual([onRed.width, onRed.height], [512, 512]);
      const [gr, gg, gb] = onRed.rgb;
      assert.ok(gg! > 140 && gr! < 90 && gb! < 90, `expected green on the MASK box's top edge, got ${[gr, gg, gb]}`);
      const [rr, rg, rb] = (await topEdgeColour(blue!.image!, blue!.data[0]!)).rgb;
      assert.ok(rr! > 180 && rg! < 90 && rb! < 90, `expected red on the NO MASK box's top edge, got ${[rr, rg, rb]}`);
    });

    test('a corrupt image is refused with 400 naming its index; the server keeps serving', async () => {
      const url = `${server!.url}/predict/pyramidbox_lite_mobile_mask`;
      const corrupt = Buffer.concat([photo('graceHopper').subarray(0, 400), Buffer.alloc(1000, 0x33)]).toString('base64');
      const reply = await post(url, { images: [corrupt] });
      assert.equal(reply.status, 400);
      assert.match(reply.body.msg, /^images\[0\]: not an image/);
      const ok = await post(url, { images: [photoBase64('graceHopper')] });
      assert.equal((ok.body.results as Result[])[0]!.data.length, 1);
    });
  });
});
