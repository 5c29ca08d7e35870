import type { OnnxModelSpec } from '../_vision/model-file.js';
import type { ModuleManifest } from '../types.js';

export const YOLOV3_NAME = 'yolov3_darknet53_coco2017';
/** Environment variable naming the ONNX file (or a folder holding it). */
export const YOLOV3_PATH_ENV = 'HUB_YOLOV3_PATH';
/** Environment variable naming a mirror of the pinned download. */
export const YOLOV3_URL_ENV = 'HUB_YOLOV3_URL';

/** An 8x8 orange PNG: the smallest request that works (nothing in it to detect). */
const SMALL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAMAAADz0U65AAAAA1BMVEXIeDzwT3VbAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVQI12NgoA4AAABIAAH/myMhAAAAAElFTkSuQmCC';

export const YOLOV3_SIGNATURE = 'inputs input_1 float [N,3,416,416] (RGB / 255, letterboxed on grey 128) and image_shape float [N,2] ' +
  '(the original height, width); outputs boxes [1,n,4] (y1,x1,y2,x2 in original pixels), scores [1,80,n], indices [m,3] (batch, class, box)';

export const yolov3ModelSpec: OnnxModelSpec = {
  module: YOLOV3_NAME,
  fileName: 'yolov3-10.onnx',
  pathEnv: YOLOV3_PATH_ENV,
  // Sum and size from the Git LFS pointer of validated/vision/object_detection_segmentation/yolov3/model/yolov3-10.onnx in onnx/models.
  download: {
    url: 'https://github.com/onnx/models/raw/main/validated/vision/object_detection_segmentation/yolov3/model/yolov3-10.onnx',
    sha256: '1f4613c3d04416dfd2c1960b8737aa5292994238dfecbe9c1ee7147e9a92439f',
    bytes: 247_908_721,
    label: "the ONNX model zoo's yolov3-10.onnx",
    urlEnv: YOLOV3_URL_ENV,
  },
  wants: `an ONNX YOLOv3 COCO detector with the model zoo's signature (${YOLOV3_SIGNATURE})`,
};

export const yolov3Manifest: ModuleManifest = {
  name: YOLOV3_NAME,
  version: '1.1.1',
  // Every release answers {"images": [...]} with {"data": [{label, confidence, left, top, right, bottom}], "save_path"}.
  compatibleVersions: ['1.0.0', '1.1.0', '1.1.1'],
  task: 'object_detection',
  summary: 'YOLOv3 (DarkNet-53) object detection of the 80 COCO-2017 classes',
  weights: `${yolov3ModelSpec.download.label} (${Math.round(yolov3ModelSpec.download.bytes / 1e6)} MB, sha256-pinned download; not reachable from every machine), ` +
    `or any file named by init_args.model_path / init_args.directory / ${YOLOV3_PATH_ENV} with ${YOLOV3_SIGNATURE}. ` +
    'Class names: COCO\'s, or init_args.label_file',
  input: '{"images": ["<base64 of a JPEG/PNG/WebP file>", ...]} (data: URIs and multipart files too), with optional score_thresh (0.5), ' +
    'visualization (false), batch_size, use_gpu, output_dir (ignored)',
  output: '{"data": [{"label": "dog", "confidence": 0.96, "left": 131.2, "top": 219.6, "right": 309.8, "bottom": 541.1}], "save_path": ""} per image, ' +
    'boxes in pixels of the image, clipped to it; with visualization: true also "image": base64 JPEG with the boxes drawn (no files are written)',
  example: { images: [SMALL_PNG] },
};
