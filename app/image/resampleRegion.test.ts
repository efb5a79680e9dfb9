import { describe, expect, it } from 'vitest';
import { resampleRegion } from './resampleRegion';
import { createImage } from './types';

function ramp(w: number, h: number) {
  const img = createImage(w, h);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) img.data[c * w * h + y * w + x] = (x + y * 0.5 + c) / (w + h + 3);
  return img;
}

describe('resampleRegion', () => {
  it('a region equals the same rectangle of the full resample', () => {
    const src = ramp(13, 9);
    const full = resampleRegion(src, 50, 37, { x: 0, y: 0, width: 50, height: 37 });
    const part = resampleRegion(src, 50, 37, { x: 7, y: 11, width: 20, height: 15 });
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 15; y++)
        for (let x = 0; x < 20; x++)
          expect(part.data[c * 300 + y * 20 + x]).toBeCloseTo(
            full.data[c * 50 * 37 + (y + 11) * 50 + x + 7],
            6,
          );
  });
  it('keeps a constant image constant and reproduces a linear ramp away from the borders', () => {
    const k = createImage(5, 4);
    k.data.fill(0.3);
    const up = resampleRegion(k, 17, 11, { x: 0, y: 0, width: 17, height: 11 });
    for (const v of up.data) expect(v).toBeCloseTo(0.3, 6);
    const src = ramp(10, 10);
    const big = resampleRegion(src, 40, 40, { x: 0, y: 0, width: 40, height: 40 });
    // Interior target pixel (x=20,y=20) maps to source ((20 + 0.5) * 10 / 40 - 0.5) = 4.625 on both axes.
    const expected = (4.625 + 4.625 * 0.5) / 23;
    expect(big.data[20 * 40 + 20]).toBeCloseTo(expected, 4);
  });
  it('clamps the rectangle to the target', () => {
    const r = resampleRegion(ramp(4, 4), 8, 8, { x: 6, y: 6, width: 10, height: 10 });
    expect([r.width, r.height]).toEqual([2, 2]);
  });
});
