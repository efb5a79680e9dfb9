/**
 * Grow or shrink the painted hole by N pixels (Euclidean, between pixel centres), in place on the mask's
 * coverage bytes, over the only box that can change. The result is hard-edged (0 or FULL) inside the box.
 * The algorithm is the engine's own (app/common/maskMorphology.ts, growInBox, which the engine's growMask
 * uses too), reading the coverage's bit 7 as the hole (coverage >= THRESHOLD = 128).
 */
import { growInBox } from '../../app/common/maskMorphology';
import type { Box } from './box';
import { FULL } from './mask';

/** Largest |n| grow and shrink accept. */
export const MAX_GROW_PX = 1024;

/** Coverage >= THRESHOLD (128) is exactly bit 7. */
const HOLE_BIT = 0x80;

/**
 * The box a grow/shrink by n can change, given the hole's bounds (null: nothing can change). Growing
 * reaches n pixels out (plus one, so soft coverage just past the reach is cleared too); shrinking only
 * needs the known ring around the hole: a known pixel further out is never nearer to a hole pixel than
 * that ring, which is known too.
 * @param n px, negative shrinks.
 */
export function growBox(bounds: Box | null, n: number, width: number, height: number): Box | null {
  if (!bounds || n === 0) return null;
  const m = Math.max(0, n) + 1;
  return {
    x0: Math.max(0, bounds.x0 - m),
    y0: Math.max(0, bounds.y0 - m),
    x1: Math.min(width, bounds.x1 + m),
    y1: Math.min(height, bounds.y1 + m),
  };
}

/**
 * Grows (n > 0) or shrinks (n < 0) the hole by |n| whole pixels inside `box` (from growBox), in place.
 * Grow: a pixel joins when its centre is within n of a hole pixel's centre. Shrink: a hole pixel stays
 * when it is farther than |n| from every known pixel of the box (the image border does not erode; the
 * box's ring outside the hole is known). Every pixel of the box ends as FULL or 0.
 * @param n a whole number, |n| <= MAX_GROW_PX.
 * @throws RangeError for any other n.
 */
export function growInPlace(data: Uint8Array, width: number, box: Box, n: number): void {
  if (!Number.isInteger(n) || Math.abs(n) > MAX_GROW_PX)
    throw new RangeError(
      `Expected a whole number of pixels from -${MAX_GROW_PX} to ${MAX_GROW_PX} but received ${n}`,
    );
  if (n === 0) return;
  growInBox(data, width, box, n, data, HOLE_BIT, FULL);
}
