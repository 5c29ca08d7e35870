// Box arithmetic shared by the detectors: overlap, and non-maximum suppression (plain and weighted).

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface ScoredBox extends Box {
  score: number;
  classId: number;
}

export function iou(a: Box, b: Box): number {
  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a.right - a.left) * (a.bottom - a.top) + (b.right - b.left) * (b.bottom - b.top) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy NMS, best first; with `perClass`, only boxes of the same class suppress each other. */
export function nms<T extends ScoredBox>(boxes: readonly T[], threshold: number, perClass = true): T[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const box of sorted) {
    if (kept.every((k) => (perClass && k.classId !== box.classId) || iou(k, box) <= threshold)) kept.push(box);
  }
  return kept;
}

/**
 * MediaPipe's weighted NMS: each cluster of overlapping boxes becomes the score-weighted mean of its members
 * with the best member's score. Steadier than keeping the single best box for anchor-based face detectors.
 */
export function weightedNms(boxes: readonly ScoredBox[], threshold: number): ScoredBox[] {
  let remaining = [...boxes].sort((a, b) => b.score - a.score);
  const out: ScoredBox[] = [];
  while (remaining.length > 0) {
    const best = remaining[0]!;
    const cluster = remaining.filter((b) => iou(best, b) > threshold);
    remaining = remaining.filter((b) => iou(best, b) <= threshold && b !== best);
    const total = cluster.reduce((s, b) => s + b.score, 0);
    const mean = (key: keyof Box) => cluster.reduce((s, b) => s + b[key] * b.score, 0) / total;
    out.push({ left: mean('left'), top: mean('top'), right: mean('right'), bottom: mean('bottom'), score: best.score, classId: best.classId });
  }
  return out;
}

/** The box clipped to [0, width] x [0, height]. */
export function clipBox<T extends Box>(box: T, width: number, height: number): T {
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return { ...box, left: clip(box.left, width), top: clip(box.top, height), right: clip(box.right, width), bottom: clip(box.bottom, height) };
}

/** One object in PaddleHub's detection result (yolov3_darknet53_coco2017's format), edges in image pixels. */
export interface DetectedObject {
  label: string;
  confidence: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}
