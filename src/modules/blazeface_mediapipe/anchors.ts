// MediaPipe's SSD anchors for the full-range BlazeFace: strides 16, 32, 32, 32 on a 256 input, two anchors per
// layer and cell, layers of the same stride sharing a grid. All anchors are 1x1 (fixed size), so only centres
// matter: 16x16x2 = 512 for the first output, 8x8x6 = 384 for the second, row by row.

export interface AnchorGrid {
  size: number;
  perCell: number;
}

export const BLAZEFACE_GRIDS: readonly AnchorGrid[] = [{ size: 16, perCell: 2 }, { size: 8, perCell: 6 }];

/** [x0, y0, x1, y1, ...] anchor centres in 0..1. */
export function anchorCentres(grid: AnchorGrid): Float32Array {
  const out = new Float32Array(grid.size * grid.size * grid.perCell * 2);
  let i = 0;
  for (let y = 0; y < grid.size; y++) {
    for (let x = 0; x < grid.size; x++) {
      for (let k = 0; k < grid.perCell; k++) {
        out[i++] = (x + 0.5) / grid.size;
        out[i++] = (y + 0.5) / grid.size;
      }
    }
  }
  return out;
}
