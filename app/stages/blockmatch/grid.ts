/**
 * The block grid: blocks of b x b pixels from the top-left corner; the last column and row are moved
 * left / up so that every block is whole (they overlap their neighbour instead of being cut). A mask
 * block is one that holds at least one hole pixel.
 */
import { StudioError } from '../../common/errors';
import type { Mask } from '../../image/types';

export interface GridBlock {
  /** Index in the grid, row-major. */
  index: number;
  /** Top-left corner in image pixels. */
  x: number;
  y: number;
  /** Hole pixels inside the block. */
  holePixels: number;
}

/** The block side actually used: b, but no larger than the image. */
export function effectiveBlockSize(b: number, width: number, height: number): number {
  return Math.max(1, Math.min(b, width, height));
}

/**
 * The mask blocks of a b x b grid over the mask, in row-major order.
 * @param b block side (>= 1; clipped to the image's smaller side)
 * @throws StudioError PARAM_INVALID when b is not a whole number >= 1.
 */
export function maskBlocks(mask: Mask, b: number): GridBlock[] {
  if (!Number.isInteger(b) || b < 1) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected a whole number >= 1 for the block size but received ${b}`,
    );
  }
  const { width: W, height: H, data } = mask;
  const s = effectiveBlockSize(b, W, H);
  const cols = Math.ceil(W / s);
  const rows = Math.ceil(H / s);
  const out: GridBlock[] = [];
  for (let j = 0; j < rows; j++) {
    const y = Math.min(j * s, H - s);
    for (let i = 0; i < cols; i++) {
      const x = Math.min(i * s, W - s);
      let n = 0;
      for (let r = y; r < y + s; r++) {
        const row = r * W;
        for (let c = x; c < x + s; c++) n += data[row + c];
      }
      if (n > 0) out.push({ index: j * cols + i, x, y, holePixels: n });
    }
  }
  return out;
}
