/**
 * How visible the seams of a pasted hole are: the mean absolute step between neighbouring pixels across
 * a seam (a hole pixel next to a known pixel, or next to a hole pixel of another grid block), divided by
 * the mean step between neighbouring hole pixels of the same block. About 1 when seams look like the
 * texture around them; a hard paste of mismatched blocks gives more.
 */
import { maskBoundingBox } from '../image/crop';
import type { Mask, RgbImage } from '../image/types';

export interface SeamContrast {
  /** Mean |step| (over R, G, B) across seams. */
  seamStep: number;
  /** Mean |step| between neighbours inside blocks. */
  interiorStep: number;
  /** seamStep / interiorStep. */
  ratio: number;
}

/** @param b the grid's block side (blocks start at multiples of b) */
export function seamContrast(image: RgbImage, mask: Mask, b: number): SeamContrast {
  const { width: W, height: H, data } = image;
  const n = W * H;
  let seam = 0;
  let seamCount = 0;
  let inner = 0;
  let innerCount = 0;
  const step = (i: number, j: number) =>
    (Math.abs(data[i] - data[j]) +
      Math.abs(data[n + i] - data[n + j]) +
      Math.abs(data[2 * n + i] - data[2 * n + j])) /
    3;
  const box = maskBoundingBox(mask);
  if (!box) return { seamStep: 0, interiorStep: 0, ratio: 0 };
  const y0 = Math.max(0, box.y - 1);
  const x0 = Math.max(0, box.x - 1);
  const y1 = Math.min(H, box.y + box.height + 1);
  const x1 = Math.min(W, box.x + box.width + 1);
  const visit = (i: number, j: number, sameBlock: boolean) => {
    const hi = mask.data[i];
    const hj = mask.data[j];
    if (!hi && !hj) return;
    if (hi && hj && sameBlock) {
      inner += step(i, j);
      innerCount++;
    } else {
      seam += step(i, j);
      seamCount++;
    }
  };
  // Right and down neighbours: each pair once.
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const i = y * W + x;
      if (x + 1 < W) visit(i, i + 1, (x + 1) % b !== 0);
      if (y + 1 < H) visit(i, i + W, (y + 1) % b !== 0);
    }
  const seamStep = seamCount ? seam / seamCount : 0;
  const interiorStep = innerCount ? inner / innerCount : 0;
  return { seamStep, interiorStep, ratio: interiorStep > 0 ? seamStep / interiorStep : 0 };
}
