// The fast paths of morphology.ts against brute force: radii and feather widths on both sides of every
// switch (window or envelope feathering, small or large radius), holes touching the border, and mask bytes
// that are not 4-byte aligned (the zero-skipping scan reads 4 bytes at a time only when they are).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceTransform, featherWeights, growMask } from './morphology';
import { createMask, type Mask } from './types';
import { mulberry32 } from '../common/random';

const maskArb = (maxSide: number) =>
  fc
    .record({
      w: fc.integer({ min: 1, max: maxSide }),
      h: fc.integer({ min: 1, max: maxSide }),
      seed: fc.integer(),
      density: fc.constantFrom(0, 0.01, 0.05, 0.2, 0.6, 0.95, 1),
      blob: fc.boolean(),
    })
    .map(({ w, h, seed, density, blob }) => {
      const data = new Uint8Array(w * h);
      const rnd = mulberry32(seed);
      if (blob) {
        // A disc somewhere (possibly over the border) plus sparse specks.
        const cx = rnd() * w;
        const cy = rnd() * h;
        const r = rnd() * Math.max(w, h) * 0.6;
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) data[y * w + x] = 1;
      }
      for (let i = 0; i < data.length; i++) if (rnd() < density * 0.2) data[i] = 1;
      return createMask(w, h, data);
    });

/** Squared distance from each pixel to the nearest pixel where pick(data[j]) (Infinity when none). */
function bruteSq(data: Uint8Array, w: number, h: number, pick: (v: number) => boolean): Float64Array {
  const out = new Float64Array(w * h).fill(Infinity);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let yy = 0; yy < h; yy++)
        for (let xx = 0; xx < w; xx++)
          if (pick(data[yy * w + xx]))
            out[y * w + x] = Math.min(out[y * w + x], (x - xx) ** 2 + (y - yy) ** 2);
  return out;
}

function bruteGrow(m: Mask, px: number): number[] {
  const r2 = px * px;
  if (px > 0)
    return Array.from(
      bruteSq(m.data, m.width, m.height, (v) => v !== 0),
      (sq) => (sq <= r2 ? 1 : 0),
    );
  const sq = bruteSq(m.data, m.width, m.height, (v) => v === 0);
  return Array.from(m.data, (v, i) => (v && (sq[i] === Infinity || sq[i] > r2) ? 1 : 0));
}

function bruteFeather(m: Mask, width: number): number[] {
  const sq = bruteSq(m.data, m.width, m.height, (v) => v === 0);
  const w2 = width * width;
  return Array.from(m.data, (v, i) => {
    if (!v) return 0;
    if (width === 0 || sq[i] >= w2) return 1;
    const t = Math.sqrt(sq[i]) / width;
    return Math.fround(t * t * (3 - 2 * t));
  });
}

/** The same mask with its bytes at byteOffset `offset` of a larger buffer. */
function shifted(m: Mask, offset: number): Mask {
  const buf = new Uint8Array(m.data.length + offset);
  buf.set(m.data, offset);
  return createMask(m.width, m.height, buf.subarray(offset));
}

const radius = fc.oneof(
  fc.constantFrom(0.5, 1, Math.SQRT2, 2, 3, 4, 5, 12, 13, 20),
  fc.double({ min: 0.1, max: 25, noNaN: true }),
);

describe('growMask fast paths', () => {
  it('equals brute force for any radius, either sign, any alignment', () => {
    fc.assert(
      fc.property(
        maskArb(28),
        radius,
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        (m, r, shrink, offset) => {
          const px = shrink ? -r : r;
          const want = bruteGrow(m, px);
          expect(Array.from(growMask(m, px).data)).toEqual(want);
          expect(Array.from(growMask(shifted(m, offset), px).data)).toEqual(want);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps an all-hole mask when shrinking and fills the image when growing a hole far enough', () => {
    const all = createMask(7, 5, new Uint8Array(35).fill(1));
    expect(Array.from(growMask(all, -2).data)).toEqual(new Array(35).fill(1));
    const one = createMask(9, 6);
    one.data[0] = 1;
    expect(Array.from(growMask(one, 100).data)).toEqual(new Array(54).fill(1));
    expect(Array.from(growMask(createMask(4, 4), 3).data)).toEqual(new Array(16).fill(0));
  });
});

describe('featherWeights fast paths', () => {
  it('equals brute force for widths on both sides of the window/envelope switch, any alignment', () => {
    const width = fc.oneof(
      fc.constantFrom(0, 0.5, 1, 2, 3, 6, 12, 12.5, 13, 13.5, 20, 40),
      fc.double({ min: 0, max: 30, noNaN: true }),
    );
    fc.assert(
      fc.property(maskArb(36), width, fc.integer({ min: 0, max: 3 }), (m, wd, offset) => {
        const want = bruteFeather(m, wd);
        expect(Array.from(featherWeights(m, wd))).toEqual(want);
        expect(Array.from(featherWeights(shifted(m, offset), wd))).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });
});

describe('distanceTransform fast path', () => {
  it('equals brute force on larger grids, with any non-zero byte as a target', () => {
    fc.assert(
      fc.property(maskArb(40), fc.constantFrom(1, 7, 255), fc.integer({ min: 0, max: 3 }), (m, v, offset) => {
        const target = shifted(
          createMask(
            m.width,
            m.height,
            m.data.map((b) => (b ? v : 0)),
          ),
          offset,
        ).data;
        const want = bruteSq(m.data, m.width, m.height, (b) => b !== 0);
        const got = distanceTransform(target, m.width, m.height);
        for (let i = 0; i < want.length; i++) expect(got[i]).toBe(Math.fround(Math.sqrt(want[i])));
      }),
      { numRuns: 100 },
    );
  });
});
