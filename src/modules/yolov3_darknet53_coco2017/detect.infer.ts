import type { InferenceSession } from 'onnxruntime-node';
import { ort } from '../../backends/onnx-session.js';
import { toChw } from '../../media/pixels.js';
import { mapLimit } from '../../scheduler/lanes.js';
import { defineInfer } from '../contract/define-infer.js';
import { pasteOnGrey } from '../_vision/rgb.js';
import { describeSession, fixedDim, inputsOf, type TensorInfo } from '../_vision/session-info.js';
import { INPUT_SIDE, PAD_GREY } from './letterbox.js';
import { collectDetections, identifyOutputs, type OutputTensor, type RawDetection } from './outputs.js';

// Runs in an inference thread: letterboxes the resized image onto the grey canvas, runs the detector, and
// returns the kept boxes above the threshold. The model zoo's graph answers for one image (its outputs have a
// batch of 1, and keras-yolo3 exports fail on more), so each image is a run of its own.

const NAME = 'yolov3_darknet53_coco2017';

export const YOLOV3_SIGNATURE = 'inputs input_1 float [N,3,416,416] (RGB / 255, letterboxed on grey 128) and image_shape float [N,2] ' +
  '(the original height, width); outputs boxes [1,n,4] (y1,x1,y2,x2 in original pixels), scores [1,80,n], indices [m,3] (batch, class, box)';

export interface Yolov3File {
  model: string;
  /** The number of class names, which the model must score. */
  classes: number;
}

export interface Yolov3Item {
  size: 1;
  /** The image already resized to width x height (the letterbox plan's size), RGB. */
  pixels: Uint8Array;
  width: number;
  height: number;
  /** Where it goes on the model's side x side canvas. */
  left: number;
  top: number;
  imageWidth: number;
  imageHeight: number;
  scoreThresh: number;
}

export interface Yolov3Info {
  /** The input side the model wants (416 unless it fixes another). */
  side: number;
}

interface Opened extends Yolov3Info {
  session: InferenceSession;
  /** The image input (input_1, or the one with four dimensions) and the size input (the other). */
  image: TensorInfo;
  shape: TensorInfo;
}

function misfit(session: InferenceSession, model: string, why: string): Error {
  return new Error(`${NAME}: the model ${model} does not fit (${why}): it has ${describeSession(session)}; expected ${YOLOV3_SIGNATURE}`);
}

/** The session with its two inputs told apart, and the input side. */
function inputs(session: InferenceSession, model: string): Opened {
  const all = inputsOf(session);
  if (all.length !== 2) throw misfit(session, model, `${all.length} inputs`);
  const image = all.find((i) => i.name === 'input_1') ?? all.find((i) => i.shape.length === 4) ?? all[0]!;
  const shape = all.find((i) => i !== image)!;
  if (image.type !== undefined && image.type !== 'float32') throw misfit(session, model, `its image input is ${image.type}`);
  if (shape.type !== undefined && !['float32', 'int32', 'int64'].includes(shape.type)) throw misfit(session, model, `its image_shape input is ${shape.type}`);
  const height = fixedDim(image, 2);
  const width = fixedDim(image, 3);
  if (height !== undefined && width !== undefined && height !== width) throw misfit(session, model, 'its image input is not square');
  return { session, image, shape, side: height ?? width ?? INPUT_SIDE };
}

function shapeTensor(info: TensorInfo, height: number, width: number): InstanceType<typeof ort.Tensor> {
  if (info.type === 'int32') return new ort.Tensor('int32', Int32Array.from([height, width]), [1, 2]);
  if (info.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from([BigInt(height), BigInt(width)]), [1, 2]);
  return new ort.Tensor('float32', Float32Array.from([height, width]), [1, 2]);
}

/** One image through the graph: its three outputs, or why they are not there. */
async function run(opened: Opened, model: string, input: Float32Array, height: number, width: number) {
  const { session, side } = opened;
  const feeds = {
    [opened.image.name]: new ort.Tensor('float32', input, [1, 3, side, side]),
    [opened.shape.name]: shapeTensor(opened.shape, height, width),
  };
  const outputs = identifyOutputs((await session.run(feeds)) as unknown as Record<string, OutputTensor>);
  if (typeof outputs === 'string') throw misfit(session, model, outputs);
  return outputs;
}

async function detect(opened: Opened, model: string, item: Yolov3Item): Promise<RawDetection[]> {
  const canvas = pasteOnGrey({ width: item.width, height: item.height, data: item.pixels }, opened.side, opened.side, item.left, item.top, PAD_GREY);
  const input = toChw(canvas, { order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] });
  return collectDetections(await run(opened, model, input, item.imageHeight, item.imageWidth), 0, item.scoreThresh);
}

export default defineInfer({
  async open(file: Yolov3File, tools) {
    let session: InferenceSession;
    try {
      session = await tools.session(file.model);
    } catch (error) {
      throw new Error(`${NAME}: ${file.model} is not an ONNX model onnxruntime can load: ${(error as Error).message.split('\n')[0]}`);
    }
    return inputs(session, file.model);
  },
  // One run on a grey image proves the graph works and shows its outputs and number of classes.
  async warmup(opened, file): Promise<Yolov3Info> {
    const { side } = opened;
    const outputs = await run(opened, file.model, new Float32Array(3 * side * side).fill(PAD_GREY / 255), side, side);
    const classes = outputs.scores.dims[1];
    if (classes !== file.classes) throw misfit(opened.session, file.model, `it scores ${classes} classes, but there are ${file.classes} class names`);
    return { side };
  },
  run: (items: Yolov3Item[], opened, file) => mapLimit(items, 1, (item) => detect(opened, file.model, item)),
});
