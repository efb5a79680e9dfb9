import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createImage, createMask } from '../../../image/types';
import { pushPullFill } from '../../../image/fill/pushPull';
import { imageFrom, maskFrom, noiseImage } from '../../../testing/fillImages';
import { expectCode } from '../../../testing/errors';
import { changedOutside } from '../../../testing/masks';
import { mulberry32 } from '../../../common/random';

describe('pushPullFill', () => {
  it('keeps every pixel outside the hole bit-exact and fills inside within the known values (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (w, h, seedImg, seedMask, density) => {
          const img = noiseImage(w, h, seedImg);
          const mask = createMask(w, h);
          const rnd = mulberry32(seedMask);
          for (let i = 0; i < w * h; i++) mask.data[i] = rnd() < density ? 1 : 0;
          if (mask.data.every((v) => v === 1)) mask.data[0] = 0;
          const out = pushPullFill(img, mask);
          expect(changedOutside(out, img, mask)).toBe(0);
          const n = w * h;
          for (let c = 0; c < 3; c++) {
            let lo = Infinity;
            let hi = -Infinity;
            for (let i = 0; i < n; i++) {
              if (mask.data[i]) continue;
              lo = Math.min(lo, img.data[c * n + i]);
              hi = Math.max(hi, img.data[c * n + i]);
            }
            for (let i = 0; i < n; i++) {
              if (!mask.data[i]) continue;
              const v = out.data[c * n + i];
              expect(Number.isFinite(v)).toBe(true);
              expect(v).toBeGreaterThanOrEqual(lo - 1e-6);
              expect(v).toBeLessThanOrEqual(hi + 1e-6);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('fills a hole in a uniform image with that colour', () => {
    const img = imageFrom(80, 60, () => [0.25, 0.5, 0.75]);
    const mask = maskFrom(80, 60, (x, y) => Math.hypot(x - 30, y - 30) < 18);
    const out = pushPullFill(img, mask);
    for (let i = 0; i < out.data.length; i++) expect(out.data[i]).toBeCloseTo(img.data[i], 6);
  });

  it('reproduces a linear ramp inside a large hole to within 1% of its range', () => {
    const W = 160;
    const H = 120;
    const img = imageFrom(W, H, (x, y) => [x / (W - 1), y / (H - 1), (0.5 * (x + y)) / (W + H)]);
    const mask = maskFrom(W, H, (x, y) => Math.hypot(x - 80, y - 60) < 40);
    const out = pushPullFill(img, mask);
    let worst = 0;
    for (let i = 0; i < W * H; i++) {
      if (!mask.data[i]) continue;
      for (let c = 0; c < 3; c++)
        worst = Math.max(worst, Math.abs(out.data[c * W * H + i] - img.data[c * W * H + i]));
    }
    // The membrane (harmonic) fill reproduces linear functions; the coarse-to-fine solve leaves ~1e-3.
    expect(worst).toBeLessThan(0.01);
  });

  it('fills holes that touch the image border and several separate holes', () => {
    const W = 120;
    const H = 90;
    const img = imageFrom(W, H, (x, y) => [x / W, 0.3, y / H]);
    const mask = maskFrom(W, H, (x, y) => x < 10 || Math.hypot(x - 90, y - 70) < 8 || (y < 5 && x > 50));
    const out = pushPullFill(img, mask);
    expect(changedOutside(out, img, mask)).toBe(0);
    // At the image's edge the membrane is free (zero slope), so a ramp bends there: at the corner of the
    // 10-px band the exact membrane is ~0.09 off; interior holes come back to ~1e-3.
    for (let i = 0; i < W * H; i++) {
      if (!mask.data[i]) continue;
      const interior = i % W > 20 && i / W > 20;
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(out.data[c * W * H + i] - img.data[c * W * H + i])).toBeLessThan(
          interior ? 0.01 : 0.15,
        );
      }
    }
  });

  it('returns an equal copy for an empty mask', () => {
    const img = noiseImage(17, 9, 3);
    const out = pushPullFill(img, createMask(17, 9));
    expect(out).not.toBe(img);
    expect(out.data).toEqual(img.data);
  });

  it('refuses a mask that covers the whole image, and a mask of another size', () => {
    const img = createImage(8, 8);
    const full = createMask(8, 8, new Uint8Array(64).fill(1));
    const e = expectCode(() => pushPullFill(img, full), 'PARAM_INVALID');
    expect(e.message).toBe('The mask covers the whole image; nothing is left to fill from');
    expectCode(() => pushPullFill(img, createMask(8, 9)), 'MASK_SIZE');
  });

  it('throws CANCELLED when the signal has fired', () => {
    const img = noiseImage(32, 32, 5);
    const mask = maskFrom(32, 32, (x, y) => x > 10 && y > 10 && x < 20 && y < 20);
    const ac = new AbortController();
    ac.abort();
    expectCode(() => pushPullFill(img, mask, { signal: ac.signal }), 'CANCELLED');
  });
});
