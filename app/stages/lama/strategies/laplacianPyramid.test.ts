import { describe, expect, it } from 'vitest';
import { createImage, createMask, type RgbImage } from '../../../image/types';
import { blendPyramids, laplacianBlend, pyramidDepth } from './laplacianPyramid';

function pattern(w: number, h: number, f: (x: number, y: number, c: number) => number): RgbImage {
  const img = createImage(w, h);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data[c * w * h + y * w + x] = f(x, y, c);
  return img;
}

const W = 97;
const H = 64;
// Coarse: a smooth gradient. Fine: another gradient plus fine detail (a 2-pixel checker).
const coarse = pattern(W, H, (x, y, c) => 0.2 + 0.5 * (x / W) + 0.1 * c);
const detail = (x: number, y: number) => 0.08 * (((x >> 1) + (y >> 1)) & 1 ? 1 : -1);
const fine = pattern(W, H, (x, y, c) => 0.3 + 0.3 * (y / H) + 0.05 * c + detail(x, y));

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('Laplacian pyramid blend', () => {
  const depth = pyramidDepth(W, H);

  it('has a depth that follows the smaller side, capped at 7', () => {
    expect(depth).toBe(6);
    expect(pyramidDepth(1, 500)).toBe(0);
    expect(pyramidDepth(4000, 3000)).toBe(7);
  });

  it('with the crossover at the top level reconstructs the fine result; at the bottom the coarse one', () => {
    const n = W * H;
    const top = blendPyramids(fine, coarse, depth + 1);
    const bottom = blendPyramids(fine, coarse, 0);
    for (let c = 0; c < 3; c++) {
      expect(maxDiff(top[c], fine.data.subarray(c * n, (c + 1) * n))).toBeLessThan(1e-12);
      expect(maxDiff(bottom[c], coarse.data.subarray(c * n, (c + 1) * n))).toBeLessThan(1e-12);
    }
    // The public blend returns them exactly.
    expect(laplacianBlend(fine, coarse, 8).data).toEqual(fine.data);
    expect(laplacianBlend(fine, coarse, 0).data).toEqual(coarse.data);
  });

  it('in between, takes the low frequencies from the coarse result and the detail from the fine one', () => {
    const r = laplacianBlend(fine, coarse, 2);
    const n = W * H;
    // Local 4x4 means (which cancel the checker) follow the coarse gradient.
    let lowErr = 0;
    let detailCorr = 0;
    let detailNorm = 0;
    for (let y = 8; y < H - 8; y += 4)
      for (let x = 8; x < W - 8; x += 4) {
        let s = 0,
          t = 0;
        for (let dy = 0; dy < 4; dy++)
          for (let dx = 0; dx < 4; dx++) {
            s += r.data[(y + dy) * W + x + dx];
            t += coarse.data[(y + dy) * W + x + dx];
          }
        lowErr = Math.max(lowErr, Math.abs(s - t) / 16);
      }
    for (let i = 0; i < n; i++) {
      const x = i % W,
        y = (i - x) / W;
      if (x < 8 || y < 8 || x >= W - 8 || y >= H - 8) continue;
      detailCorr += (r.data[i] - coarse.data[i]) * detail(x, y);
      detailNorm += detail(x, y) * detail(x, y);
    }
    expect(lowErr).toBeLessThan(0.01);
    // The checker (amplitude 0.08) is carried over: the result minus the coarse image projects onto it
    // with a coefficient near 1.
    expect(detailCorr / detailNorm).toBeGreaterThan(0.8);
    expect(detailCorr / detailNorm).toBeLessThan(1.2);
  });

  it('changes only the pixels in the mask', () => {
    const mask = createMask(W, H);
    for (let y = 20; y < 40; y++) for (let x = 30; x < 60; x++) mask.data[y * W + x] = 1;
    const r = laplacianBlend(fine, coarse, 2, mask);
    const n = W * H;
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < n; i++) if (!mask.data[i]) expect(r.data[c * n + i]).toBe(fine.data[c * n + i]);
    expect(maxDiff(r.data, fine.data)).toBeGreaterThan(0.05);
  });
});
