import { z } from 'zod';
import { DEFAULT_IMAGE_LIMITS, decodeImage, readImages } from '../../media/index.js';
import { arg } from '../contract/arguments.js';
import { defineModule } from '../contract/define-module.js';
import { inferModel } from '../contract/model-handle.js';
import type { OnnxModelSpec } from '../_vision/model-file.js';
import { imagenetCrop } from '../_vision/imagenet-crop.js';
import { installVision, installedVision, readPrepared, type VisionModuleSpec } from '../_vision/prepared.js';
import { imageArguments, integerField, requireImages, useGpuArgument, onnxFileInit } from '../_vision/request-schema.js';
import { labelled } from '../_vision/scores.js';
import type { Crop } from './classify.infer.js';

// PaddleHub's vgg16_imagenet: classification(images, top_k, batch_size) over HTTP. Each image becomes one
// central crop (the preprocess stage); crops of concurrent requests share classifier runs (the infer stage);
// each crop's top k scores get their class names (the postprocess stage).

const NAME = 'vgg16_imagenet';

/** An 8x8 orange PNG: the smallest request that works. */
const SMALL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAMAAADz0U65AAAAA1BMVEXIeDzwT3VbAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVQI12NgoA4AAABIAAH/myMhAAAAAElFTkSuQmCC';

export const vgg16ModelSpec: OnnxModelSpec = {
  module: NAME,
  fileName: 'vgg16-7.onnx',
  pathEnv: 'HUB_VGG16_PATH',
  // Sum and size from the Git LFS pointer of validated/vision/classification/vgg/model/vgg16-7.onnx in onnx/models.
  download: {
    url: 'https://github.com/onnx/models/raw/main/validated/vision/classification/vgg/model/vgg16-7.onnx',
    sha256: 'f20805a3ecccaa88647bbab4ad011ff2412a9838485ea844de0fcbce349820b9',
    bytes: 553_437_328,
    label: "the ONNX model zoo's vgg16-7.onnx",
    urlEnv: 'HUB_VGG16_URL',
  },
  wants: 'an ONNX ImageNet-1k classifier (one input, float [N,3,224,224]: RGB scaled to 0..1, normalised with mean ' +
    '0.485,0.456,0.406 and std 0.229,0.224,0.225; first output [N,1000] logits or probabilities)',
};

export const vgg16Spec: VisionModuleSpec = { model: vgg16ModelSpec, names: { kind: 'imagenet' } };

const classifier = inferModel<typeof import('./classify.infer.js').default>(new URL('./classify.infer.js', import.meta.url),
  // Crops of concurrent requests share a run; a model that fixes its batch size runs that many at a time.
  { maxBatchSize: 8, maxElements: Infinity, maxQueueDelayMs: 0, maxQueueSize: 256 });

export const vgg16Imagenet = defineModule({
  manifest: {
    name: NAME,
    version: '1.1.0',
    // Every release answers {"images": [...], "top_k": k} with one {label: probability} object per image.
    compatibleVersions: ['1.0.0', '1.1.0'],
    task: 'image_classification',
    summary: 'VGG16 image classification into the 1000 ImageNet-2012 classes (any ONNX ImageNet classifier of the same signature serves too)',
    weights: `${vgg16ModelSpec.download.label} (${Math.round(vgg16ModelSpec.download.bytes / 1e6)} MB, sha256-pinned download; not reachable from every machine), ` +
      `or any file named by init_args.model_path / init_args.directory / ${vgg16ModelSpec.pathEnv}: ${vgg16ModelSpec.wants}. ` +
      "Class names: Debian's darknet package (ImageNet lists), or init_args.label_file",
    input: '{"images": ["<base64 of a JPEG/PNG/WebP file>", ...]} (data: URIs and multipart files too), with optional top_k (1), batch_size (1), use_gpu',
    output: '{"Labrador retriever": 0.8342, "golden retriever": 0.1024} per image: the top_k class names with their probabilities, most probable first',
    example: { images: [SMALL_PNG], top_k: 1 },
  },
  arguments: {
    ...imageArguments,
    top_k: arg(integerField(1, 1000, 1), 'how many classes to return per image, most probable first', { type: 'int 1..1000' }),
    batch_size: arg(integerField(1, 64, 1), 'accepted for compatibility: calls are formed by the scheduler, across requests', { type: 'int 1..64' }),
    use_gpu: useGpuArgument,
  },
  check: requireImages,
  init: onnxFileInit('1.1.0', 'classifier', 'vgg16-7.onnx'),
  result: z.record(z.string(), z.number().min(0).max(1)),
  artifacts: {
    installed: (init) => installedVision(vgg16Spec, init),
    install: (init, progress) => installVision(vgg16Spec, init, progress),
  },
  models: { classifier },
  async load({ installed, open }) {
    const prepared = await readPrepared(installed);
    // Every thread loads the session and runs it once now: a file that does not fit fails the start, not a request.
    const model = await open('classifier', { model: prepared.model, classes: prepared.names.length });
    return { names: prepared.names, side: model.info.side };
  },
  model: 'classifier',
  async preprocess(args, { side }, call): Promise<Crop[]> {
    // Every image's header is checked before any is decoded, so a bad tenth image costs nine decodes nothing.
    const sources = await readImages(args.images ?? [], { limits: DEFAULT_IMAGE_LIMITS });
    const crops: Crop[] = [];
    for (const source of sources) {
      call.signal.throwIfAborted();
      const crop = await imagenetCrop(await decodeImage(source, DEFAULT_IMAGE_LIMITS), side);
      crops.push({ size: 1, pixels: crop.data, topK: args.top_k });
    }
    return crops;
  },
  postprocess: (outputs, _args, { names }) => outputs.map((top) => labelled(top, names)),
});
