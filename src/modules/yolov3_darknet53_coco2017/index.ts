import { mapImages, resizeImage, visualizeJpegBase64, type RgbImage } from '../../media/index.js';
import { installVision, installedVision, readPrepared, type VisionModuleSpec } from '../_vision/prepared.js';
import type { CallContext, InstallResult, LoadedModule, ModuleContext, ModuleDefinition } from '../types.js';
import { COCO_LABELS } from '../_vision/coco-labels.js';
import type { Yolov3ModelInfo, Yolov3Task, Yolov3Warmup } from './infer.worker.js';
import { letterboxPlan } from './letterbox.js';
import { yolov3Manifest, yolov3ModelSpec } from './manifest.js';
import type { RawDetection } from './outputs.js';
import { yolov3ArgsHelp, yolov3InitSchema, yolov3PredictSchema, type Yolov3PredictArgs } from './predict-schema.js';
import { toDetections, type Yolov3Result } from './result.js';

const WORKER = new URL('./infer.worker.js', import.meta.url).href;

export const yolov3Spec: VisionModuleSpec = { model: yolov3ModelSpec, names: { kind: 'builtin', names: COCO_LABELS, from: 'COCO-2017 (built in)' } };

class Yolov3Module implements LoadedModule {
  readonly manifest = yolov3Manifest;

  constructor(private readonly context: ModuleContext, readonly weightsFrom: string, private readonly model: string,
    private readonly names: string[], private readonly side: number) {}

  async predict(raw: Record<string, unknown>, call: CallContext): Promise<Yolov3Result[]> {
    const args = raw as Yolov3PredictArgs;
    return mapImages(args.images ?? [], this.context.pool.threads, call.signal, (image) => this.detect(image, args, call));
  }

  private async detect(image: RgbImage, args: Yolov3PredictArgs, call: CallContext): Promise<Yolov3Result> {
    const plan = letterboxPlan(image.width, image.height, this.side);
    // Bicubic, as keras-yolo3's PIL resize.
    const resized = await resizeImage(image, plan.width, plan.height, 'cubic');
    // resizeImage hands back the same pixels when no resize was needed; the thread must then get a copy.
    const pixels = resized === image ? image.data.slice() : resized.data;
    const task: Yolov3Task = {
      model: this.model, pixels, width: plan.width, height: plan.height, left: plan.left, top: plan.top, side: plan.side,
      imageWidth: image.width, imageHeight: image.height, scoreThresh: args.score_thresh,
    };
    const raw = await this.context.pool.run<RawDetection[]>(WORKER, task, { signal: call.signal, transferList: [pixels.buffer as ArrayBuffer] });
    const result: Yolov3Result = { data: toDetections(raw, this.names, image.width, image.height), save_path: '' };
    if (args.visualization) {
      result.image = await visualizeJpegBase64(image, result.data.map((d) => ({
        points: [[d.left, d.top], [d.right, d.top], [d.right, d.bottom], [d.left, d.bottom]] as [number, number][],
        label: `${d.label} ${(d.confidence * 100).toFixed(1)}%`,
      })));
    }
    return result;
  }
}

export const yolov3Darknet53Coco2017: ModuleDefinition = {
  manifest: yolov3Manifest,
  initSchema: yolov3InitSchema,
  predictSchema: yolov3PredictSchema,
  describeArgs: () => yolov3ArgsHelp,
  installed: (initArgs) => installedVision(yolov3Spec, initArgs),
  install: (initArgs, progress) => installVision(yolov3Spec, initArgs, progress),
  async load(context: ModuleContext, installed: InstallResult): Promise<LoadedModule> {
    const prepared = await readPrepared(installed);
    // Every thread loads the session and runs it once now: a file that does not fit fails the start, not a request.
    const warmup: Yolov3Warmup = { model: prepared.model, classes: prepared.names.length, warmup: true };
    const [info] = await context.pool.broadcast<Yolov3ModelInfo>(WORKER, warmup);
    return new Yolov3Module(context, installed.source, prepared.model, prepared.names, info!.side);
  },
};
