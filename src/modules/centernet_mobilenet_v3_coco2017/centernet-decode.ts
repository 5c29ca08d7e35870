import { nms, type ScoredBox } from '../_vision/boxes.js';

// CenterNet's output to boxes, as the model's own graph does after its heads (which we do not convert):
// a detection is a local maximum of a class heatmap (3x3 neighbourhood); its box extends from the centre by
// the four distances in `wh`, in input pixels.

export interface CenternetOutput {
  /** [H, W, classes] sigmoid heatmap, row-major. */
  heatmap: Float32Array;
  /** [H, W, 4] distances left, top, right, bottom from the centre, in input pixels. */
  wh: Float32Array;
  height: number;
  width: number;
  classes: number;
  /** Input pixels per heatmap cell (4 for this model). */
  stride: number;
}

export interface DecodeOptions {
  threshold: number;
  /** The graph keeps the best 100 peaks; so do we. */
  maxDetections?: number;
  /** Same-class boxes overlapping more than this are one object (peaks can split on large objects). */
  classIou?: number;
  /** Boxes of different classes on nearly the same place: the model hesitating between classes; keep the best. */
  crossClassIou?: number;
}

export function decodeCenternet(out: CenternetOutput, options: DecodeOptions): ScoredBox[] {
  const { heatmap, wh, height: H, width: W, classes: C, stride } = out;
  const found: ScoredBox[] = [];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const base = (y * W + x) * C;
      for (let c = 0; c < C; c++) {
        const v = heatmap[base + c]!;
        if (v < options.threshold || !isPeak(heatmap, x, y, c, v, W, H, C)) continue;
        const o = (y * W + x) * 4;
        const cx = x * stride;
        const cy = y * stride;
        found.push({ left: cx - wh[o]!, top: cy - wh[o + 1]!, right: cx + wh[o + 2]!, bottom: cy + wh[o + 3]!, score: v, classId: c });
      }
    }
  }
  found.sort((a, b) => b.score - a.score);
  const top = found.slice(0, options.maxDetections ?? 100);
  const perClass = nms(top, options.classIou ?? 0.5, true);
  return nms(perClass, options.crossClassIou ?? 0.9, false);
}

/** MaxPool 3x3 with SAME padding equals the value: ties count as peaks, as in the graph's Equal. */
function isPeak(heatmap: Float32Array, x: number, y: number, c: number, v: number, W: number, H: number, C: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= H) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if (xx < 0 || xx >= W) continue;
      if (heatmap[(yy * W + xx) * C + c]! > v) return false;
    }
  }
  return true;
}
