import { getSession, ort } from '../../backends/onnx-session.js';
import { writeChw, type Normalization } from '../../media/pixels.js';
import { describeSession, fixedDim, inputsOf, outputsOf } from '../_vision/session-info.js';
import { VGG16_NAME } from './manifest.js';
import { CROP_SIDE } from './preprocess.js';
import { probabilities, topK, type Scored } from './scores.js';

// Runs in an inference thread: normalises the crops, runs the classifier, and reduces each row to its top k,
// so only a few numbers per image travel back.

export const IMAGENET_NORM: Normalization = { order: 'rgb', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

export interface Vgg16Task {
  model: string;
  /** `count` crops of side x side RGB pixels, one after the other. */
  pixels: Uint8Array;
  count: number;
  side: number;
  topK: number;
}

export interface Vgg16Warmup {
  model: string;
  /** The number of class names, which the model's output must match. */
  classes: number;
  warmup: true;
}

export interface Vgg16ModelInfo {
  /** The input side the model wants (224 unless it fixes another). */
  side: number;
  /** Images per run when the model fixes its batch size (the model zoo's vgg16-7 takes exactly 1). */
  batch?: number;
}

async function open(model: string) {
  try {
    return await getSession(model);
  } catch (error) {
    throw new Error(`${VGG16_NAME}: ${model} is not an ONNX model onnxruntime can load: ${(error as Error).message.split('\n')[0]}`);
  }
}

async function check(task: Vgg16Warmup): Promise<Vgg16ModelInfo> {
  const session = await open(task.model);
  const misfit = (why: string) => new Error(`${VGG16_NAME}: the model ${task.model} does not fit (${why}): it has ${describeSession(session)}; ` +
    `expected one input float [N,3,${CROP_SIDE},${CROP_SIDE}] and an output [N,${task.classes}]`);
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
  if (perImage !== task.classes) throw misfit(`its output has ${perImage} values per image, but there are ${task.classes} class names`);
  return batch === undefined ? { side } : { side, batch };
}

export default async function vgg16Infer(task: Vgg16Task | Vgg16Warmup): Promise<Scored[][] | Vgg16ModelInfo> {
  if ('warmup' in task) return check(task);
  const session = await open(task.model);
  const plane = task.side * task.side;
  const input = new Float32Array(task.count * 3 * plane);
  for (let i = 0; i < task.count; i++) {
    const crop = { width: task.side, height: task.side, data: task.pixels.subarray(i * 3 * plane, (i + 1) * 3 * plane) };
    writeChw(crop, input, IMAGENET_NORM, task.side, task.side, i * 3 * plane);
  }
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', input, [task.count, 3, task.side, task.side]) };
  const output = (await session.run(feeds))[session.outputNames[0]!]!;
  const scores = output.data as Float32Array;
  const classes = scores.length / task.count;
  const results: Scored[][] = [];
  for (let i = 0; i < task.count; i++) {
    results.push(topK(probabilities(scores.subarray(i * classes, (i + 1) * classes)), task.topK));
  }
  return results;
}
