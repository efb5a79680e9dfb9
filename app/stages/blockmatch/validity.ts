/**
 * Where a source block may start: a b x b block at (x, y) is allowed when it lies inside the image,
 * overlaps no pixel of the hole grown by the margin, and no known pixel the sampling area leaves out
 * (issue 15 §4; a second table over those pixels' bounding box). Answered in O(1) from a summed-area table of the
 * grown hole over the grown hole's bounding box only (a query rectangle is clipped to it: outside it
 * there is no grown-hole pixel), so the table is as large as the hole's surroundings, not the image.
 */
import { cropMask, expandRect, maskBoundingBox } from '../../image/crop';
import { growMask } from '../../image/morphology';
import { excludedMask } from '../../image/sampling';
import { areaSum, summedArea } from '../../image/summedArea';
import type { Mask } from '../../image/types';

export class SourceValidity {
  readonly width: number;
  readonly height: number;
  /** The grown hole's box (x0, y0, width, height; 0 x 0 when there is no hole). */
  private readonly bx: number;
  private readonly by: number;
  private readonly bw: number;
  private readonly bh: number;
  /** (bw + 1) x (bh + 1) summed-area table of the grown hole inside the box. */
  private readonly table: Int32Array;
  /** The excluded pixels' box and summed-area table (null when the sampling area leaves none out). */
  private readonly excluded: { x: number; y: number; w: number; h: number; table: Int32Array } | null;

  /**
   * @param mask the hole (1 = hole)
   * @param margin growth of the hole in pixels (>= 0)
   * @param b block side
   * @param sampling the sampling area (1 = may sample; StageInput.sampling); absent = anywhere
   */
  constructor(
    mask: Mask,
    margin: number,
    readonly b: number,
    sampling?: Mask,
  ) {
    this.width = mask.width;
    this.height = mask.height;
    const hole = maskBoundingBox(mask);
    // Every pixel of the grown hole lies within ceil(margin) of the hole's box.
    const box = hole
      ? expandRect(hole, Math.ceil(Math.max(0, margin)), mask.width, mask.height)
      : { x: 0, y: 0, width: 0, height: 0 };
    this.bx = box.x;
    this.by = box.y;
    this.bw = box.width;
    this.bh = box.height;
    if (hole) {
      const crop = cropMask(mask, box);
      this.table = summedArea((margin > 0 ? growMask(crop, margin) : crop).data, box.width, box.height);
    } else this.table = new Int32Array(1);
    const out = excludedMask(mask, sampling);
    const ob = out && maskBoundingBox(out);
    this.excluded =
      out && ob
        ? { ...ob, w: ob.width, h: ob.height, table: summedArea(cropMask(out, ob).data, ob.width, ob.height) }
        : null;
  }

  /** Known pixels the sampling area leaves out in the w x h rectangle at (x, y). */
  private excludedCount(x: number, y: number, w: number, h: number): number {
    const e = this.excluded;
    if (!e) return 0;
    const x0 = Math.max(0, x - e.x);
    const y0 = Math.max(0, y - e.y);
    const x1 = Math.min(e.w, x + w - e.x);
    const y1 = Math.min(e.h, y + h - e.y);
    if (x0 >= x1 || y0 >= y1) return 0;
    return areaSum(e.table, e.w, x0, y0, x1 - x0, y1 - y0);
  }

  /** Grown-hole pixels in the w x h rectangle at (x, y) (which must lie inside the image). */
  holeCount(x: number, y: number, w: number, h: number): number {
    const x0 = Math.max(0, x - this.bx);
    const y0 = Math.max(0, y - this.by);
    const x1 = Math.min(this.bw, x + w - this.bx);
    const y1 = Math.min(this.bh, y + h - this.by);
    if (x0 >= x1 || y0 >= y1) return 0;
    return areaSum(this.table, this.bw, x0, y0, x1 - x0, y1 - y0);
  }

  /** Whether a b x b source block may start at the whole-pixel position (x, y). */
  allowed(x: number, y: number): boolean {
    const b = this.b;
    if (x < 0 || y < 0 || x + b > this.width || y + b > this.height) return false;
    return this.holeCount(x, y, b, b) === 0 && this.excludedCount(x, y, b, b) === 0;
  }

  /** Whether a w x h rectangle at (x, y) lies inside the image, clear of the grown hole and inside the sampling area. */
  rectAllowed(x: number, y: number, w: number, h: number): boolean {
    if (x < 0 || y < 0 || x + w > this.width || y + h > this.height) return false;
    return this.holeCount(x, y, w, h) === 0 && this.excludedCount(x, y, w, h) === 0;
  }
}
