import { DEFAULT_IMAGE_LIMITS, decodeImage, readImages, resizeImage, type ImageSource, type RgbImage } from '../../media/index.js';
import { chunks, mapLimit } from '../../scheduler/lanes.js';
import { installVision, installedVision, readPrepared, type VisionModuleSpec } from '../_vision/prepared.js';
import { cropRgb } from '../_vision/rgb.js';
import type { CallContext, InstallResult, LoadedModule, ModuleContext, ModuleDefinition } from '../types.js';
import type { Vgg16ModelInfo, Vgg16Task, Vgg16Warmup } from './infer.worker.js';
import { vgg16Manifest, vgg16ModelSpec } from './manifest.js';
import { vgg16ArgsHelp, vgg16InitSchema, vgg16PredictSchema, type Vgg16PredictArgs } from './predict-schema.js';
import { resizePlan } from './preprocess.js';
import { labelled, type Scored } from './scores.js';

const WORKER = new URL('./infer.worker.js', import.meta.url).href;

export const vgg16Spec: VisionModuleSpec = { model: vgg16ModelSpec, names: { kind: 'imagenet' } };

/** The central crop the model sees, as PaddleHub makes it (resize with Lanczos, as PIL's LANCZOS). */
export async function imagenetCrop(image: RgbImage, side: number): Promise<RgbImage> {
  const plan = resizePlan(image.width, image.height, side);
  const source = plan.preCrop ? cropRgb(image, plan.preCrop.left, plan.preCrop.top, plan.preCrop.width, plan.preCrop.height) : image;
  const resized = await resizeImage(source, plan.width, plan.height, 'lanczos3');
  return cropRgb(resized, plan.left, plan.top, plan.side, plan.side);
}

class Vgg16Module implements LoadedModule {
  readonly manifest = vgg16Manifest;

  constructor(private readonly context: ModuleContext, readonly weightsFrom: string, private readonly model: string,
    private readonly names: string[], private readonly side: number, private readonly fixedBatch: number | undefined) {}

  async predict(raw: Record<string, unknown>, call: CallContext): Promise<Record<string, number>[]> {
    const args = raw as Vgg16PredictArgs;
    // Every image's header is checked before any is decoded, so a bad tenth image costs nine decodes nothing.
    const sources = await readImages(args.images ?? [], { limits: DEFAULT_IMAGE_LIMITS });
    // A model with a fixed batch size gets exactly that many images per run, whatever batch_size says.
    const size = this.fixedBatch ?? args.batch_size;
    // One batch per inference thread at a time: more would only hold decoded pixels while waiting.
    const batches = await mapLimit(chunks(sources, size), this.context.pool.threads, (batch) => this.classify(batch, args.top_k, call));
    return batches.flat().map((top) => labelled(top, this.names));
  }

  private async classify(batch: ImageSource[], k: number, call: CallContext): Promise<Scored[][]> {
    const plane = this.side * this.side * 3;
    // A fixed batch larger than the images left is filled with black crops whose answers are dropped.
    const count = Math.max(batch.length, this.fixedBatch ?? 0);
    const pixels = new Uint8Array(count * plane);
    for (const [i, source] of batch.entries()) {
      call.signal.throwIfAborted();
      const crop = await imagenetCrop(await decodeImage(source, DEFAULT_IMAGE_LIMITS), this.side);
      pixels.set(crop.data, i * plane);
    }
    const task: Vgg16Task = { model: this.model, pixels, count, side: this.side, topK: k };
    const results = await this.context.pool.run<Scored[][]>(WORKER, task, { signal: call.signal, transferList: [pixels.buffer] });
    return results.slice(0, batch.length);
  }
}

export const vgg16Imagenet: ModuleDefinition = {
  manifest: vgg16Manifest,
  initSchema: vgg16InitSchema,
  predictSchema: vgg16PredictSchema,
  describeArgs: () => vgg16ArgsHelp,
  installed: (initArgs) => installedVision(vgg16Spec, initArgs),
  install: (initArgs, progress) => installVision(vgg16Spec, initArgs, progress),
  async load(context: ModuleContext, installed: InstallResult): Promise<LoadedModule> {
    const prepared = await readPrepared(installed);
    // Every thread loads the session and runs it once now: a file that does not fit fails the start, not a request.
    const warmup: Vgg16Warmup = { model: prepared.model, classes: prepared.names.length, warmup: true };
    const [info] = await context.pool.broadcast<Vgg16ModelInfo>(WORKER, warmup);
    return new Vgg16Module(context, installed.source, prepared.model, prepared.names, info!.side, info!.batch);
  },
};
