import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getSession, ort } from '../../backends/onnx-session.js';
import type { RgbImage } from '../../media/pixels.js';
import { charsetFromKeys } from './ctc-decode.js';
import { CLS_WIDTH, LINE_HEIGHT, REC_MIN_WIDTH } from './line-tensors.js';
import { ocrFiles } from './model-files.js';
import { recognizeImage, type OcrModels, type OcrOutcome, type OcrParams } from './ocr-pipeline.js';

// Runs in an inference thread: the whole pipeline of one image (three networks and every per-pixel loop:
// normalisation, DB post-processing, perspective crops, resizes), so the event loop only decodes and answers.

export interface OcrTask extends OcrParams {
  directory: string;
  /** The decoded image, for the crops. */
  image: RgbImage;
  /** The same image at the detector's input size. */
  detInput: RgbImage;
}

export interface OcrWarmup {
  directory: string;
  warmup: true;
}

const models = new Map<string, Promise<OcrModels>>();

function modelsOf(directory: string): Promise<OcrModels> {
  let loaded = models.get(directory);
  if (!loaded) {
    loaded = loadModels(directory);
    models.set(directory, loaded);
    loaded.catch(() => models.delete(directory));
  }
  return loaded;
}

async function loadModels(directory: string): Promise<OcrModels> {
  const [det, cls, rec] = await Promise.all([ocrFiles.det, ocrFiles.cls, ocrFiles.rec].map((f) => getSession(join(directory, f))));
  const charset = charsetFromKeys(readFileSync(join(directory, ocrFiles.keys), 'utf8'));
  const only = (out: ort.InferenceSession.OnnxValueMapType) => Object.values(out)[0] as ort.Tensor;
  return {
    charset,
    async det(input, width, height) {
      const out = only(await det!.run({ [det!.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, height, width]) }));
      return out.data as Float32Array;
    },
    async cls(input, count) {
      const out = only(await cls!.run({ [cls!.inputNames[0]!]: new ort.Tensor('float32', input, [count, 3, LINE_HEIGHT, CLS_WIDTH]) }));
      return out.data as Float32Array;
    },
    async rec(input, count, width) {
      const out = only(await rec!.run({ [rec!.inputNames[0]!]: new ort.Tensor('float32', input, [count, 3, LINE_HEIGHT, width]) }));
      return { probs: out.data as Float32Array, steps: out.dims[1]!, classes: out.dims[2]! };
    },
  };
}

/** Loads the sessions and runs each network once, checking that the keys file fits the recogniser. */
async function warmup(directory: string): Promise<void> {
  const m = await modelsOf(directory);
  await m.det(new Float32Array(3 * 32 * 32), 32, 32);
  await m.cls(new Float32Array(3 * LINE_HEIGHT * CLS_WIDTH), 1);
  const { classes } = await m.rec(new Float32Array(3 * LINE_HEIGHT * REC_MIN_WIDTH), 1, REC_MIN_WIDTH);
  if (classes !== m.charset.length) {
    throw new Error(`the recogniser has ${classes} classes but ${ocrFiles.keys} gives ${m.charset.length} (blank + ${m.charset.length - 2} keys + space): the files do not belong together`);
  }
}

export default async function ocrInfer(task: OcrTask | OcrWarmup): Promise<OcrOutcome | undefined> {
  if ('warmup' in task) {
    await warmup(task.directory);
    return undefined;
  }
  return recognizeImage(await modelsOf(task.directory), task.image, task.detInput, task);
}
