import { distance, type Point, type Quad } from './geometry.js';

// Boxes from the detector to the boxes of the result: corners in a fixed order, inside the image, big enough,
// in reading order (PaddleOCR's filter_tag_det_res and sorted_boxes).

/** Corners as top-left (smallest x+y), top-right, bottom-right (largest x+y), bottom-left. */
export function orderClockwise(box: readonly Point[]): Quad {
  const sums = box.map((p) => p[0] + p[1]);
  const first = sums.indexOf(Math.min(...sums));
  const third = sums.lastIndexOf(Math.max(...sums));
  const rest = box.filter((_, i) => i !== first && i !== third);
  if (rest.length !== 2) return [box[0]!, box[1]!, box[2]!, box[3]!];
  // Of the other two, the one with the smaller y - x is top-right.
  const [a, b] = rest as [Point, Point];
  const [topRight, bottomLeft] = a[1] - a[0] <= b[1] - b[0] ? [a, b] : [b, a];
  return [box[first]!, topRight, box[third]!, bottomLeft];
}

export function clipToImage(box: Quad, width: number, height: number): Quad {
  return box.map(([x, y]) => [Math.trunc(Math.min(Math.max(x, 0), width - 1)), Math.trunc(Math.min(Math.max(y, 0), height - 1))]) as Quad;
}

/** Ordered, clipped boxes, without those 3 pixels or less wide or high. */
export function tidyBoxes(boxes: readonly Quad[], width: number, height: number): Quad[] {
  const kept: Quad[] = [];
  for (const raw of boxes) {
    const box = clipToImage(orderClockwise(raw), width, height);
    if (Math.trunc(distance(box[0], box[1])) <= 3 || Math.trunc(distance(box[0], box[3])) <= 3) continue;
    kept.push(box);
  }
  return kept;
}

/**
 * Reading order: by the top-left corner's y, then x; boxes whose tops are within `sameLine` pixels count as
 * one line and go left to right.
 */
export function sortBoxes<T extends { box: Quad }>(items: readonly T[], sameLine = 10): T[] {
  const sorted = [...items].sort((a, b) => a.box[0][1] - b.box[0][1] || a.box[0][0] - b.box[0][0]);
  for (let i = 0; i < sorted.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const next = sorted[j + 1]!.box[0];
      const here = sorted[j]!.box[0];
      if (Math.abs(next[1] - here[1]) < sameLine && next[0] < here[0]) {
        [sorted[j], sorted[j + 1]] = [sorted[j + 1]!, sorted[j]!];
      } else {
        break;
      }
    }
  }
  return sorted;
}
