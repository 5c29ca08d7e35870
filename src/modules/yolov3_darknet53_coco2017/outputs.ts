// The model zoo YOLOv3's three outputs, told apart by shape and type rather than by their generated names:
// boxes float [B,n,4] (y1,x1,y2,x2 in original pixels), scores float [B,C,n], and the boxes its
// non-maximum suppression kept, indices int [m,3] (or [1,m,3]) of (batch, class, box).

export interface OutputTensor {
  type: string;
  dims: readonly number[];
  data: ArrayLike<number | bigint>;
}

export interface YoloOutputs {
  boxes: OutputTensor;
  scores: OutputTensor;
  indices: OutputTensor;
}

/** A kept box, in pixels of the original image, before clipping. */
export interface RawDetection {
  classIndex: number;
  score: number;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

const INTEGER_TYPES = new Set(['int32', 'int64', 'uint32', 'int16', 'uint16', 'int8', 'uint8']);

/** The three outputs, or a description of what is missing. */
export function identifyOutputs(outputs: Readonly<Record<string, OutputTensor>>): YoloOutputs | string {
  const all = Object.values(outputs);
  const indices = all.filter((t) => INTEGER_TYPES.has(t.type) && t.dims[t.dims.length - 1] === 3 && (t.dims.length === 2 || t.dims.length === 3));
  const floats = all.filter((t) => t.type === 'float32' && t.dims.length === 3);
  for (const boxes of floats) {
    if (boxes.dims[2] !== 4) continue;
    const scores = floats.find((s) => s !== boxes && s.dims[0] === boxes.dims[0] && s.dims[2] === boxes.dims[1]);
    if (scores && indices.length === 1) return { boxes, scores, indices: indices[0]! };
  }
  return 'expected float boxes [B,n,4], float scores [B,classes,n] and integer indices [m,3]';
}

/** The kept boxes of one image scoring at least `scoreThresh`, in the model's order. */
export function collectDetections(outputs: YoloOutputs, batch: number, scoreThresh: number): RawDetection[] {
  const { boxes, scores, indices } = outputs;
  const n = boxes.dims[1]!;
  const classes = scores.dims[1]!;
  const batches = boxes.dims[0]!;
  const picked = indices.data;
  const found: RawDetection[] = [];
  for (let row = 0; row + 2 < picked.length; row += 3) {
    const b = Number(picked[row]);
    const c = Number(picked[row + 1]);
    const k = Number(picked[row + 2]);
    // NMS implementations may pad with -1 rows; anything out of range is no detection.
    if (b !== batch || b < 0 || b >= batches || c < 0 || c >= classes || k < 0 || k >= n) continue;
    const score = Number(scores.data[(b * classes + c) * n + k]);
    if (!(score >= scoreThresh)) continue;
    const at = (b * n + k) * 4;
    found.push({
      classIndex: c,
      score,
      top: Number(boxes.data[at]),
      left: Number(boxes.data[at + 1]),
      bottom: Number(boxes.data[at + 2]),
      right: Number(boxes.data[at + 3]),
    });
  }
  return found;
}
