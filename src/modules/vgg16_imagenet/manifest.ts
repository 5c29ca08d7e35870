import type { OnnxModelSpec } from '../_vision/model-file.js';
import type { ModuleManifest } from '../types.js';

export const VGG16_NAME = 'vgg16_imagenet';
/** Environment variable naming the ONNX file (or a folder holding it). */
export const VGG16_PATH_ENV = 'HUB_VGG16_PATH';
/** Environment variable naming a mirror of the pinned download. */
export const VGG16_URL_ENV = 'HUB_VGG16_URL';

/** An 8x8 orange PNG: the smallest request that works. */
const SMALL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAMAAADz0U65AAAAA1BMVEXIeDzwT3VbAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVQI12NgoA4AAABIAAH/myMhAAAAAElFTkSuQmCC';

export const vgg16ModelSpec: OnnxModelSpec = {
  module: VGG16_NAME,
  fileName: 'vgg16-7.onnx',
  pathEnv: VGG16_PATH_ENV,
  // Sum and size from the Git LFS pointer of validated/vision/classification/vgg/model/vgg16-7.onnx in onnx/models.
  download: {
    url: 'https://github.com/onnx/models/raw/main/validated/vision/classification/vgg/model/vgg16-7.onnx',
    sha256: 'f20805a3ecccaa88647bbab4ad011ff2412a9838485ea844de0fcbce349820b9',
    bytes: 553_437_328,
    label: "the ONNX model zoo's vgg16-7.onnx",
    urlEnv: VGG16_URL_ENV,
  },
  wants: 'an ONNX ImageNet-1k classifier (one input, float [N,3,224,224]: RGB scaled to 0..1, normalised with mean ' +
    '0.485,0.456,0.406 and std 0.229,0.224,0.225; first output [N,1000] logits or probabilities)',
};

export const vgg16Manifest: ModuleManifest = {
  name: VGG16_NAME,
  version: '1.1.0',
  // Every release answers {"images": [...], "top_k": k} with one {label: probability} object per image.
  compatibleVersions: ['1.0.0', '1.1.0'],
  task: 'image_classification',
  summary: 'VGG16 image classification into the 1000 ImageNet-2012 classes (any ONNX ImageNet classifier of the same signature serves too)',
  weights: `${vgg16ModelSpec.download.label} (${Math.round(vgg16ModelSpec.download.bytes / 1e6)} MB, sha256-pinned download; not reachable from every machine), ` +
    `or any file named by init_args.model_path / init_args.directory / ${VGG16_PATH_ENV}: ${vgg16ModelSpec.wants}. ` +
    "Class names: Debian's darknet package (ImageNet lists), or init_args.label_file",
  input: '{"images": ["<base64 of a JPEG/PNG/WebP file>", ...]} (data: URIs and multipart files too), with optional top_k (1), batch_size (1), use_gpu',
  output: '{"Labrador retriever": 0.8342, "golden retriever": 0.1024} per image: the top_k class names with their probabilities, most probable first',
  example: { images: [SMALL_PNG], top_k: 1 },
};
