/**
 * Where a source block may start: a b x b block at (x, y) is allowed when it lies inside the image and
 * overlaps no pixel of the hole grown by the margin. Answered in O(1) from a summed-area table of the
 * grown hole.
 */
import { growMask } from '../../image/morphology';
import type { Mask } from '../../image/types';

export class SourceValidity {
  readonly width: number;
  readonly height: number;
  /** (W + 1) x (H + 1) summed-area table of the grown hole. */
  private readonly table: Int32Array;

  /**
   * @param mask the hole (1 = hole)
   * @param margin growth of the hole in pixels (>= 0)
   * @param b block side
   */
  constructor(
    mask: Mask,
    margin: number,
    readonly b: number,
  ) {
    const grown = margin > 0 ? growMask(mask, margin) : mask;
    const W = mask.width;
    const H = mask.height;
    this.width = W;
    this.height = H;
    const t = new Int32Array((W + 1) * (H + 1));
    const d = grown.data;
    for (let y = 0; y < H; y++) {
      let run = 0;
      const row = y * W;
      const above = y * (W + 1);
      const here = (y + 1) * (W + 1);
      for (let x = 0; x < W; x++) {
        run += d[row + x];
        t[here + x + 1] = t[above + x + 1] + run;
      }
    }
    this.table = t;
  }

  /** Grown-hole pixels in the w x h rectangle at (x, y) (which must lie inside the image). */
  holeCount(x: number, y: number, w: number, h: number): number {
    const W1 = this.width + 1;
    const t = this.table;
    return t[(y + h) * W1 + x + w] - t[y * W1 + x + w] - t[(y + h) * W1 + x] + t[y * W1 + x];
  }

  /** Whether a b x b source block may start at the whole-pixel position (x, y). */
  allowed(x: number, y: number): boolean {
    const b = this.b;
    if (x < 0 || y < 0 || x + b > this.width || y + b > this.height) return false;
    return this.holeCount(x, y, b, b) === 0;
  }

  /** Whether a w x h rectangle at (x, y) lies inside the image and clear of the grown hole. */
  rectAllowed(x: number, y: number, w: number, h: number): boolean {
    if (x < 0 || y < 0 || x + w > this.width || y + h > this.height) return false;
    return this.holeCount(x, y, w, h) === 0;
  }
}
