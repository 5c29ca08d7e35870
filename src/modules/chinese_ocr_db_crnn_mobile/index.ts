import { join } from 'node:path';
import { z } from 'zod';
import { loadImage, mapImages, resizeImage, visualizeJpegBase64 } from '../../media/index.js';
import type { CallContext } from '../types.js';
import { arg } from '../contract/arguments.js';
import { defineModule } from '../contract/define-module.js';
import { inferModel, type ModelHandle } from '../contract/model-handle.js';
import { booleanField, imageArguments, requireImages, unitField, useGpuArgument, versionArgument } from '../_vision/request-schema.js';
import type { LineItem } from './cls.infer.js';
import type { DecodedLine } from './ctc-decode.js';
import type { Page } from './det.infer.js';
import { detInputSize } from './det-input.js';
import { installOcr, installedOcr } from './install.js';
import { recWidths } from './line-tensors.js';
import { ocrManifest } from './manifest.js';
import { ocrFiles } from './model-files.js';
import type { RecLine } from './rec.infer.js';

// PaddleHub's chinese_ocr_db_crnn_mobile: recognize_text(images, ...) over HTTP, as PaddleOCR's system runs it
// in three models: detection (an image to its text boxes and their line images), the direction classifier
// (which lines are upside down) and the recogniser (a line to its text). `predict` takes a request's images
// through them in turn; each model batches what waits for it across images and requests.

/** Images of one request decoded and detected at once: enough to keep the threads busy, few enough to bound the pixels held. */
const IMAGES_AT_ONCE = 4;

const detector = inferModel<typeof import('./det.infer.js').default>(new URL('./det.infer.js', import.meta.url),
  // Images of one detector input size (the key) are stacked into one run, at most two 960x960 pages' worth of
  // pixels: a map comes out bit for bit as it does alone. Other sizes would need padding, which moves the boxes.
  { maxBatchSize: 4, maxElements: 2 * 960 * 960, maxQueueDelayMs: 0, maxQueueSize: 20_000 });
const classifier = inferModel<typeof import('./cls.infer.js').default>(new URL('./cls.infer.js', import.meta.url),
  // Every line is 48x192: PaddleOCR runs 6 at a time; lines of other requests join in.
  { maxBatchSize: 24, maxElements: Infinity, maxQueueDelayMs: 0, maxQueueSize: 20_000 });
const recogniser = inferModel<typeof import('./rec.infer.js').default>(new URL('./rec.infer.js', import.meta.url),
  // Lines of one padded width (the key) share a run, at most 16 of the narrowest (320) and fewer of wider ones:
  // each reads bit for bit as alone, whereas padding it wider would change its confidence and at times its text.
  { maxBatchSize: 16, maxElements: 16 * 320, maxQueueDelayMs: 0, maxQueueSize: 20_000 });

const position = z.tuple([z.number().int().min(0), z.number().int().min(0)]);

/**
 * The recogniser's readings in the lines' order. The lines go to it narrowest first: a call takes each request's
 * lines in turn and only of one width, so a request's lines of one width must follow each other.
 */
async function readLines(model: ModelHandle<RecLine, DecodedLine, unknown>, lines: RecLine[], call: CallContext): Promise<DecodedLine[]> {
  const order = lines.map((_, i) => i).sort((a, b) => lines[a]!.size - lines[b]!.size || a - b);
  const read = await model.infer(order.map((i) => lines[i]!), call);
  const inOrder = new Array<DecodedLine>(lines.length);
  order.forEach((i, n) => (inOrder[i] = read[n]!));
  return inOrder;
}

export const chineseOcrDbCrnnMobile = defineModule({
  manifest: ocrManifest,
  arguments: {
    images: imageArguments.images,
    // PaddleHub reads `paths` on the server; a service must not open files its clients name.
    paths: imageArguments.paths,
    box_thresh: arg(unitField(0.5), 'minimum mean text probability inside a detected box'),
    text_thresh: arg(unitField(0.5), 'minimum recognition confidence of a line'),
    angle_classification_thresh: arg(unitField(0.9), 'a line is turned 180 degrees when the classifier says so with more than this'),
    det_db_unclip_ratio: arg(z.number({ error: 'expected a number from 0.5 to 5' })
      .min(0.5, { error: 'expected a number from 0.5 to 5' }).max(5, { error: 'expected a number from 0.5 to 5' }).default(1.5),
    'how much detected regions are grown back into boxes'),
    visualization: arg(booleanField(false), 'also return "image": base64 JPEG with the boxes drawn (nothing is written on the server)'),
    use_gpu: useGpuArgument,
    output_dir: arg(z.string({ error: 'expected a string' }).default('ocr_result'), 'accepted for compatibility and ignored: no files are written'),
  },
  check: requireImages,
  init: {
    version: versionArgument('1.1.3'),
    directory: arg(z.string({ error: 'expected the path of a folder holding the PP-OCRv4 model files' }).min(1).optional(), 'a folder holding the PP-OCRv4 model files'),
  },
  result: z.strictObject({
    data: z.array(z.strictObject({
      text: z.string(),
      confidence: z.number().min(0).max(1),
      /** Corners top-left, top-right, bottom-right, bottom-left, in pixels of the image. */
      text_box_position: z.tuple([position, position, position, position]),
    })),
    /** PaddleHub's path of the visualisation file: always "", as no file is written. */
    save_path: z.literal(''),
    /** With visualization: the image with the boxes drawn, base64 JPEG. */
    image: z.string().optional(),
  }),
  artifacts: {
    installed: (init) => installedOcr(init),
    install: (init, progress) => installOcr(init, progress),
  },
  models: { det: detector, cls: classifier, rec: recogniser },
  async load({ installed, open, log }) {
    const file = (name: string) => join(installed.directory, name);
    // Every thread loads each session and runs it once now, so the first request does not pay for it.
    return {
      det: await open('det', { model: file(ocrFiles.det) }),
      cls: await open('cls', { model: file(ocrFiles.cls) }),
      rec: await open('rec', { model: file(ocrFiles.rec), keys: file(ocrFiles.keys) }),
      log,
    };
  },
  async predict(args, { det, cls, rec, log }, call) {
    const pages = await mapImages(args.images ?? [], IMAGES_AT_ONCE, call.signal, async (image) => {
      const size = detInputSize(image.width, image.height);
      const detInput = await resizeImage(image, size.width, size.height);
      call.signal.throwIfAborted();
      // The pixels move to the thread (a visualisation decodes its image again at the end rather than hold them all).
      const page: Page = {
        size: size.width * size.height, key: `${size.width}x${size.height}`,
        width: image.width, height: image.height, pixels: image.data,
        detWidth: size.width, detHeight: size.height, detPixels: detInput.data,
        boxThresh: args.box_thresh, unclipRatio: args.det_db_unclip_ratio,
      };
      const [detected] = await det.infer([page], call);
      return { width: image.width, height: image.height, ...detected! };
    });

    // The lines of all the request's images go on together, so they share calls with each other too.
    const lines = pages.flatMap((page) => page.lines);
    let start = performance.now();
    // The classifier gets copies: the lines themselves go on to the recogniser.
    const directions = await cls.infer(lines.map((l): LineItem => ({ size: 1, width: l.width, height: l.height, pixels: l.pixels.slice() })), call);
    const clsMs = Math.round(performance.now() - start);
    start = performance.now();
    const widths = pages.flatMap((page) => recWidths(page.lines));
    const read = await readLines(rec, lines.map((l, i): RecLine => {
      const [upright, turned] = directions[i]!;
      return { size: widths[i]!, key: String(widths[i]), width: l.width, height: l.height, pixels: l.pixels, turned: turned > upright && turned > args.angle_classification_thresh };
    }), call);
    const recMs = Math.round(performance.now() - start);

    const results = [];
    let next = 0;
    for (const [index, { width, height, lines: found, ms }] of pages.entries()) {
      // The request's lines went through cls and rec together: those two times are the request's.
      log.debug({ image: index, width, height, lines: found.length, ...ms, cls: clsMs, rec: recMs }, 'ocr stage timings (ms)');
      const mine = read.slice(next, (next += found.length));
      const kept = found.flatMap((line, i) => (mine[i]!.confidence >= args.text_thresh ? [{ ...mine[i]!, box: line.box }] : []));
      results.push({
        data: kept.map((line) => ({ text: line.text, confidence: line.confidence, text_box_position: line.box.map(([x, y]) => [x, y]) })),
        save_path: '',
        ...(args.visualization ? { image: await visualizeJpegBase64(await loadImage(args.images![index], index), kept.map((line) => ({ points: line.box }))) } : {}),
      });
    }
    return results;
  },
});
