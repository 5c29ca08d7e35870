import { ort } from '../../backends/onnx-session.js';
import { writeChw, type Normalization } from '../../media/pixels.js';
import { defineInfer } from '../contract/define-infer.js';
import { CROP_SIDE } from '../_vision/imagenet-crop.js';
import { probabilities, topK, type Scored } from '../_vision/scores.js';
import { describeSession, fixedDim, inputsOf, outputsOf } from '../_vision/session-info.js';

// Runs in an inference thread: normalises the crops of a batch (from any number of requests), runs the
// classifier, and reduces each row to its top k, so only a few numbers per image travel back.

export const IMAGENET_NORM: Normalization = { order: 'rgb', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

export interface ClassifierFile {
  model: string;
  /** The number of class names, which the model's output must match. */
  classes: number;
}

export interface Crop {
  size: 1;
  /** side x side RGB pixels. */
  pixels: Uint8Array;
  topK: number;
}

export interface ClassifierInfo {
  /** The input side the model wants (224 unless it fixes another). */
  side: number;
  /** Images per run when the model fixes its batch size (the model zoo's vgg16-7 takes exactly 1). */
  batch?: number;
}

type Opened = { session: ort.InferenceSession; info: ClassifierInfo };

/** Opens the model and checks it fits: one float input [N,3,S,S], one output per class. */
async function open(file: ClassifierFile, session: ort.InferenceSession): Promise<Opened> {
  const misfit = (why: string) => new Error(`vgg16_imagenet: the model ${file.model} does not fit (${why}): it has ${describeSession(session)}; ` +
    `expected one input float [N,3,${CROP_SIDE},${CROP_SIDE}] and an output [N,${file.classes}]`);
  const inputs = inputsOf(session);
  if (inputs.length !== 1) throw misfit(`${inputs.length} inputs`);
  const input = inputs[0]!;
  if (input.type !== undefined && input.type !== 'float32') throw misfit(`its input is ${input.type}`);
  if (input.shape.length !== 0 && input.shape.length !== 4) throw misfit(`its input has ${input.shape.length} dimensions`);
  const channels = fixedDim(input, 1);
  if (channels !== undefined && channels !== 3) throw misfit(`its input has ${channels} channels`);
  const height = fixedDim(input, 2);
  const width = fixedDim(input, 3);
  if (height !== undefined && width !== undefined && height !== width) throw misfit('its input is not square');
  const side = height ?? width ?? CROP_SIDE;
  const batch = fixedDim(input, 0);
  if (outputsOf(session).length === 0) throw misfit('no output');
  // One run on black images proves the graph works and tells the real number of classes.
  const images = batch ?? 1;
  const zeros = new ort.Tensor('float32', new Float32Array(images * 3 * side * side), [images, 3, side, side]);
  const output = (await session.run({ [input.name]: zeros }))[session.outputNames[0]!]!;
  if (output.type !== 'float32') throw misfit(`its output is ${output.type}`);
  const perImage = output.data.length / images;
  if (perImage !== file.classes) throw misfit(`its output has ${perImage} values per image, but there are ${file.classes} class names`);
  return { session, info: batch === undefined ? { side } : { side, batch } };
}

/** One model run over `count` crops (a fixed-batch model gets black crops to fill it; their answers are dropped). */
async function classify({ session, info }: Opened, crops: Crop[]): Promise<Scored[][]> {
  const { side } = info;
  const count = Math.max(crops.length, info.batch ?? 0);
  const plane = 3 * side * side;
  const input = new Float32Array(count * plane);
  crops.forEach((crop, i) => writeChw({ width: side, height: side, data: crop.pixels }, input, IMAGENET_NORM, side, side, i * plane));
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', input, [count, 3, side, side]) };
  const scores = (await session.run(feeds))[session.outputNames[0]!]!.data as Float32Array;
  const classes = scores.length / count;
  return crops.map((crop, i) => topK(probabilities(scores.subarray(i * classes, (i + 1) * classes)), crop.topK));
}

export default defineInfer({
  async open(file: ClassifierFile, tools) {
    let session: ort.InferenceSession;
    try {
      session = await tools.session(file.model);
    } catch (error) {
      throw new Error(`vgg16_imagenet: ${file.model} is not an ONNX model onnxruntime can load: ${(error as Error).message.split('\n')[0]}`);
    }
    return open(file, session);
  },
  warmup: async (opened: Opened) => opened.info,
  async run(crops: Crop[], opened: Opened) {
    // A model that fixes its batch size runs that many crops at a time.
    const per = opened.info.batch ?? crops.length;
    const out: Scored[][] = [];
    for (let start = 0; start < crops.length; start += per) out.push(...(await classify(opened, crops.slice(start, start + per))));
    return out;
  },
});
