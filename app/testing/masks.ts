// Mask and image helpers shared by the engine's tests (issue 16 §5): one copy, imported by every test.
import { createMask, type Mask, type RgbImage } from '../image/types';

/** A width x height mask with the rectangle [x0, x1) x [y0, y1) set. */
export function rectMask(
  width: number,
  height: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): Mask {
  const m = createMask(width, height);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m.data[y * width + x] = 1;
  return m;
}

/**
 * How many values (pixel x channel) outside the hole differ bit for bit between a and b: 0 means every pixel
 * the mask leaves alone is bit-exact. Bits, not `!==`: a 0 turned into -0 counts as a change, and a NaN kept
 * as the same NaN does not.
 */
export function changedOutside(a: RgbImage, b: RgbImage, mask: Mask): number {
  const n = mask.width * mask.height;
  if (a.width * a.height !== n || b.width * b.height !== n) {
    throw new Error(
      `changedOutside: images ${a.width}x${a.height} and ${b.width}x${b.height} against a ${mask.width}x${mask.height} mask`,
    );
  }
  const ua = new Uint32Array(a.data.buffer, a.data.byteOffset, a.data.length);
  const ub = new Uint32Array(b.data.buffer, b.data.byteOffset, b.data.length);
  let changed = 0;
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++) if (!mask.data[i] && ua[c * n + i] !== ub[c * n + i]) changed++;
  return changed;
}
