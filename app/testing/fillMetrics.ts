/**
 * Test support for the fill corrections (issue 13): stand-in fills and the two scores, small versions of
 * bench/correctionsCases.ts's (app does not import bench).
 * - S: mean colour difference between σ 4 low-passes of result and truth in the hole (here CIE76 ΔE*ab,
 *   which is at least as large as the bench's CIEDE2000 for the small differences measured, so a bound on
 *   it is a bound at least as strict);
 * - D: the hole's detail variance (luma − its σ 2 low-pass) over the truth's: 1 = the truth's detail.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadImage } from '../image/load';
import { gaussianBlur, lumaPlane } from '../image/stationarity';
import { createMask, type Mask, type RgbImage } from '../image/types';

/** The repository's fixtures and the shared photographs (present on the project's machines only). */
export const FIXTURES = path.resolve('fixtures/images');
export const PHOTOS = path.resolve('../shared/fixtures/images');

/** Whether a shared photograph is present. */
export const hasPhoto = (name: string) => existsSync(path.join(PHOTOS, name));

/** An image of fixtures/images, or of the shared photographs with `photo`. */
export async function fixture(name: string, photo = false): Promise<RgbImage> {
  return (await loadImage(path.join(photo ? PHOTOS : FIXTURES, name))).image;
}

/** A square hole of `side` at (x, y). */
export function squareMask(width: number, height: number, x0: number, y0: number, side: number): Mask {
  const m = createMask(width, height);
  for (let y = y0; y < y0 + side; y++) for (let x = x0; x < x0 + side; x++) m.data[y * width + x] = 1;
  return m;
}

/** The truth with its hole blurred (σ), as a blurry LaMa fill looks. */
export function blurredFill(truth: RgbImage, mask: Mask, sigma = 3): RgbImage {
  const low = gaussianBlur(truth.data, truth.width, truth.height, 3, sigma);
  const n = truth.width * truth.height;
  const data = truth.data.slice();
  for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) if (mask.data[i]) data[c * n + i] = low[c * n + i];
  return { width: truth.width, height: truth.height, data };
}

/**
 * `base` with the hole's pixels taken from another place of `base`, shifted by (dx, dy): a sharp fill.
 * `mirror` flips the copy left to right (x ← width − 1 − x + dx), so that no block of it exists as is
 * among the known pixels.
 */
export function shiftedFill(base: RgbImage, mask: Mask, dx: number, dy: number, mirror = false): RgbImage {
  const { width: W, height: H } = base;
  const n = W * H;
  const data = base.data.slice();
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!mask.data[i]) continue;
      const sx = Math.min(W - 1, Math.max(0, (mirror ? W - 1 - x : x) + dx)),
        sy = Math.min(H - 1, Math.max(0, y + dy));
      for (let c = 0; c < 3; c++) data[c * n + i] = base.data[c * n + sy * W + sx];
    }
  return { width: W, height: H, data };
}

function lab(r: number, g: number, b: number): [number, number, number] {
  const lin = (c: number) => {
    const v = Math.min(1, Math.max(0, c));
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  const R = lin(r),
    G = lin(g),
    B = lin(b);
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const fx = f((0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047);
  const fy = f(0.2126729 * R + 0.7151522 * G + 0.072175 * B);
  const fz = f((0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** S: mean ΔE*ab between the σ 4 low-passes of `result` and `truth` over the hole. */
export function lowPassError(result: RgbImage, truth: RgbImage, mask: Mask): number {
  const { width: W, height: H } = truth;
  const n = W * H;
  const a = gaussianBlur(result.data, W, H, 3, 4);
  const b = gaussianBlur(truth.data, W, H, 3, 4);
  let s = 0,
    k = 0;
  for (let i = 0; i < n; i++) {
    if (!mask.data[i]) continue;
    const p = lab(a[i], a[n + i], a[2 * n + i]);
    const q = lab(b[i], b[n + i], b[2 * n + i]);
    s += Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
    k++;
  }
  return k ? s / k : 0;
}

function detailVariance(img: RgbImage, mask: Mask): number {
  const n = img.width * img.height;
  const l = lumaPlane(img.data, n);
  const low = gaussianBlur(l, img.width, img.height, 1, 2);
  let s = 0,
    s2 = 0,
    k = 0;
  for (let i = 0; i < n; i++)
    if (mask.data[i]) {
      const v = l[i] - low[i];
      s += v;
      s2 += v * v;
      k++;
    }
  return k ? s2 / k - (s / k) ** 2 : 0;
}

/** D: the hole's detail variance in `result` over the truth's. */
export function detailLevel(result: RgbImage, truth: RgbImage, mask: Mask): number {
  return detailVariance(result, mask) / detailVariance(truth, mask);
}

/** True when every pixel outside the hole is bit-exact. */
export function outsideUnchanged(a: RgbImage, b: RgbImage, mask: Mask): boolean {
  const n = a.width * a.height;
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++) if (!mask.data[i] && a.data[c * n + i] !== b.data[c * n + i]) return false;
  return true;
}

/** Mean absolute change over the hole's values. */
export function meanChange(a: RgbImage, b: RgbImage, mask: Mask): number {
  const n = a.width * a.height;
  let s = 0,
    k = 0;
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++)
      if (mask.data[i]) {
        s += Math.abs(a.data[c * n + i] - b.data[c * n + i]);
        k++;
      }
  return k ? s / k : 0;
}
