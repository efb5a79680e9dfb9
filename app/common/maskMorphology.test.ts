// The shared mask algorithms: the editor's in-place grow/shrink of its soft coverage (bit 7 = hole) gives
// exactly the engine's growMask of the thresholded mask, and the shared box scan reads either coding.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { growInBox, growMask } from './maskMorphology';
import { nonZeroBox, setBox } from './maskScan';
import { mulberry32 } from './random';

const coverageArb = fc
  .record({
    w: fc.integer({ min: 1, max: 30 }),
    h: fc.integer({ min: 1, max: 30 }),
    seed: fc.integer(),
    density: fc.constantFrom(0, 0.02, 0.1, 0.4, 0.9, 1),
  })
  .map(({ w, h, seed, density }) => {
    const rnd = mulberry32(seed);
    const cov = new Uint8Array(w * h);
    for (let i = 0; i < cov.length; i++)
      cov[i] = rnd() < density ? 128 + Math.floor(rnd() * 128) : Math.floor(rnd() * 128);
    return { w, h, cov };
  });

describe('shared mask morphology', () => {
  it("grows and shrinks soft coverage in place exactly as the engine's growMask does the thresholded mask", () => {
    fc.assert(
      fc.property(
        coverageArb,
        fc.integer({ min: -12, max: 12 }).filter((n) => n !== 0),
        ({ w, h, cov }, n) => {
          const binary = cov.map((v) => (v >= 128 ? 1 : 0));
          const want = growMask({ width: w, height: h, data: binary }, n).data;
          const bounds = setBox(cov, w, h, 0x80);
          const got = cov.slice();
          if (bounds) {
            const m = Math.max(0, n) + 1;
            const box = {
              x0: Math.max(0, bounds.x0 - m),
              y0: Math.max(0, bounds.y0 - m),
              x1: Math.min(w, bounds.x1 + m),
              y1: Math.min(h, bounds.y1 + m),
            };
            growInBox(got, w, box, n, got, 0x80, 255);
            // Inside the box every pixel is hard-edged.
            for (let y = box.y0; y < box.y1; y++)
              for (let x = box.x0; x < box.x1; x++) expect([0, 255]).toContain(got[y * w + x]);
          }
          expect(Array.from(got, (v) => (v >= 128 ? 1 : 0))).toEqual(Array.from(want));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds the box of the non-zero bytes or of the bytes >= 128, at any alignment', () => {
    fc.assert(
      fc.property(coverageArb, fc.integer({ min: 0, max: 3 }), ({ w, h, cov }, offset) => {
        const buf = new Uint8Array(cov.length + offset);
        buf.set(cov, offset);
        const data = buf.subarray(offset);
        const plain = (pick: (v: number) => boolean) => {
          let x0 = w,
            y0 = h,
            x1 = -1,
            y1 = -1;
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++)
              if (pick(data[y * w + x])) {
                x0 = Math.min(x0, x);
                x1 = Math.max(x1, x);
                y0 = Math.min(y0, y);
                y1 = y;
              }
          return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
        };
        expect(setBox(data, w, h, 0x80)).toEqual(plain((v) => v >= 128));
        expect(nonZeroBox(data, w, h)).toEqual(plain((v) => v !== 0));
      }),
      { numRuns: 200 },
    );
  });
});
