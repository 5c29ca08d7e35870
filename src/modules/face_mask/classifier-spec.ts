// The mask classifier this project expects. No face-mask weights can be had from a package, so the user
// brings an ONNX file; this is its contract, checked when it is installed.

export const CLASSIFIER_SIZE = 128;
/** Labels by output index. */
export const MASK_LABELS = ['MASK', 'NO MASK'] as const;
/** Environment variable naming the classifier: an .onnx file, or a folder holding CLASSIFIER_FILE. */
export const MASK_CLASSIFIER_ENV = 'HUB_MASK_CLASSIFIER';
export const CLASSIFIER_FILE = 'mask_classifier.onnx';

export const CLASSIFIER_CONTRACT =
  `an ONNX 2-class classifier: one float32 input [N,3,${CLASSIFIER_SIZE},${CLASSIFIER_SIZE}] (RGB planes of the face crop resized to ` +
  `${CLASSIFIER_SIZE}x${CLASSIFIER_SIZE}, each value (pixel/255 - 0.5)/0.5, i.e. -1..1) and one output [N,2] ` +
  '(index 0 = MASK, 1 = NO MASK; probabilities, or logits to which softmax is applied)';

export const CLASSIFIER_WHERE =
  `init_args.model_path (the .onnx file), init_args.directory (a folder holding ${CLASSIFIER_FILE}), ` +
  `init_args.url with init_args.sha256 (downloaded once, checked), or the ${MASK_CLASSIFIER_ENV} environment variable (file or folder)`;

/** Normalisation of the crop planes. */
export const CLASSIFIER_NORM = { order: 'rgb', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } as const;

/** Rows of [N,2] scores as probabilities: kept when they already are, else softmax. */
export function toProbabilities(scores: Float32Array, rows: number): Float32Array {
  const out = new Float32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const a = scores[2 * r]!;
    const b = scores[2 * r + 1]!;
    if (a >= 0 && b >= 0 && Math.abs(a + b - 1) < 1e-3) {
      out[2 * r] = a;
      out[2 * r + 1] = b;
    } else {
      const m = Math.max(a, b);
      const ea = Math.exp(a - m);
      const eb = Math.exp(b - m);
      out[2 * r] = ea / (ea + eb);
      out[2 * r + 1] = eb / (ea + eb);
    }
  }
  return out;
}
