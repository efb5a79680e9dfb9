/**
 * Composite into the hole: the one place that puts a fill's hole pixels over a base image. Every stage and
 * strategy that needs "this image, with the hole taken from that one" calls these, with the arguments in
 * one order: the base, the fill, the hole.
 */
import { StudioError } from '../../common/errors';
import { cloneImage, type Mask, type RgbImage } from '../types';

function checkSizes(what: string, base: RgbImage, fill: RgbImage, hole: Mask): void {
  const { width: w, height: h } = base;
  if (fill.width !== w || fill.height !== h || hole.width !== w || hole.height !== h)
    throw new StudioError(
      'INTERNAL',
      `${what}: images ${w}x${h} and ${fill.width}x${fill.height} and hole ${hole.width}x${hole.height} differ in size`,
    );
}

/**
 * Copies `fill`'s pixels where `hole` is set into `base`, in place; other pixels are left untouched.
 * @throws StudioError INTERNAL when the sizes differ.
 */
export function copyIntoHole(base: RgbImage, fill: RgbImage, hole: Mask): void {
  checkSizes('copyIntoHole', base, fill, hole);
  const n = base.width * base.height;
  const to = base.data;
  const from = fill.data;
  const m = hole.data;
  for (let i = 0; i < n; i++)
    if (m[i]) {
      to[i] = from[i];
      to[n + i] = from[n + i];
      to[2 * n + i] = from[2 * n + i];
    }
}

/**
 * A new image: `base` with its hole pixels (hole 1) taken from `fill`. Outside the hole the result is a
 * bit-exact copy of `base`.
 * @throws StudioError INTERNAL when the sizes differ.
 */
export function compositeInHole(base: RgbImage, fill: RgbImage, hole: Mask): RgbImage {
  checkSizes('compositeInHole', base, fill, hole);
  const out = cloneImage(base);
  copyIntoHole(out, fill, hole);
  return out;
}

/** Whether pixel i lies in one of the holes. */
function inAny(holes: readonly Mask[], i: number): boolean {
  for (const h of holes) if (h.data[i]) return true;
  return false;
}

/** Pixels outside the holes where `after` differs from `before` (any channel, bit for bit). */
export interface OutsideChanges {
  count: number;
  /** The first such pixel in row order, or null. */
  first: { x: number; y: number } | null;
}

/**
 * Counts the pixels outside every one of `holes` (image-sized masks) where `after` is not a bit-exact
 * copy of `before` (NaN equals NaN).
 * @throws StudioError INTERNAL when the sizes differ.
 */
export function changesOutsideHole(
  before: RgbImage,
  after: RgbImage,
  holes: readonly Mask[],
): OutsideChanges {
  for (const h of holes) checkSizes('changesOutsideHole', before, after, h);
  const n = before.width * before.height;
  const a = before.data;
  const b = after.data;
  let count = 0;
  let first: OutsideChanges['first'] = null;
  for (let i = 0; i < n; i++) {
    const same =
      (a[i] === b[i] || (a[i] !== a[i] && b[i] !== b[i])) &&
      (a[n + i] === b[n + i] || (a[n + i] !== a[n + i] && b[n + i] !== b[n + i])) &&
      (a[2 * n + i] === b[2 * n + i] || (a[2 * n + i] !== a[2 * n + i] && b[2 * n + i] !== b[2 * n + i]));
    if (same || inAny(holes, i)) continue;
    if (count++ === 0) first = { x: i % before.width, y: Math.floor(i / before.width) };
  }
  return { count, first };
}

/**
 * Copies `before`'s pixels outside every one of `holes` into `after`, in place: whatever a step did
 * outside the hole is undone.
 * @throws StudioError INTERNAL when the sizes differ.
 */
export function restoreOutsideHole(before: RgbImage, after: RgbImage, holes: readonly Mask[]): void {
  for (const h of holes) checkSizes('restoreOutsideHole', before, after, h);
  const n = before.width * before.height;
  for (let i = 0; i < n; i++) {
    if (inAny(holes, i)) continue;
    after.data[i] = before.data[i];
    after.data[n + i] = before.data[n + i];
    after.data[2 * n + i] = before.data[2 * n + i];
  }
}
