import { mapImages, visualizeJpegBase64, type Overlay, type RgbImage } from '../../media/index.js';
import { installTfjsModel, installedTfjsModel } from '../../artifacts/tfjs/install.js';
import type { CallContext, InstallResult, LoadedModule, ModuleContext, ModuleDefinition } from '../types.js';
import type { ScoredBox } from '../_vision/boxes.js';
import { checkBlazeface } from './check.js';
import { prepareFaceInput, toImageBox } from './face-input.js';
import type { FaceTask, FaceWarmup } from './face.worker.js';
import { blazefaceManifest, blazefaceModel } from './manifest.js';
import { faceArgsHelp, faceInitSchema, facePredictSchema, type FacePredictArgs } from './predict-schema.js';

const WORKER = new URL('./face.worker.js', import.meta.url).href;

export interface DetectedFace {
  confidence: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface FaceResult {
  data: DetectedFace[];
  /** PaddleHub's path of the input or visualisation file; always "" as no file is read or written. */
  path: string;
  /** With visualization: the image with the boxes drawn, base64 JPEG. */
  image?: string;
}

export const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

export function faceOverlays(items: readonly { left: number; top: number; right: number; bottom: number; label?: string }[]): Overlay[] {
  return items.map((d) => ({ points: [[d.left, d.top], [d.right, d.top], [d.right, d.bottom], [d.left, d.bottom]], label: d.label }));
}

class BlazefaceModule implements LoadedModule {
  readonly manifest = blazefaceManifest;

  constructor(private readonly context: ModuleContext, readonly weightsFrom: string, private readonly directory: string) {}

  async predict(raw: Record<string, unknown>, call: CallContext): Promise<FaceResult[]> {
    const args = raw as FacePredictArgs;
    return mapImages(args.images ?? [], this.context.pool.threads, call.signal, (image) => this.detect(image, args, call));
  }

  private async detect(image: RgbImage, args: FacePredictArgs, call: CallContext): Promise<FaceResult> {
    const prepared = await prepareFaceInput(image);
    call.signal.throwIfAborted();
    const task: FaceTask = { directory: this.directory, input: prepared.input, threshold: args.confs_threshold };
    const boxes = await this.context.pool.run<ScoredBox[]>(WORKER, task, { signal: call.signal, transferList: [prepared.input.pixels.buffer as ArrayBuffer] });
    const data = boxes.map((b) => ({ score: b.score, box: toImageBox(b, prepared, image) }))
      .filter(({ box }) => box.right > box.left && box.bottom > box.top)
      .map(({ score, box }): DetectedFace => ({ confidence: round4(score), top: box.top, bottom: box.bottom, left: box.left, right: box.right }));
    const result: FaceResult = { data, path: '' };
    if (args.visualization) result.image = await visualizeJpegBase64(image, faceOverlays(data.map((d) => ({ ...d, label: d.confidence.toFixed(2) }))));
    return result;
  }
}

export const blazefaceMediapipe: ModuleDefinition = {
  manifest: blazefaceManifest,
  initSchema: faceInitSchema,
  predictSchema: facePredictSchema,
  describeArgs: () => faceArgsHelp,
  installed: (initArgs) => installedTfjsModel(blazefaceModel, initArgs),
  install: (initArgs, progress) => installTfjsModel({ ...blazefaceModel, check: checkBlazeface }, initArgs, progress),
  async load(context: ModuleContext, installed: InstallResult): Promise<LoadedModule> {
    const warmup: FaceWarmup = { directory: installed.directory, warmup: true };
    await context.pool.broadcast(WORKER, warmup);
    return new BlazefaceModule(context, installed.source, installed.directory);
  },
};
