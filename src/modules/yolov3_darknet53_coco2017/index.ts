import { z } from 'zod';
import { arg } from '../contract/arguments.js';
import { defineModule } from '../contract/define-module.js';
import { inferModel } from '../contract/model-handle.js';
import type { DetectedObject } from '../_vision/boxes.js';
import { COCO_LABELS } from '../_vision/coco-labels.js';
import { objectsResult, outputDirArgument, visualizationArgument } from '../_vision/detection-io.js';
import { boxOverlay, keptImage, ONE_IMAGE_PER_CALL, unbatched, prepareImages, resizedPixels, withDrawing } from '../_vision/detection-stages.js';
import type { OnnxModelSpec } from '../_vision/model-file.js';
import { installVision, installedVision, readPrepared, type VisionModuleSpec } from '../_vision/prepared.js';
import { imageArguments, integerField, requireImages, unitField, useGpuArgument, onnxFileInit } from '../_vision/request-schema.js';
import { YOLOV3_SIGNATURE, type Yolov3Item } from './detect.infer.js';
import { letterboxPlan } from './letterbox.js';
import type { RawDetection } from './outputs.js';

// PaddleHub's yolov3_darknet53_coco2017: object_detection(paths, images, data, batch_size, use_gpu, output_dir,
// score_thresh, visualization, use_device) over HTTP. Each image is letterboxed to the model's side (the
// preprocess stage), the graph finds its boxes in the image's pixels (infer), and they are clipped and named
// (postprocess). PaddleHub draws into files by default; we never write files, so visualization is off unless
// asked and then answers with the image itself.

const NAME = 'yolov3_darknet53_coco2017';
/** Environment variable naming the ONNX file (or a folder holding it). */
const PATH_ENV = 'HUB_YOLOV3_PATH';

/** An 8x8 orange PNG: the smallest request that works (nothing in it to detect). */
const SMALL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAMAAADz0U65AAAAA1BMVEXIeDzwT3VbAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVQI12NgoA4AAABIAAH/myMhAAAAAElFTkSuQmCC';

const yolov3ModelSpec: OnnxModelSpec = {
  module: NAME,
  fileName: 'yolov3-10.onnx',
  pathEnv: PATH_ENV,
  // Sum and size from the Git LFS pointer of validated/vision/object_detection_segmentation/yolov3/model/yolov3-10.onnx in onnx/models.
  download: {
    url: 'https://github.com/onnx/models/raw/main/validated/vision/object_detection_segmentation/yolov3/model/yolov3-10.onnx',
    sha256: '1f4613c3d04416dfd2c1960b8737aa5292994238dfecbe9c1ee7147e9a92439f',
    bytes: 247_908_721,
    label: "the ONNX model zoo's yolov3-10.onnx",
    urlEnv: 'HUB_YOLOV3_URL',
  },
  wants: `an ONNX YOLOv3 COCO detector with the model zoo's signature (${YOLOV3_SIGNATURE})`,
};

const yolov3Spec: VisionModuleSpec = { model: yolov3ModelSpec, names: { kind: 'builtin', names: COCO_LABELS, from: 'COCO-2017 (built in)' } };

const clip = (value: number, max: number) => Math.max(Math.min(value, max), 0);

/** PaddleHub's result for one image (its processor.postprocess): float box edges clipped to the image, keys in its order. */
export function toDetections(raw: readonly RawDetection[], names: readonly string[], width: number, height: number): DetectedObject[] {
  return raw.filter((d) => [d.left, d.top, d.right, d.bottom].every(Number.isFinite)).map((d) => ({
    label: names[d.classIndex] ?? `class ${d.classIndex}`,
    confidence: d.score,
    left: clip(d.left, width),
    top: clip(d.top, height),
    right: clip(d.right, width),
    bottom: clip(d.bottom, height),
  }));
}

export const yolov3Darknet53Coco2017 = defineModule({
  manifest: {
    name: NAME,
    version: '1.1.1',
    // Every release answers {"images": [...]} with {"data": [{label, confidence, left, top, right, bottom}], "save_path"}.
    compatibleVersions: ['1.0.0', '1.1.0', '1.1.1'],
    task: 'object_detection',
    summary: 'YOLOv3 (DarkNet-53) object detection of the 80 COCO-2017 classes',
    weights: `${yolov3ModelSpec.download.label} (${Math.round(yolov3ModelSpec.download.bytes / 1e6)} MB, sha256-pinned download; not reachable from every machine), ` +
      `or any file named by init_args.model_path / init_args.directory / ${PATH_ENV} with ${YOLOV3_SIGNATURE}. ` +
      'Class names: COCO\'s, or init_args.label_file',
    input: '{"images": ["<base64 of a JPEG/PNG/WebP file>", ...]} (data: URIs and multipart files too), with optional score_thresh (0.5), ' +
      'visualization (false), batch_size, use_gpu, output_dir (ignored)',
    output: '{"data": [{"label": "dog", "confidence": 0.96, "left": 131.2, "top": 219.6, "right": 309.8, "bottom": 541.1}], "save_path": ""} per image, ' +
      'boxes in pixels of the image, clipped to it; with visualization: true also "image": base64 JPEG with the boxes drawn (no files are written)',
    example: { images: [SMALL_PNG] },
  },
  arguments: {
    ...imageArguments,
    score_thresh: arg(unitField(0.5), 'boxes scoring below this are left out'),
    visualization: visualizationArgument,
    batch_size: arg(integerField(1, 64, 1), 'accepted for compatibility; images run one per model call, in parallel across threads', { type: 'int 1..64' }),
    use_gpu: useGpuArgument,
    use_device: arg(z.enum(['cpu', 'gpu', 'xpu', 'npu'], { error: 'expected "cpu", "gpu", "xpu" or "npu"' }).optional(), 'accepted for compatibility; the server\'s --use_gpu decides the device'),
    output_dir: outputDirArgument,
  },
  check: requireImages,
  init: onnxFileInit('1.1.1', 'detector', 'yolov3-10.onnx'),
  result: objectsResult,
  artifacts: {
    installed: (init) => installedVision(yolov3Spec, init),
    install: (init, progress) => installVision(yolov3Spec, init, progress),
  },
  models: { detector: inferModel<typeof import('./detect.infer.js').default>(new URL('./detect.infer.js', import.meta.url), ONE_IMAGE_PER_CALL, unbatched) },
  async load({ installed, open }) {
    const prepared = await readPrepared(installed);
    // Every thread loads the session and runs it once now: a file that does not fit fails the start, not a request.
    const detector = await open('detector', { model: prepared.model, classes: prepared.names.length });
    return { names: prepared.names, side: detector.info.side };
  },
  model: 'detector',
  preprocess: (args, { side }, call) => prepareImages(args.images, call.signal, async (image) => {
    const plan = letterboxPlan(image.width, image.height, side);
    const item: Yolov3Item = {
      size: 1,
      // Bicubic, as keras-yolo3's PIL resize.
      pixels: await resizedPixels(image, plan.width, plan.height, 'cubic'),
      width: plan.width, height: plan.height, left: plan.left, top: plan.top,
      imageWidth: image.width, imageHeight: image.height, scoreThresh: args.score_thresh,
    };
    return { item, kept: keptImage(image, args.visualization) };
  }),
  postprocess: (outputs, _args, { names }, { kept }) => Promise.all(outputs.map((raw, i) => {
    const image = kept[i]!;
    const data = toDetections(raw, names, image.width, image.height);
    return withDrawing({ data, save_path: '' }, image, () => data.map((d) => boxOverlay(d, `${d.label} ${(d.confidence * 100).toFixed(1)}%`)));
  })),
});
