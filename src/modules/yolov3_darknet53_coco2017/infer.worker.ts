import type { InferenceSession } from 'onnxruntime-node';
import { getSession, ort } from '../../backends/onnx-session.js';
import { toChw } from '../../media/pixels.js';
import { pasteOnGrey } from '../_vision/rgb.js';
import { describeSession, fixedDim, inputsOf, type TensorInfo } from '../_vision/session-info.js';
import { INPUT_SIDE, PAD_GREY } from './letterbox.js';
import { YOLOV3_NAME, YOLOV3_SIGNATURE } from './manifest.js';
import { collectDetections, identifyOutputs, type OutputTensor, type RawDetection } from './outputs.js';

// Runs in an inference thread: letterboxes the resized image onto the grey canvas, runs the detector, and
// returns the kept boxes above the threshold.

export interface Yolov3Task {
  model: string;
  /** The image already resized to width x height (the letterbox plan's size), RGB. */
  pixels: Uint8Array;
  width: number;
  height: number;
  /** Where it goes on the side x side canvas. */
  left: number;
  top: number;
  side: number;
  imageWidth: number;
  imageHeight: number;
  scoreThresh: number;
}

export interface Yolov3Warmup {
  model: string;
  classes: number;
  warmup: true;
}

export interface Yolov3ModelInfo {
  side: number;
}

interface Inputs {
  image: TensorInfo;
  shape: TensorInfo;
}

async function open(model: string): Promise<InferenceSession> {
  try {
    return await getSession(model);
  } catch (error) {
    throw new Error(`${YOLOV3_NAME}: ${model} is not an ONNX model onnxruntime can load: ${(error as Error).message.split('\n')[0]}`);
  }
}

function misfit(session: InferenceSession, model: string, why: string): Error {
  return new Error(`${YOLOV3_NAME}: the model ${model} does not fit (${why}): it has ${describeSession(session)}; expected ${YOLOV3_SIGNATURE}`);
}

/** The image input (input_1, or the one with four dimensions) and the size input (the other). */
function inputs(session: InferenceSession, model: string): Inputs {
  const all = inputsOf(session);
  if (all.length !== 2) throw misfit(session, model, `${all.length} inputs`);
  const image = all.find((i) => i.name === 'input_1') ?? all.find((i) => i.shape.length === 4) ?? all[0]!;
  const shape = all.find((i) => i !== image)!;
  if (image.type !== undefined && image.type !== 'float32') throw misfit(session, model, `its image input is ${image.type}`);
  if (shape.type !== undefined && !['float32', 'int32', 'int64'].includes(shape.type)) throw misfit(session, model, `its image_shape input is ${shape.type}`);
  return { image, shape };
}

function shapeTensor(info: TensorInfo, height: number, width: number): InstanceType<typeof ort.Tensor> {
  if (info.type === 'int32') return new ort.Tensor('int32', Int32Array.from([height, width]), [1, 2]);
  if (info.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from([BigInt(height), BigInt(width)]), [1, 2]);
  return new ort.Tensor('float32', Float32Array.from([height, width]), [1, 2]);
}

async function run(session: InferenceSession, io: Inputs, input: Float32Array, side: number, height: number, width: number) {
  const feeds = {
    [io.image.name]: new ort.Tensor('float32', input, [1, 3, side, side]),
    [io.shape.name]: shapeTensor(io.shape, height, width),
  };
  return (await session.run(feeds)) as unknown as Record<string, OutputTensor>;
}

async function check(task: Yolov3Warmup): Promise<Yolov3ModelInfo> {
  const session = await open(task.model);
  const io = inputs(session, task.model);
  const height = fixedDim(io.image, 2);
  const width = fixedDim(io.image, 3);
  if (height !== undefined && width !== undefined && height !== width) throw misfit(session, task.model, 'its image input is not square');
  const side = height ?? width ?? INPUT_SIDE;
  // One run on a grey image proves the graph works and shows its outputs and number of classes.
  const grey = new Float32Array(3 * side * side).fill(PAD_GREY / 255);
  const outputs = identifyOutputs(await run(session, io, grey, side, side, side));
  if (typeof outputs === 'string') throw misfit(session, task.model, outputs);
  const classes = outputs.scores.dims[1];
  if (classes !== task.classes) throw misfit(session, task.model, `it scores ${classes} classes, but there are ${task.classes} class names`);
  return { side };
}

export default async function yolov3Infer(task: Yolov3Task | Yolov3Warmup): Promise<RawDetection[] | Yolov3ModelInfo> {
  if ('warmup' in task) return check(task);
  const session = await open(task.model);
  const io = inputs(session, task.model);
  const canvas = pasteOnGrey({ width: task.width, height: task.height, data: task.pixels }, task.side, task.side, task.left, task.top, PAD_GREY);
  const input = toChw(canvas, { order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] });
  const outputs = identifyOutputs(await run(session, io, input, task.side, task.imageHeight, task.imageWidth));
  if (typeof outputs === 'string') throw misfit(session, task.model, outputs);
  return collectDetections(outputs, 0, task.scoreThresh);
}
