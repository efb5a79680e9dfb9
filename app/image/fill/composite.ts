/**
 * Composite into the hole: the one place that puts a fill's hole pixels over a base image. Every stage and
 * strategy that needs "this image, with the hole taken from that one" calls these, with the arguments in
 * one order: the base, the fill, the hole.
 */
import { StudioError } from '../../common/errors';
import { cloneImage, type Mask, type RgbImage } from '../types';

function checkSizes(base: RgbImage, fill: RgbImage, hole: Mask): void {
  const { width: w, height: h } = base;
  if (fill.width !== w || fill.height !== h || hole.width !== w || hole.height !== h)
    throw new StudioError(
      'INTERNAL',
      `compositeInHole: base ${w}x${h}, fill ${fill.width}x${fill.height} and hole ${hole.width}x${hole.height} differ in size`,
    );
}

/**
 * Copies `fill`'s pixels where `hole` is set into `base`, in place; other pixels are left untouched.
 * @throws StudioError INTERNAL when the sizes differ.
 */
export function copyIntoHole(base: RgbImage, fill: RgbImage, hole: Mask): void {
  checkSizes(base, fill, hole);
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
  checkSizes(base, fill, hole);
  const out = cloneImage(base);
  copyIntoHole(out, fill, hole);
  return out;
}
