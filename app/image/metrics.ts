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

/**
 * Mean luma gradient magnitude (forward differences) over the hole's pixels: how much detail a fill
 * has. Compare a fill's with the original's: 1 = as much detail as the truth, a smooth fill is near 0.
 */
export function meanGradient(image: RgbImage, mask: Mask): number {
  assertSameSize(image, mask);
  return meanGradientWhere(image, mask.data);
}

/** Mean luma gradient magnitude over the pixels where `use` is set (every pixel when null). */
export function meanGradientWhere(image: RgbImage, use: ArrayLike<number> | null): number {
  const { width: W, height: H } = image;
  const n = W * H;
  const d = image.data;
  const luma = (i: number) => 0.299 * d[i] + 0.587 * d[n + i] + 0.114 * d[2 * n + i];
  let sum = 0;
  let count = 0;
  for (let y = 0; y < H - 1; y++)
    for (let x = 0; x < W - 1; x++) {
      const i = y * W + x;
      if (use && !use[i]) continue;
      const l = luma(i);
      sum += Math.hypot(luma(i + 1) - l, luma(i + W) - l);
      count++;
    }
  return count ? sum / count : 0;
}
