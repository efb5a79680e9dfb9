/**
 * Where the hole is: input checks shared by the embedded fills, grouping of
 * nearby hole components (each group is filled with its own local context). The chamfer distance to the
 * nearest known pixel it used to hold is distanceToKnown in ../morphology. Private to the embedded fill.
 */
import type { Rect } from '../../common/params';
import { StudioError, describeValue } from '../../common/errors';
import { assertSameSize, maskArea, type Mask, type RgbImage } from '../types';

/**
 * Checks that image and mask agree and that something is left to copy from.
 * @returns the number of hole pixels (0 = nothing to do)
 * @throws StudioError MASK_SIZE when the sizes differ; PARAM_INVALID when the mask covers every pixel.
 */
export function checkFillInputs(image: RgbImage, mask: Mask): number {
  assertSameSize(image, mask);
  const area = maskArea(mask);
  if (area === mask.width * mask.height) {
    throw new StudioError('PARAM_INVALID', 'The mask covers the whole image; nothing is left to fill from');
  }
  return area;
}

/**
 * @throws StudioError PARAM_INVALID naming the option when `value` is not an integer in [min, max].
 */
export function checkIntegerOption(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected an integer between ${min} and ${max} for embeddedFill.${name} but received ${describeValue(value)}`,
    );
  }
}

/** `r` grown by `margin` on every side, clipped to width x height. */
export function growRect(r: Rect, margin: number, width: number, height: number): Rect {
  const x = Math.max(0, r.x - margin);
  const y = Math.max(0, r.y - margin);
  return {
    x,
    y,
    width: Math.min(width, r.x + r.width + margin) - x,
    height: Math.min(height, r.y + r.height + margin) - y,
  };
}

export interface HoleGroups {
  /** Side of the square blocks the grouping works on. */
  blockSize: number;
  /** Blocks per row. */
  blockCols: number;
  /** Per block: 1-based group id of the hole pixels inside it, 0 when it holds none. */
  blockLabels: Int32Array;
  /** Bounding box of each group's hole pixels; group id g has boxes[g - 1]. */
  boxes: Rect[];
}

/**
 * Groups the hole's pixels so that pixels of different groups are more than `separation` pixels apart
 * (Chebyshev): blocks of `separation` pixels that hold hole pixels are labelled 8-connected, so two groups
 * always have a whole empty block between them. Nearby components may share a group; that only costs a
 * larger crop. One pass over the mask plus work on the (small) block grid.
 */
export function groupHoles(mask: Mask, separation: number): HoleGroups {
  const { width: W, height: H } = mask;
  const B = Math.max(1, Math.floor(separation));
  const cols = Math.ceil(W / B);
  const rows = Math.ceil(H / B);
  const nb = cols * rows;
  // Per block: exact bounds of its hole pixels (x0 > x1 when it holds none).
  const bx0 = new Int32Array(nb).fill(W);
  const bx1 = new Int32Array(nb).fill(-1);
  const by0 = new Int32Array(nb).fill(H);
  const by1 = new Int32Array(nb).fill(-1);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    const brow = ((y / B) | 0) * cols;
    for (let bc = 0; bc < cols; bc++) {
      const xs = bc * B;
      const xe = Math.min(W, xs + B);
      let first = -1;
      let last = -1;
      for (let x = xs; x < xe; x++) {
        if (mask.data[row + x]) {
          if (first < 0) first = x;
          last = x;
        }
      }
      if (first < 0) continue;
      const b = brow + bc;
      if (first < bx0[b]) bx0[b] = first;
      if (last > bx1[b]) bx1[b] = last;
      if (y < by0[b]) by0[b] = y;
      by1[b] = y;
    }
  }
  // Flood fill over occupied blocks, 8-connected.
  const blockLabels = new Int32Array(nb);
  const stack = new Int32Array(nb);
  const boxes: Rect[] = [];
  for (let start = 0; start < nb; start++) {
    if (bx1[start] < 0 || blockLabels[start]) continue;
    const g = boxes.length + 1;
    let x0 = W;
    let y0 = H;
    let x1 = -1;
    let y1 = -1;
    let sp = 0;
    stack[sp++] = start;
    blockLabels[start] = g;
    while (sp > 0) {
      const b = stack[--sp];
      if (bx0[b] < x0) x0 = bx0[b];
      if (bx1[b] > x1) x1 = bx1[b];
      if (by0[b] < y0) y0 = by0[b];
      if (by1[b] > y1) y1 = by1[b];
      const bc = b % cols;
      const br = (b / cols) | 0;
      for (let dy = -1; dy <= 1; dy++) {
        const r = br + dy;
        if (r < 0 || r >= rows) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const c = bc + dx;
          if (c < 0 || c >= cols) continue;
          const nbk = r * cols + c;
          if (bx1[nbk] < 0 || blockLabels[nbk]) continue;
          blockLabels[nbk] = g;
          stack[sp++] = nbk;
        }
      }
    }
    boxes.push({ x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 });
  }
  return { blockSize: B, blockCols: cols, blockLabels, boxes };
}

/** The group id of a hole pixel at (x, y) (0 for a pixel in a block without hole pixels). */
export function groupAt(groups: HoleGroups, x: number, y: number): number {
  return groups.blockLabels[((y / groups.blockSize) | 0) * groups.blockCols + ((x / groups.blockSize) | 0)];
}
