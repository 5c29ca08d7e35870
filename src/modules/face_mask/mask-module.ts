import { missingClassifierMessage } from './classifier-source.js';
import { z } from 'zod';
import { mapImages, visualizeJpegBase64, type RgbImage } from '../../media/index.js';
import type { CallContext, InstallResult, LoadedModule, ModuleContext, ModuleDefinition, ModuleManifest } from '../types.js';
import { prepareFaceInput } from '../blazeface_mediapipe/face-input.js';
import { faceOverlays, round4 } from '../blazeface_mediapipe/index.js';
import { faceArgsHelp, facePredictSchema, type FacePredictArgs } from '../blazeface_mediapipe/predict-schema.js';
import { MASK_LABELS } from './classifier-spec.js';
import { installMask, installedMask } from './mask-install.js';
import type { MaskFace, MaskTask, MaskWarmup } from './mask.worker.js';

// pyramidbox_lite_server_mask and pyramidbox_lite_mobile_mask: faces, each labelled MASK or NO MASK.

const WORKER = new URL('./mask.worker.js', import.meta.url).href;

export interface MaskedFace {
  label: (typeof MASK_LABELS)[number];
  confidence: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface MaskResult {
  data: MaskedFace[];
  /** PaddleHub's path of the input or visualisation file; always "" as no file is read or written. */
  path: string;
  /** With visualization: the image with the boxes drawn, base64 JPEG. */
  image?: string;
}

export const maskInitSchema = z.strictObject({
  version: z.union([z.string(), z.number()], { error: 'expected a version like "1.3.2"' }).optional(),
  model_path: z.string({ error: 'expected the path of the mask classifier (.onnx)' }).min(1).optional(),
  directory: z.string({ error: 'expected the path of a folder holding mask_classifier.onnx' }).min(1).optional(),
  url: z.url({ error: 'expected an http(s) URL of the mask classifier (.onnx)' }).optional(),
  sha256: z.string({ error: 'expected the sha256 of the file at init_args.url (64 hex digits)' }).regex(/^[0-9a-fA-F]{64}$/, { error: 'expected 64 hex digits' }).optional(),
});

class MaskModule implements LoadedModule {
  constructor(readonly manifest: ModuleManifest, private readonly context: ModuleContext, readonly weightsFrom: string, private readonly directory: string) {}

  async predict(raw: Record<string, unknown>, call: CallContext): Promise<MaskResult[]> {
    const args = raw as FacePredictArgs;
    return mapImages(args.images ?? [], this.context.pool.threads, call.signal, (image) => this.detect(image, args, call));
  }

  private async detect(image: RgbImage, args: FacePredictArgs, call: CallContext): Promise<MaskResult> {
    const prepared = await prepareFaceInput(image);
    call.signal.throwIfAborted();
    // The pixels move to the thread; visualisation needs them afterwards, so then a copy goes instead.
    const forThread = args.visualization ? { ...image, data: image.data.slice() } : image;
    const task: MaskTask = { directory: this.directory, image: forThread, input: prepared.input, threshold: args.confs_threshold };
    const transfer = [...new Set([forThread.data.buffer, prepared.input.pixels.buffer])] as ArrayBuffer[];
    const faces = await this.context.pool.run<MaskFace[]>(WORKER, task, { signal: call.signal, transferList: transfer });
    const data = faces.map((f): MaskedFace => {
      const k = f.probs[0] >= f.probs[1] ? 0 : 1;
      return { label: MASK_LABELS[k], confidence: round4(f.probs[k]), top: f.top, bottom: f.bottom, left: f.left, right: f.right };
    });
    const result: MaskResult = { data, path: '' };
    if (args.visualization) {
      result.image = await visualizeJpegBase64(image, faceOverlays(data.map((d) => ({ ...d, label: `${d.label} ${d.confidence.toFixed(2)}` }))).map((o, i) => ({
        ...o, color: data[i]!.label === 'MASK' ? '#00c000' : '#ff0000',
      })));
    }
    return result;
  }
}

export function maskModule(manifest: ModuleManifest): ModuleDefinition {
  return {
    manifest,
    initSchema: maskInitSchema,
    predictSchema: facePredictSchema,
    describeArgs: () => faceArgsHelp,
    installed: (initArgs) => installedMask(manifest.name, initArgs),
    missingWeights: () => missingClassifierMessage(manifest.name),
    install: (initArgs, progress) => installMask(manifest.name, initArgs, progress),
    async load(context: ModuleContext, installed: InstallResult): Promise<LoadedModule> {
      const warmup: MaskWarmup = { directory: installed.directory, warmup: true };
      await context.pool.broadcast(WORKER, warmup);
      return new MaskModule(manifest, context, installed.source, installed.directory);
    },
  };
}
