/**
 * Image comparison on 0..1 sRGB values: mean squared error and PSNR (peak 1), over the whole image or only
 * over a mask's hole pixels.
 */
import { StudioError } from '../common/errors';
import type { Mask, RgbImage } from './types';
import { assertSameSize } from './types';

/**
 * Mean of (a - b)^2 over all three channels of every pixel, or of the hole pixels (mask 1) when a mask is
 * given. 0 for identical images and for a mask without holes (nothing to compare).
 * @throws StudioError INTERNAL when the images differ in size; MASK_SIZE when the mask differs from them.
 */
export function mse(a: RgbImage, b: RgbImage, mask?: Mask): number {
  if (a.width !== b.width || a.height !== b.height) {
    throw new StudioError(
      'INTERNAL',
      `Cannot compare a ${a.width}x${a.height} image with a ${b.width}x${b.height} image`,
    );
  }
  if (mask) assertSameSize(a, mask);
  const n = a.width * a.height;
  let sum = 0;
  let count = 0;
  for (let c = 0; c < 3; c++) {
    const off = c * n;
    for (let i = 0; i < n; i++) {
      if (mask && !mask.data[i]) continue;
      const d = a.data[off + i] - b.data[off + i];
      sum += d * d;
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}

/**
 * Peak signal-to-noise ratio in dB with peak 1: 10 log10(1 / mse). Infinity when the compared pixels are
 * equal (including a mask without holes).
 * @throws StudioError as mse.
 */
export function psnr(a: RgbImage, b: RgbImage, mask?: Mask): number {
  const e = mse(a, b, mask);
  return e === 0 ? Infinity : -10 * Math.log10(e);
}
