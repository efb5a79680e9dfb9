import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cropImage } from './crop';
import { resampleRegion } from './resampleRegion';
import { resizeImage, resizeMask, resizePlane } from './resize';
import type { RgbImage } from './types';
import { createImage, createMask } from './types';
import { mulberry32 } from '../common/random';

function randomImage(width: number, height: number, seed: number): RgbImage {
  const data = new Float32Array(width * height * 3);
  const rnd = mulberry32(seed);
  for (let i = 0; i < data.length; i++) data[i] = rnd();
  return createImage(width, height, data);
}
function smoothImage(width: number, height: number): RgbImage {
  const n = width * height;
  const data = new Float32Array(n * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      data[i] = 0.5 + 0.3 * Math.sin(x / 7) * Math.cos(y / 9);
      data[n + i] = 0.2 + 0.6 * (x / width);
      data[2 * n + i] = 0.5 + 0.25 * Math.cos((x + 2 * y) / 11);
    }
  }
  return createImage(width, height, data);
}
const size = fc.integer({ min: 1, max: 24 });

describe('resizePlane / resizeImage', () => {
  it('halving is exactly the mean of each 2x2 block', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        (hw, hh, seed) => {
          const img = randomImage(hw * 2, hh * 2, seed);
          const out = resizeImage(img, hw, hh);
          const n = 4 * hw * hh;
          const m = hw * hh;
          for (let c = 0; c < 3; c++) {
            for (let y = 0; y < hh; y++) {
              for (let x = 0; x < hw; x++) {
                const at = (xx: number, yy: number) => img.data[c * n + yy * 2 * hw + xx];
                const mean =
                  (at(2 * x, 2 * y) +
                    at(2 * x + 1, 2 * y) +
                    at(2 * x, 2 * y + 1) +
                    at(2 * x + 1, 2 * y + 1)) /
                  4;
                expect(Math.abs(out.data[c * m + y * hw + x] - mean)).toBeLessThan(1e-6);
              }
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('area-averages with fractional coverage (3 -> 2 pixels)', () => {
    const out = resizePlane(new Float32Array([0.3, 0.9, 0.6]), 3, 1, 2, 1);
    expect(out[0]).toBeCloseTo((0.3 + 0.5 * 0.9) / 1.5, 6);
    expect(out[1]).toBeCloseTo((0.5 * 0.9 + 0.6) / 1.5, 6);
  });

  it('keeps a constant image constant at any size, up or down', () => {
    fc.assert(
      fc.property(size, size, size, size, fc.float({ min: 0, max: 1, noNaN: true }), (w, h, nw, nh, v) => {
        const plane = new Float32Array(w * h).fill(v);
        const out = resizePlane(plane, w, h, nw, nh);
        expect(out.length).toBe(nw * nh);
        for (const o of out) expect(Math.abs(o - v)).toBeLessThan(1e-6);
      }),
      { numRuns: 100 },
    );
  });

  it('preserves the mean when shrinking', () => {
    fc.assert(
      fc.property(size, size, fc.integer(), (w, h, seed) => {
        const nw = Math.max(1, Math.floor(w / 3));
        const nh = Math.max(1, Math.floor(h / 2));
        const img = randomImage(w, h, seed);
        const plane = img.data.subarray(0, w * h);
        const out = resizePlane(plane, w, h, nw, nh);
        const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
        expect(Math.abs(mean(out) - mean(plane))).toBeLessThan(1e-5);
      }),
      { numRuns: 50 },
    );
  });

  it('upscale by k then area-downscale by k is close to identity on a smooth image', () => {
    const img = smoothImage(40, 30);
    for (const k of [2, 3]) {
      const back = resizeImage(resizeImage(img, 40 * k, 30 * k), 40, 30);
      let worst = 0;
      for (let i = 0; i < img.data.length; i++) worst = Math.max(worst, Math.abs(back.data[i] - img.data[i]));
      expect(worst).toBeLessThan(0.01);
    }
  });

  it('clamps upscaled values to 0..1 and handles mixed axes', () => {
    const img = randomImage(9, 9, 7);
    for (const [w, h] of [
      [30, 4],
      [4, 30],
      [27, 27],
    ]) {
      const out = resizeImage(img, w, h);
      expect([out.width, out.height]).toEqual([w, h]);
      for (const v of out.data) expect(v >= 0 && v <= 1).toBe(true);
    }
  });

  it('upscaling agrees with resampleRegion inside any rectangle', () => {
    const img = randomImage(10, 7, 3);
    const full = resizeImage(img, 37, 29);
    const rect = { x: 5, y: 4, width: 20, height: 13 };
    const region = resampleRegion(img, 37, 29, rect);
    const crop = cropImage(full, rect);
    for (let i = 0; i < crop.data.length; i++)
      expect(Math.abs(crop.data[i] - region.data[i])).toBeLessThan(1e-5);
  });

  it('returns a copy when the size is unchanged', () => {
    const img = randomImage(4, 3, 1);
    const out = resizeImage(img, 4, 3);
    expect(out.data).not.toBe(img.data);
    expect(Array.from(out.data)).toEqual(Array.from(img.data));
  });

  it('refuses a bad size', () => {
    expect(() => resizeImage(randomImage(2, 2, 1), 0, 2)).toThrow();
    expect(() => resizePlane(new Float32Array(3), 2, 2, 1, 1)).toThrow();
  });
});

describe('resizeMask', () => {
  const maskArb = fc
    .record({
      w: size,
      h: size,
      nw: size,
      nh: size,
      seed: fc.integer(),
      density: fc.float({ min: 0, max: Math.fround(0.3), noNaN: true }),
    })
    .map(({ w, h, nw, nh, seed, density }) => {
      const data = new Uint8Array(w * h);
      const rnd = mulberry32(seed);
      for (let i = 0; i < data.length; i++) data[i] = rnd() < density ? 1 : 0;
      return { mask: createMask(w, h, data), nw, nh };
    });

  it('marks exactly the output pixels whose footprint overlaps a hole (brute force)', () => {
    fc.assert(
      fc.property(maskArb, ({ mask, nw, nh }) => {
        const out = resizeMask(mask, nw, nh);
        const { width: w, height: h } = mask;
        for (let Y = 0; Y < nh; Y++) {
          for (let X = 0; X < nw; X++) {
            // Footprint in source units: [X*w/nw, (X+1)*w/nw) x [Y*h/nh, (Y+1)*h/nh); overlap needs positive area.
            let hit = 0;
            for (let y = 0; y < h && !hit; y++) {
              if (!(y + 1 > (Y * h) / nh && y < ((Y + 1) * h) / nh)) continue;
              for (let x = 0; x < w; x++) {
                if (x + 1 > (X * w) / nw && x < ((X + 1) * w) / nw && mask.data[y * w + x]) {
                  hit = 1;
                  break;
                }
              }
            }
            expect(out.data[Y * nw + X]).toBe(hit);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('downscaling keeps every hole and upscaling covers the original hole', () => {
    fc.assert(
      fc.property(maskArb, ({ mask, nw, nh }) => {
        const out = resizeMask(mask, nw, nh);
        const { width: w, height: h } = mask;
        // Every output pixel whose centre falls in a source hole pixel is a hole...
        for (let Y = 0; Y < nh; Y++) {
          for (let X = 0; X < nw; X++) {
            const sx = Math.floor(((X + 0.5) * w) / nw);
            const sy = Math.floor(((Y + 0.5) * h) / nh);
            if (mask.data[sy * w + sx]) expect(out.data[Y * nw + X]).toBe(1);
          }
        }
        // ...and every source hole pixel lands in some output hole pixel.
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            if (!mask.data[y * w + x]) continue;
            const X = Math.floor(((x + 0.5) * nw) / w);
            const Y = Math.floor(((y + 0.5) * nh) / h);
            expect(out.data[Y * nw + X]).toBe(1);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a single hole pixel in a 100x100 mask survives shrinking to 7x7', () => {
    const m = createMask(100, 100);
    m.data[53 * 100 + 50] = 1; // inside coarse pixel (3, 3)
    let out = resizeMask(m, 7, 7);
    expect(out.data.reduce((a, b) => a + b, 0)).toBe(1);
    expect(out.data[3 * 7 + 3]).toBe(1);
    // A fine pixel straddling two coarse pixels (x = 71 covers 4.97..5.04) marks both.
    m.data.fill(0);
    m.data[53 * 100 + 71] = 1;
    out = resizeMask(m, 7, 7);
    expect([out.data[3 * 7 + 4], out.data[3 * 7 + 5], out.data.reduce((a, b) => a + b, 0)]).toEqual([
      1, 1, 2,
    ]);
  });
});
