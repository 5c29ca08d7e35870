import { mapImages, resizeImage, visualizeJpegBase64, type RgbImage } from '../../media/index.js';
import type { CallContext, InstallResult, LoadedModule, ModuleContext, ModuleDefinition } from '../types.js';
import { detInputSize } from './det-input.js';
import { installOcr, installedOcr } from './install.js';
import { ocrManifest } from './manifest.js';
import type { OcrOutcome } from './ocr-pipeline.js';
import type { OcrTask, OcrWarmup } from './ocr.worker.js';
import { ocrArgsHelp, ocrInitSchema, ocrPredictSchema, type OcrPredictArgs } from './predict-schema.js';

const WORKER = new URL('./ocr.worker.js', import.meta.url).href;

export interface OcrTextLine {
  text: string;
  confidence: number;
  /** Corners top-left, top-right, bottom-right, bottom-left, integer pixels of the image. */
  text_box_position: [number, number][];
}

export interface OcrResult {
  data: OcrTextLine[];
  /** PaddleHub's path of the visualisation file; always "" as no file is written. */
  save_path: string;
  /** With visualization: the image with the boxes drawn, base64 JPEG. */
  image?: string;
}

class OcrModule implements LoadedModule {
  readonly manifest = ocrManifest;

  constructor(private readonly context: ModuleContext, readonly weightsFrom: string, private readonly directory: string) {}

  async predict(raw: Record<string, unknown>, call: CallContext): Promise<OcrResult[]> {
    const args = raw as OcrPredictArgs;
    return mapImages(args.images ?? [], this.context.pool.threads, call.signal, (image, index) => this.recognize(image, index, args, call));
  }

  private async recognize(image: RgbImage, index: number, args: OcrPredictArgs, call: CallContext): Promise<OcrResult> {
    const size = detInputSize(image.width, image.height);
    const detInput = await resizeImage(image, size.width, size.height);
    call.signal.throwIfAborted();
    // The pixels move to the thread; visualisation needs them afterwards, so then a copy goes instead.
    const forThread = args.visualization ? { ...image, data: image.data.slice() } : image;
    const task: OcrTask = {
      directory: this.directory,
      image: forThread,
      detInput,
      boxThresh: args.box_thresh,
      textThresh: args.text_thresh,
      angleThresh: args.angle_classification_thresh,
      unclipRatio: args.det_db_unclip_ratio,
    };
    const buffers = [...new Set([forThread.data.buffer, detInput.data.buffer])] as ArrayBuffer[];
    const outcome = await this.context.pool.run<OcrOutcome>(WORKER, task, { signal: call.signal, transferList: buffers });
    this.context.log.debug({ image: index, width: image.width, height: image.height, ...outcome.timings }, 'ocr stage timings (ms)');
    const result: OcrResult = {
      data: outcome.lines.map((line) => ({ text: line.text, confidence: line.confidence, text_box_position: line.box.map(([x, y]) => [x, y]) })),
      save_path: '',
    };
    if (args.visualization) {
      result.image = await visualizeJpegBase64(image, outcome.lines.map((line) => ({ points: line.box })));
    }
    return result;
  }
}

export const chineseOcrDbCrnnMobile: ModuleDefinition = {
  manifest: ocrManifest,
  initSchema: ocrInitSchema,
  predictSchema: ocrPredictSchema,
  describeArgs: () => ocrArgsHelp,
  installed: (initArgs) => installedOcr(initArgs),
  install: (initArgs, progress) => installOcr(initArgs, progress),
  async load(context: ModuleContext, installed: InstallResult): Promise<LoadedModule> {
    // Every thread loads the three sessions and runs them once now, so the first request does not pay for it.
    const warmup: OcrWarmup = { directory: installed.directory, warmup: true };
    await context.pool.broadcast(WORKER, warmup);
    return new OcrModule(context, installed.source, installed.directory);
  },
};
