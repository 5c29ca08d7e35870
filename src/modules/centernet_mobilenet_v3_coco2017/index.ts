import { mapImages, resizeImage, visualizeJpegBase64, type RgbImage } from '../../media/index.js';
import { installTfjsModel, installedTfjsModel } from '../../artifacts/tfjs/install.js';
import type { CallContext, InstallResult, LoadedModule, ModuleContext, ModuleDefinition } from '../types.js';
import { clipBox, type DetectedObject, type ScoredBox } from '../_vision/boxes.js';
import { checkCenternet } from './check.js';
import { COCO_LABELS } from '../_vision/coco-labels.js';
import type { DetectTask, DetectWarmup } from './detect.worker.js';
import { CENTERNET_SIZE, centernetManifest, centernetModel } from './manifest.js';
import { detectionArgsHelp, detectionInitSchema, detectionPredictSchema, type DetectionPredictArgs } from './predict-schema.js';

const WORKER = new URL('./detect.worker.js', import.meta.url).href;

export interface DetectionResult {
  data: DetectedObject[];
  /** PaddleHub's path of the visualisation file; always "" as no file is written. */
  save_path: string;
  /** With visualization: the image with the boxes drawn, base64 JPEG. */
  image?: string;
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

class CenternetModule implements LoadedModule {
  readonly manifest = centernetManifest;

  constructor(private readonly context: ModuleContext, readonly weightsFrom: string, private readonly directory: string) {}

  async predict(raw: Record<string, unknown>, call: CallContext): Promise<DetectionResult[]> {
    const args = raw as DetectionPredictArgs;
    return mapImages(args.images ?? [], this.context.pool.threads, call.signal, (image) => this.detect(image, args, call));
  }

  private async detect(image: RgbImage, args: DetectionPredictArgs, call: CallContext): Promise<DetectionResult> {
    // Stretched to the square input, as the model's own pipeline does; boxes are scaled back per axis.
    const resized = await resizeImage(image, CENTERNET_SIZE, CENTERNET_SIZE);
    // A 512x512 image comes back as itself; its pixels are still needed for visualisation, so a copy moves.
    const pixels = resized === image ? image.data.slice() : resized.data;
    call.signal.throwIfAborted();
    const task: DetectTask = { directory: this.directory, pixels, threshold: args.score_thresh };
    const boxes = await this.context.pool.run<ScoredBox[]>(WORKER, task, { signal: call.signal, transferList: [pixels.buffer as ArrayBuffer] });
    const sx = image.width / CENTERNET_SIZE;
    const sy = image.height / CENTERNET_SIZE;
    const data = boxes.map((b) => clipBox({ ...b, left: b.left * sx, right: b.right * sx, top: b.top * sy, bottom: b.bottom * sy }, image.width, image.height))
      .filter((b) => b.right > b.left && b.bottom > b.top)
      .map((b): DetectedObject => ({
        label: COCO_LABELS[b.classId] ?? String(b.classId),
        confidence: round(b.score),
        left: round(b.left), top: round(b.top), right: round(b.right), bottom: round(b.bottom),
      }));
    const result: DetectionResult = { data, save_path: '' };
    if (args.visualization) {
      result.image = await visualizeJpegBase64(image, data.map((d) => ({
        points: [[d.left, d.top], [d.right, d.top], [d.right, d.bottom], [d.left, d.bottom]],
        label: `${d.label} ${d.confidence.toFixed(2)}`,
      })));
    }
    return result;
  }
}

export const centernetMobilenetV3Coco2017: ModuleDefinition = {
  manifest: centernetManifest,
  initSchema: detectionInitSchema,
  predictSchema: detectionPredictSchema,
  describeArgs: () => detectionArgsHelp,
  installed: (initArgs) => installedTfjsModel(centernetModel, initArgs),
  install: (initArgs, progress) => installTfjsModel({ ...centernetModel, check: checkCenternet }, initArgs, progress),
  async load(context: ModuleContext, installed: InstallResult): Promise<LoadedModule> {
    // Every thread creates its session and runs it once now, so the first request does not pay for it.
    const warmup: DetectWarmup = { directory: installed.directory, warmup: true };
    await context.pool.broadcast(WORKER, warmup);
    return new CenternetModule(context, installed.source, installed.directory);
  },
};

