import ClipperLib from 'clipper-lib';
import { polygonArea, polygonPerimeter, type Point } from './geometry.js';

// DB's "unclip": the detector is trained on text regions shrunk by the Vatti offset distance
// D = area * (1 - r^2) / perimeter; at inference the found region is grown back by D' = area * ratio / perimeter
// with the same rounded-corner offset (Clipper, as pyclipper in PaddleOCR), so the box covers whole glyphs.

export function unclipDistance(box: readonly Point[], ratio: number): number {
  const perimeter = polygonPerimeter(box);
  return perimeter === 0 ? 0 : (polygonArea(box) * ratio) / perimeter;
}

/** The grown polygon, or undefined when the offset does not give exactly one polygon. */
export function unclip(box: readonly Point[], ratio: number): Point[] | undefined {
  const delta = unclipDistance(box, ratio);
  const offset = new ClipperLib.ClipperOffset();
  // Clipper works on integers; truncating matches pyclipper's conversion of the float corners.
  offset.AddPath(box.map(([x, y]) => ({ X: Math.trunc(x), Y: Math.trunc(y) })), ClipperLib.JoinType.jtRound, ClipperLib.EndType.etClosedPolygon);
  const solution: { X: number; Y: number }[][] = [];
  offset.Execute(solution, delta);
  if (solution.length !== 1 || solution[0]!.length < 3) return undefined;
  return solution[0]!.map((p) => [p.X, p.Y]);
}
