import { describe, expect, it } from 'vitest';
import { createImage } from '../../image/types';
import {
  ciede2000,
  fromWorking,
  labToSrgb,
  meanCiede2000,
  SpaceConverter,
  srgbToLab,
  toWorking,
} from './colorSpace';
import { createRng } from './rng';

describe('CIEDE2000', () => {
  // Sharma, Wu and Dalal (2005), supplementary test data (pairs 1-4, 7, 17-20, 25).
  const pairs: number[][] = [
    [50, 2.6772, -79.7751, 50, 0, -82.7485, 2.0425],
    [50, 3.1571, -77.2803, 50, 0, -82.7485, 2.8615],
    [50, 2.8361, -74.02, 50, 0, -82.7485, 3.4412],
    [50, -1.3802, -84.2814, 50, 0, -82.7485, 1.0],
    [50, 0, 0, 50, -1, 2, 2.3669],
    [50, 2.5, 0, 73, 25, -18, 27.1492],
    [50, 2.5, 0, 61, -5, 29, 22.8977],
    [50, 2.5, 0, 56, -27, -3, 31.903],
    [50, 2.5, 0, 58, 24, 15, 19.4535],
    [60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644],
  ];
  it.each(pairs)('matches Sharma’s test pair %#', (L1, a1, b1, L2, a2, b2, expected) => {
    expect(ciede2000(L1, a1, b1, L2, a2, b2)).toBeCloseTo(expected, 4);
    expect(ciede2000(L2, a2, b2, L1, a1, b1)).toBeCloseTo(expected, 4);
  });

  it('is 0 for equal colours and averages over the hole only', () => {
    expect(ciede2000(40, 10, -5, 40, 10, -5)).toBe(0);
    const a = createImage(2, 1, new Float32Array([0.2, 0.9, 0.3, 0.1, 0.4, 0.5]));
    const b = createImage(2, 1, new Float32Array([0.2, 0.1, 0.3, 0.8, 0.4, 0.2]));
    const mask = { width: 2, height: 1, data: new Uint8Array([1, 0]) };
    expect(meanCiede2000(a, b, mask)).toBe(0);
    expect(meanCiede2000(a, b)).toBeGreaterThan(10);
  });
});

describe('colour spaces', () => {
  it('maps sRGB white, black and red to their CIELab values (D65)', () => {
    const o = new Float64Array(3);
    srgbToLab(1, 1, 1, o, 0);
    expect(o[0]).toBeCloseTo(100, 3);
    expect(Math.abs(o[1]) + Math.abs(o[2])).toBeLessThan(1e-3);
    srgbToLab(0, 0, 0, o, 0);
    expect(Math.abs(o[0]) + Math.abs(o[1]) + Math.abs(o[2])).toBeLessThan(1e-9);
    srgbToLab(1, 0, 0, o, 0);
    expect(o[0]).toBeCloseTo(53.24, 1);
    expect(o[1]).toBeCloseTo(80.09, 1);
    expect(o[2]).toBeCloseTo(67.2, 1);
  });

  it('round-trips sRGB through CIELab and through 0..255', () => {
    const lab = new Float64Array(3);
    const back = new Float64Array(3);
    let worst = 0;
    for (let r = 0; r <= 1; r += 0.1)
      for (let g = 0; g <= 1; g += 0.1)
        for (let b = 0; b <= 1; b += 0.1) {
          srgbToLab(r, g, b, lab, 0);
          labToSrgb(lab[0], lab[1], lab[2], back, 0);
          worst = Math.max(worst, Math.abs(back[0] - r), Math.abs(back[1] - g), Math.abs(back[2] - b));
          toWorking('rgb', r, g, b, lab, 0);
          expect(lab[0]).toBeCloseTo(255 * r, 9);
          fromWorking('rgb', lab[0], lab[1], lab[2], back, 0);
          expect(back[2]).toBeCloseTo(b, 12);
        }
    expect(worst).toBeLessThan(1e-5);
  });
});

describe('table-driven conversion (SpaceConverter)', () => {
  it('matches the exact conversions to 2e-4 in CIELab and 2e-6 in sRGB', () => {
    const conv = new SpaceConverter('lab');
    const exact = new Float64Array(3);
    const fast = new Float64Array(3);
    let worstLab = 0;
    let worstRgb = 0;
    const rng = createRng(3);
    for (let trial = 0; trial < 20000; trial++) {
      const r = rng.next();
      const g = rng.next();
      const b = trial % 7 === 0 ? 0.001 * rng.next() : rng.next(); // dark colours too
      srgbToLab(r, g, b, exact, 0);
      conv.toWorking(r, g, b, fast, 0);
      worstLab = Math.max(worstLab, ...[0, 1, 2].map((c) => Math.abs(exact[c] - fast[c])));
      labToSrgb(exact[0], exact[1], exact[2], fast, 0);
      conv.toSrgb(exact[0], exact[1], exact[2], exact, 0);
      worstRgb = Math.max(worstRgb, ...[0, 1, 2].map((c) => Math.abs(exact[c] - fast[c])));
    }
    expect(worstLab).toBeLessThan(2e-4);
    expect(worstRgb).toBeLessThan(2e-6);
    const rgb = new SpaceConverter('rgb');
    rgb.toWorking(0.5, 0.25, 1, fast, 0);
    expect(Array.from(fast)).toEqual([127.5, 63.75, 255]);
  });
});
