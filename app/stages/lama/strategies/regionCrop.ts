/** The crop a region is filled in: its hole's box grown by a context margin, optionally restricted. */
import type { Rect } from '../../../common/params';
import { rectHull } from '../../../image/crop';

/** Smallest margin around a hole's box, in pixels: a tiny hole still gets some context. */
export const MIN_CONTEXT_PX = 16;
/** A user context rectangle never cuts closer than this to the hole's box. */
export const MIN_RING_PX = 8;

function grow(r: Rect, m: number, width: number, height: number): Rect {
  const x = Math.max(0, r.x - m);
  const y = Math.max(0, r.y - m);
  return {
    x,
    y,
    width: Math.min(width, r.x + r.width + m) - x,
    height: Math.min(height, r.y + r.height + m) - y,
  };
}

function intersect(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  return x1 > x && y1 > y ? { x, y, width: x1 - x, height: y1 - y } : null;
}

/** The margin, in pixels, that `factor` gives a box: factor times the box's mean side, at least MIN_CONTEXT_PX. */
export function contextMargin(box: Rect, factor: number): number {
  return Math.max(MIN_CONTEXT_PX, Math.round((factor * (box.width + box.height)) / 2));
}

/**
 * The crop of a region: its box grown by contextMargin(box, factor) on every side, clamped to the image.
 * A context rectangle that overlaps the box restricts the crop to itself, but the crop always holds the
 * box grown by MIN_RING_PX (clamped); one that does not overlap the box leaves the crop as it is.
 * @param box the region's hole box, inside width x height
 * @param factor >= 0
 * @param context the user's context rectangle in image pixels, or null
 */
export function regionCrop(
  box: Rect,
  factor: number,
  width: number,
  height: number,
  context: Rect | null,
): Rect {
  const crop = grow(box, contextMargin(box, factor), width, height);
  if (!context || !intersect(context, box)) return crop;
  const restricted = intersect(crop, context);
  const ring = grow(box, MIN_RING_PX, width, height);
  return restricted ? rectHull(restricted, ring) : ring;
}

/** Whether two rectangles share a pixel. */
export function overlaps(a: Rect, b: Rect): boolean {
  return intersect(a, b) !== null;
}
