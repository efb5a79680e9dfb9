import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../common/random';
import { distanceToKnown, distanceTransform, featherWeights, growMask } from './morphology';
import { createMask, maskArea } from './types';

const gridArb = fc
  .record({
    w: fc.integer({ min: 1, max: 16 }),
    h: fc.integer({ min: 1, max: 16 }),
    seed: fc.integer(),
    density: fc.constantFrom(0, 0.02, 0.1, 0.5, 1),
  })
  .map(({ w, h, seed, density }) => {
    const data = new Uint8Array(w * h);
    const rnd = mulberry32(seed);
    for (let i = 0; i < data.length; i++) data[i] = rnd() < density ? 1 : 0;
    return { w, h, data };
  });

function bruteDistance(data: Uint8Array, w: number, h: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let best = Infinity;
      for (let yy = 0; yy < h; yy++)
        for (let xx = 0; xx < w; xx++)
          if (data[yy * w + xx]) best = Math.min(best, Math.hypot(x - xx, y - yy));
      out.push(best);
    }
  }
  return out;
}

describe('distanceToKnown (chamfer)', () => {
  it('measures the distance to the nearest known pixel (chamfer, within 8%)', () => {
    const W = 41;
    const hole = new Uint8Array(W * W).fill(1);
    hole[20 * W + 20] = 0;
    const d = distanceToKnown(hole, W, W);
    expect(d[20 * W + 20]).toBe(0);
    expect(d[20 * W + 30]).toBeCloseTo(10, 5);
    const diag = d[30 * W + 30];
    expect(Math.abs(diag - Math.hypot(10, 10)) / Math.hypot(10, 10)).toBeLessThan(0.08);
  });

  it('stays within 8% of the exact distance, in whole thirds of a pixel, on random masks', () => {
    fc.assert(
      fc.property(gridArb, ({ w, h, data }) => {
        const known = data.map((v) => (v ? 0 : 1));
        const got = distanceToKnown(data, w, h);
        const exact = distanceTransform(known, w, h);
        for (let i = 0; i < data.length; i++) {
          if (exact[i] === Infinity) {
            expect(got[i]).toBeCloseTo(w + h, 4);
            continue;
          }
          expect(Math.abs(3 * got[i] - Math.round(3 * got[i]))).toBeLessThan(1e-3);
          expect(got[i]).toBeGreaterThanOrEqual(exact[i] * 0.92 - 1e-5);
          expect(got[i]).toBeLessThanOrEqual(exact[i] * 1.08 + 1e-5);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('does not measure from outside the array: a hole on the border counts from its known side', () => {
    // One row: hole, hole, known. The first pixel is 2 px from the known one, not 1 from the edge.
    expect(Array.from(distanceToKnown(new Uint8Array([1, 1, 0]), 3, 1))).toEqual([2, 1, 0]);
  });
});

describe('distanceTransform', () => {
  it('equals brute force on random masks', () => {
    fc.assert(
      fc.property(gridArb, ({ w, h, data }) => {
        const got = distanceTransform(data, w, h);
        const want = bruteDistance(data, w, h);
        for (let i = 0; i < want.length; i++) {
          if (want[i] === Infinity) expect(got[i]).toBe(Infinity);
          else expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is 0 on targets and Infinity everywhere when there is none', () => {
    expect(Array.from(distanceTransform(new Uint8Array([0, 1, 0]), 3, 1))).toEqual([1, 0, 1]);
    expect(Array.from(distanceTransform(new Uint8Array(4), 2, 2))).toEqual([
      Infinity,
      Infinity,
      Infinity,
      Infinity,
    ]);
  });
});

describe('growMask', () => {
  it('dilating an isolated pixel by r gives exactly the disk of radius r', () => {
    for (const r of [1, 2.5, 4, 6.3]) {
      const m = createMask(21, 21);
      m.data[10 * 21 + 10] = 1;
      const g = growMask(m, r);
      for (let y = 0; y < 21; y++) {
        for (let x = 0; x < 21; x++) expect(g.data[y * 21 + x]).toBe(Math.hypot(x - 10, y - 10) <= r ? 1 : 0);
      }
    }
  });

  it('eroding a square hole by r shrinks it by floor(r) on every side', () => {
    const m = createMask(20, 20);
    for (let y = 4; y < 16; y++) for (let x = 4; x < 16; x++) m.data[y * 20 + x] = 1; // 12x12
    for (const [r, side] of [
      [2, 8],
      [3.5, 6],
      [5.9, 2],
      [6, 0],
    ] as const) {
      const e = growMask(m, -r);
      expect(maskArea(e)).toBe(side * side);
      if (side > 0) {
        const lo = 4 + Math.floor(r);
        expect(e.data[lo * 20 + lo]).toBe(1);
        expect(e.data[(lo - 1) * 20 + lo]).toBe(0);
      }
    }
  });

  it('erosion is the dual of dilation, 0 is a copy, and never adds or removes the wrong pixels', () => {
    fc.assert(
      fc.property(gridArb, fc.double({ min: 0.5, max: 5, noNaN: true }), ({ w, h, data }, r) => {
        const m = createMask(w, h, data);
        const inverse = createMask(
          w,
          h,
          data.map((v) => 1 - v),
        );
        const eroded = growMask(m, -r);
        const dual = growMask(inverse, r);
        const hasKnown = data.some((v) => v === 0);
        for (let i = 0; i < data.length; i++) {
          if (hasKnown) expect(eroded.data[i]).toBe(1 - dual.data[i]);
          expect(eroded.data[i] <= data[i]).toBe(true);
          expect(growMask(m, r).data[i] >= data[i]).toBe(true);
        }
        const copy = growMask(m, 0);
        expect(copy.data).not.toBe(m.data);
        expect(Array.from(copy.data)).toEqual(Array.from(data));
      }),
      { numRuns: 80 },
    );
  });

  it('refuses a non-finite radius', () => {
    expect(() => growMask(createMask(2, 2), NaN)).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
  });
});

describe('featherWeights', () => {
  const hole = () => {
    const m = createMask(40, 40);
    for (let y = 5; y < 35; y++) for (let x = 5; x < 35; x++) m.data[y * 40 + x] = 1;
    return m;
  };

  it('is 0 outside the hole, small at its edge, 1 deep inside, and never decreases inwards', () => {
    const m = hole();
    const w = featherWeights(m, 6);
    for (let i = 0; i < w.length; i++) if (!m.data[i]) expect(w[i]).toBe(0);
    const row = 20 * 40;
    expect(w[row + 5]).toBeGreaterThan(0);
    expect(w[row + 5]).toBeLessThan(0.1);
    expect(w[row + 20]).toBe(1);
    expect(w[row + 5 + 6]).toBe(1); // distance 7 to the known pixel at x = 4
    for (let x = 5; x < 20; x++) expect(w[row + x + 1]).toBeGreaterThanOrEqual(w[row + x]);
    for (const v of w) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('width 0 gives exactly 1 in the hole; an all-hole mask is 1 everywhere', () => {
    const m = hole();
    const w = featherWeights(m, 0);
    for (let i = 0; i < w.length; i++) expect(w[i]).toBe(m.data[i] ? 1 : 0);
    const all = createMask(3, 3, new Uint8Array(9).fill(1));
    expect(Array.from(featherWeights(all, 5))).toEqual(new Array(9).fill(1));
  });

  it('refuses a negative width', () => {
    expect(() => featherWeights(hole(), -1)).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
  });
});
