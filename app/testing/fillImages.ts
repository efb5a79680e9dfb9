/** Synthetic images and masks for the embedded fills' tests (deterministic, no files). */
import { xorshift32 } from '../common/random';
import { createImage, createMask, type Mask, type RgbImage } from '../image/types';

/** Fills every pixel from f(x, y) -> [r, g, b]. */
export function imageFrom(
  width: number,
  height: number,
  f: (x: number, y: number) => [number, number, number],
): RgbImage {
  const img = createImage(width, height);
  const n = width * height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = f(x, y);
      const i = y * width + x;
      img.data[i] = r;
      img.data[n + i] = g;
      img.data[2 * n + i] = b;
    }
  }
  return img;
}

/** Mask with a hole wherever inside(x, y). */
export function maskFrom(width: number, height: number, inside: (x: number, y: number) => boolean): Mask {
  const m = createMask(width, height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) if (inside(x, y)) m.data[y * width + x] = 1;
  return m;
}

/** Two-colour checkerboard with squares of `cell` pixels (period 2 * cell). */
export function checkerboard(width: number, height: number, cell: number): RgbImage {
  return imageFrom(width, height, (x, y) => {
    const v = (Math.floor(x / cell) + Math.floor(y / cell)) & 1;
    return v ? [0.9, 0.8, 0.1] : [0.1, 0.2, 0.7];
  });
}

/** Value noise from a seeded generator: a texture with no repeats. */
export function noiseImage(width: number, height: number, seed: number): RgbImage {
  const next = xorshift32(seed);
  const rnd = () => next() / 4294967296;
  return imageFrom(width, height, () => [rnd(), rnd(), rnd()]);
}
