import { ElemType, GraphBuilder, attr, floatTensor, int32Tensor, int64Tensor, tensorValueInfo } from '../../../src/artifacts/convert/onnx-graph.js';

// Tiny ONNX models with the signatures of the real exports, built here so tests need no downloaded weights.

/** Classes the tiny classifier favours: class c's logit is GAIN x the normalised mean of channel c (R, G, B). */
export const TINY_CLASSIFIER_GAIN = 4;

/**
 * ImageNet classifier signature (the model zoo's vgg16-7: input "data" float [N,3,224,224], output [N,1000]):
 * global average pool, then a 3 -> classes matrix whose only non-zero weights send the mean of R to class 0,
 * G to class 1 and B to class 2. `softmax` adds a Softmax so the output is already probabilities; `batch`
 * fixes the batch dimension, as vgg16-7 fixes it to 1.
 */
export function tinyClassifier(options: { classes?: number; softmax?: boolean; side?: number; batch?: number } = {}): Uint8Array {
  const classes = options.classes ?? 1000;
  const batch = options.batch ?? 'N';
  const side = options.side ?? 224;
  const g = new GraphBuilder();
  g.reserve('data');
  const weights = new Float32Array(3 * classes);
  for (let c = 0; c < 3 && c < classes; c++) weights[c * classes + c] = TINY_CLASSIFIER_GAIN;
  const w = g.init(floatTensor('w', [3, classes], weights));
  const b = g.init(floatTensor('b', [classes], new Float32Array(classes)));
  const pooled = g.op('GlobalAveragePool', ['data']);
  const flat = g.op('Flatten', [pooled], { axis: attr.int(1) });
  const logits = g.op('Add', [g.op('MatMul', [flat, w]), b], {}, options.softmax ? undefined : 'scores');
  if (options.softmax) g.op('Softmax', [logits], { axis: attr.int(1) }, 'scores');
  return g.encode({
    graphName: 'tiny_classifier',
    inputs: [tensorValueInfo('data', ElemType.FLOAT, [batch, 3, side, side])],
    outputs: [tensorValueInfo('scores', ElemType.FLOAT, [batch, classes])],
  });
}

/** One candidate box of the tiny detector: edges as fractions of the original image's height and width. */
export interface TinyBox {
  /** y1, x1, y2, x2 as fractions. */
  box: [number, number, number, number];
  classIndex: number;
  /** A constant score, or 'top-left-red': the red value (0..1) of the input canvas's top-left pixel. */
  score: number | 'top-left-red';
  /** Whether non-maximum suppression "kept" it (is listed in indices). */
  kept: boolean;
}

export const TINY_BOXES: readonly TinyBox[] = [
  { box: [0.25, 0.125, 0.75, 0.5], classIndex: 16, score: 0.9, kept: true }, // dog, inside the image
  { box: [0.1, 0.1, 0.9, 0.9], classIndex: 1, score: 0.3, kept: true }, // bicycle, below the default threshold
  { box: [-0.1, 0.6, 0.5, 1.2], classIndex: 2, score: 0.8, kept: true }, // car, over the top and right edges
  { box: [0, 0, 0.5, 0.5], classIndex: 0, score: 'top-left-red', kept: true }, // person, scored by the letterbox padding
  { box: [0.2, 0.2, 0.4, 0.4], classIndex: 5, score: 0.99, kept: false }, // bus, scored high but not kept
];

/**
 * The model zoo's YOLOv3 signature (yolov3-10): inputs input_1 float [N,3,416,416] and image_shape float [N,2]
 * (height, width); outputs boxes [1,n,4] (y1,x1,y2,x2 in original pixels), scores [1,80,n], indices int32 [m,3].
 * Boxes are TINY_BOXES' fractions times image_shape, as the real graph maps its boxes back to the original
 * image; one score is read from the input, so a test sees what the letterbox put in the corner.
 */
export function tinyDetector(options: { classes?: number; boxes?: readonly TinyBox[] } = {}): Uint8Array {
  const classes = options.classes ?? 80;
  const boxes = options.boxes ?? TINY_BOXES;
  const n = boxes.length;
  const g = new GraphBuilder();
  g.reserve('input_1');
  g.reserve('image_shape');
  const fractions = g.init(floatTensor('fractions', [1, n, 4], boxes.flatMap((b) => b.box)));
  const hwhw = g.op('Concat', ['image_shape', 'image_shape'], { axis: attr.int(1) });
  const axes = g.init(int64Tensor('axes', [1], [1]));
  g.op('Mul', [g.op('Unsqueeze', [hwhw, axes]), fractions], {}, 'boxes');

  const constant = new Float32Array(classes * n);
  const mask = new Float32Array(classes * n);
  boxes.forEach((b, k) => {
    if (b.score === 'top-left-red') mask[b.classIndex * n + k] = 1;
    else constant[b.classIndex * n + k] = b.score;
  });
  const starts = g.init(int64Tensor('starts', [4], [0, 0, 0, 0]));
  const ends = g.init(int64Tensor('ends', [4], [1, 1, 1, 1]));
  const corner = g.op('Slice', ['input_1', starts, ends]);
  const shape = g.init(int64Tensor('corner_shape', [3], [1, 1, 1]));
  const red = g.op('Reshape', [corner, shape]);
  const fromInput = g.op('Mul', [red, g.init(floatTensor('mask', [1, classes, n], mask))]);
  g.op('Add', [fromInput, g.init(floatTensor('constant', [1, classes, n], constant))], {}, 'scores');

  const kept = boxes.flatMap((b, k) => (b.kept ? [0, b.classIndex, k] : []));
  const picked = g.init(int32Tensor('picked', [kept.length / 3, 3], kept));
  g.op('Identity', [picked], {}, 'indices');
  return g.encode({
    graphName: 'tiny_detector',
    inputs: [tensorValueInfo('input_1', ElemType.FLOAT, ['N', 3, 416, 416]), tensorValueInfo('image_shape', ElemType.FLOAT, ['N', 2])],
    outputs: [
      tensorValueInfo('boxes', ElemType.FLOAT, [1, n, 4]),
      tensorValueInfo('scores', ElemType.FLOAT, [1, classes, n]),
      tensorValueInfo('indices', ElemType.INT32, [kept.length / 3, 3]),
    ],
  });
}
