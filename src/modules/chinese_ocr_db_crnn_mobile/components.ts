import type { Point } from './geometry.js';

// Text regions of a binary map: 8-connected components, the same regions as OpenCV's outer contours.
// Each region is reduced to the leftmost and rightmost pixel of every row it covers: their convex hull is
// the region's convex hull, which is all a minimum-area rectangle needs. (Holes, which OpenCV's RETR_LIST
// also lists, are left out: their boxes hold background and fail the score threshold.)

/** Regions in scan order (top to bottom, then left to right, of their first pixel); at most `limit`. */
export function regionOutlines(bitmap: Uint8Array, width: number, height: number, limit = Infinity): Point[][] {
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const rowMin = new Int32Array(height);
  const rowMax = new Int32Array(height).fill(-1);
  const regions: Point[][] = [];
  for (let start = 0; start < bitmap.length && regions.length < limit; start++) {
    if (!bitmap[start] || seen[start]) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let firstRow = height;
    let lastRow = -1;
    while (top > 0) {
      const i = stack[--top]!;
      const y = (i / width) | 0;
      const x = i - y * width;
      if (rowMax[y] < 0) {
        rowMin[y] = x;
        rowMax[y] = x;
      } else {
        if (x < rowMin[y]) rowMin[y] = x;
        if (x > rowMax[y]) rowMax[y] = x;
      }
      if (y < firstRow) firstRow = y;
      if (y > lastRow) lastRow = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (bitmap[j] && !seen[j]) {
            seen[j] = 1;
            stack[top++] = j;
          }
        }
      }
    }
    const outline: Point[] = [];
    for (let y = firstRow; y <= lastRow; y++) {
      // Rows inside the span are all covered: a connected region has no empty row between its first and last.
      outline.push([rowMin[y]!, y]);
      if (rowMax[y]! !== rowMin[y]!) outline.push([rowMax[y]!, y]);
      rowMax[y] = -1;
    }
    regions.push(outline);
  }
  return regions;
}
