// The fast passes of resize.ts (three planes per pass, per-axis tap tables, zero-skipping mask scan) give
// bit for bit what the plain definition gives: separable per-plane passes, the smaller intermediate first,
// each output accumulated in a double from 0 over its taps in order and stored as float.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resizeImage, resizeMask, resizePlane } from './resize';
import { createImage, createMask, type Mask } from './types';
import { mulberry32 } from '../common/random';

/** Taps of one axis as [index, weight] lists per output pixel (the definitions in resize.ts's comment). */
function taps(src: number, dst: number): [number, number][][] {
  const out: [number, number][][] = [];
  for (let i = 0; i < dst; i++) {
    const t: [number, number][] = [];
    if (dst < src) {
      const a = i * src;
      const b = a + src;
      for (let j = Math.floor(a / dst); j <= Math.min(src - 1, Math.ceil(b / dst) - 1); j++)
        t.push([j, (Math.min(b, (j + 1) * dst) - Math.max(a, j * dst)) / src]);
    } else {
      const x = (i + 0.5) * (src / dst) - 0.5;
      const f = Math.floor(x);
      const keys = (d: number) => {
        const v = Math.abs(d);
        return v <= 1 ? (1.5 * v - 2.5) * v * v + 1 : v < 2 ? (((v - 5) * v + 8) * v - 4) * -0.5 : 0;
      };
      for (let k = 0; k < 4; k++) t.push([Math.min(src - 1, Math.max(0, f - 1 + k)), keys(x - (f - 1 + k))]);
      const sum = t.reduce((s, [, w]) => s + w, 0);
      for (const p of t) p[1] /= sum;
    }
    out.push(t);
  }
  return out;
}

function referencePlane(p: Float32Array, w: number, h: number, nw: number, nh: number): Float32Array {
  const alongX = (src: Float32Array, sw: number, rows: number): Float32Array => {
    const t = taps(sw, nw);
    const o = new Float32Array(nw * rows);
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < nw; x++)
        o[y * nw + x] = t[x].reduce((acc, [j, wt]) => acc + src[y * sw + j] * wt, 0);
    return o;
  };
  const alongY = (src: Float32Array, cols: number, sh: number): Float32Array => {
    const t = taps(sh, nh);
    const o = new Float32Array(cols * nh);
    for (let y = 0; y < nh; y++)
      for (let x = 0; x < cols; x++)
        o[y * cols + x] = t[y].reduce((acc, [j, wt]) => acc + src[j * cols + x] * wt, 0);
    return o;
  };
  let out: Float32Array;
  if (nw === w) out = nh === h ? p.slice() : alongY(p, w, h);
  else if (nh === h) out = alongX(p, w, h);
  else out = w * nh < nw * h ? alongX(alongY(p, w, h), w, nh) : alongY(alongX(p, w, h), nw, h);
  if (nw > w || nh > h) out = out.map((v) => (v > 0 ? (v < 1 ? v : 1) : 0));
  return out;
}

const side = fc.integer({ min: 1, max: 40 });
/** Sizes that keep the aspect ratio (the two pass orders tie: the rule must pick rows first). */
const tie = fc
  .record({
    a: fc.integer({ min: 1, max: 8 }),
    b: fc.integer({ min: 1, max: 8 }),
    k: fc.integer({ min: 1, max: 6 }),
    l: fc.integer({ min: 1, max: 6 }),
  })
  .map(({ a, b, k, l }) => [a * k, b * k, a * l, b * l] as const);

describe('resize fast passes', () => {
  it('resizeImage and resizePlane are bit-identical to the per-plane definition, any sizes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(side, side, side, side), tie), fc.integer(), ([w, h, nw, nh], seed) => {
        const n = w * h;
        const data = new Float32Array(3 * n);
        const rnd = mulberry32(seed);
        for (let i = 0; i < data.length; i++) data[i] = rnd();
        const img = resizeImage(createImage(w, h, data), nw, nh);
        const m = nw * nh;
        for (let c = 0; c < 3; c++) {
          const plane = data.subarray(c * n, (c + 1) * n);
          const want = Array.from(referencePlane(plane, w, h, nw, nh));
          expect(Array.from(img.data.subarray(c * m, (c + 1) * m))).toEqual(want);
          expect(Array.from(resizePlane(plane, w, h, nw, nh))).toEqual(want);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('resizeMask gives the same mask whatever the alignment of its bytes', () => {
    fc.assert(
      fc.property(
        side,
        side,
        side,
        side,
        fc.integer(),
        fc.integer({ min: 1, max: 3 }),
        (w, h, nw, nh, seed, offset) => {
          const data = new Uint8Array(w * h);
          const rnd = mulberry32(seed);
          for (let i = 0; i < data.length; i++) data[i] = rnd() < 0.1 ? 1 : 0;
          const buf = new Uint8Array(w * h + offset);
          buf.set(data, offset);
          const aligned: Mask = createMask(w, h, data);
          const unaligned: Mask = createMask(w, h, buf.subarray(offset));
          expect(Array.from(resizeMask(unaligned, nw, nh).data)).toEqual(
            Array.from(resizeMask(aligned, nw, nh).data),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
