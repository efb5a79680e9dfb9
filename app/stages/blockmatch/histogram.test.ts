import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createImage } from '../../image/types';
import { blockHistogram, histogramDistance, histogramMaps, HISTOGRAM_SIZE, rootHistogram } from './histogram';
import { noiseTexture } from '../../testing/blockmatchImages';

describe('block histograms', () => {
  it('counts every pixel once per channel, clamping values outside 0..1 to the end bins', () => {
    const img = createImage(4, 4);
    img.data.fill(0.5);
    img.data[0] = -0.2; // R, first bin
    img.data[1] = 1; // R, last bin
    img.data[16] = 1.7; // G, last bin
    const h = blockHistogram(img, 0, 0, 4, new Int32Array(HISTOGRAM_SIZE));
    expect(h[0]).toBe(1);
    expect(h[15]).toBe(1);
    expect(h[8]).toBe(14);
    expect(h[16 + 15]).toBe(1);
    expect(h.reduce((a, b) => a + b, 0)).toBe(48);
  });

  it('measures 0 for equal histograms, 1 for disjoint ones, symmetrically in between', () => {
    const dark = createImage(8, 8);
    dark.data.fill(0.1);
    const bright = createImage(8, 8);
    bright.data.fill(0.9);
    const h = (img: typeof dark) => blockHistogram(img, 0, 0, 8, new Int32Array(HISTOGRAM_SIZE));
    expect(histogramDistance(h(dark), h(dark), 64)).toBe(0);
    expect(histogramDistance(h(dark), h(bright), 64)).toBe(1);
    const tex = noiseTexture(40, 40, 2);
    fc.assert(
      fc.property(fc.nat(32), fc.nat(32), fc.nat(32), fc.nat(32), (x0, y0, x1, y1) => {
        const a = blockHistogram(tex, x0, y0, 8, new Int32Array(HISTOGRAM_SIZE));
        const b = blockHistogram(tex, x1, y1, 8, new Int32Array(HISTOGRAM_SIZE));
        const d = histogramDistance(a, b, 64);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(1);
        expect(histogramDistance(b, a, 64)).toBeCloseTo(d, 12);
      }),
      { numRuns: 50 },
    );
  });

  it('maps the root histograms of blocks on any increasing grid of corners', () => {
    const tex = noiseTexture(70, 50, 4);
    const b = 12;
    const xs = Int32Array.from([0, 3, 4, 20, 41, 58]);
    const ys = Int32Array.from([1, 2, 17, 30, 38]);
    const maps = histogramMaps(tex, b, xs, ys);
    const plane = xs.length * ys.length;
    for (let v = 0; v < ys.length; v++)
      for (let u = 0; u < xs.length; u++) {
        const want = rootHistogram(
          blockHistogram(tex, xs[u], ys[v], b, new Int32Array(HISTOGRAM_SIZE)),
          b * b,
        );
        for (let k = 0; k < HISTOGRAM_SIZE; k++)
          expect(maps[k * plane + v * xs.length + u]).toBeCloseTo(want[k], 6);
      }
  });
});
