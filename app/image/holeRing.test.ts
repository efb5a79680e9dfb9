import { describe, expect, it } from 'vitest';
import { StudioError } from '../common/errors';
import { edgeShift, labPlanes, ringGeometry, ringWidthFor } from './holeRing';
import { maskedBlur } from './maskedBlur';
import { createImage, createMask } from './types';

describe('maskedBlur', () => {
  it('averages only the region: a region of 1s beside 5s stays 1 everywhere it reaches', () => {
    const W = 20;
    const H = 10;
    const p = new Float32Array(W * H);
    const region = new Uint8Array(W * H);
    for (let i = 0; i < W * H; i++) {
      const inside = i % W < 10;
      p[i] = inside ? 1 : 5;
      region[i] = inside ? 1 : 0;
    }
    const [out] = maskedBlur([p], W, H, region, 2);
    for (let i = 0; i < W * H; i++) if (i % W < 14) expect(out[i]).toBeCloseTo(1, 5);
    // Beyond 3σ of the region nothing is known.
    expect(Number.isNaN(out[19])).toBe(true);
    const [plain] = maskedBlur([p], W, H, null, 2);
    expect(plain[9]).toBeGreaterThan(1.5);
  });

  it('names the bad input', () => {
    expect(() => maskedBlur([new Float32Array(3)], 2, 2, null, 1)).toThrow(StudioError);
  });
});

describe('hole ring and edge colour shift', () => {
  const W = 64;
  const H = 64;
  const mask = createMask(W, H);
  for (let y = 24; y < 40; y++) for (let x = 24; x < 40; x++) mask.data[y * W + x] = 1;

  it('takes a ring of clamp(radius, 8, 48) px outside every hole, split in halves', () => {
    expect(ringWidthFor(10)).toBe(8);
    expect(ringWidthFor(Math.PI * 30 * 30)).toBe(30);
    expect(ringWidthFor(1e7)).toBe(48);
    const g = ringGeometry(mask, mask);
    expect(g.ringWidth).toBe(9);
    expect(g.box).toEqual({ x: 14, y: 14, width: 36, height: 36 });
    let inner = 0;
    let outer = 0;
    for (let i = 0; i < g.hole.length; i++) {
      expect(g.hole[i] && g.ring[i]).toBeFalsy();
      inner += g.inner[i];
      outer += g.outer[i];
    }
    expect(inner).toBeGreaterThan(0);
    expect(outer).toBeGreaterThan(0);
  });

  it('measures a uniform lightness step at the edge as its size, and none on a flat image', () => {
    const flat = createImage(W, H);
    flat.data.fill(0.5);
    const stepped = createImage(W, H, flat.data.slice());
    const n = W * H;
    for (let i = 0; i < n; i++) if (mask.data[i]) for (let c = 0; c < 3; c++) stepped.data[c * n + i] = 0.6;
    const g = ringGeometry(mask, mask);
    const shift = (img: typeof flat) =>
      edgeShift(labPlanes(img, g.box), g.box.width, g.box.height, g.hole, g.ring);
    expect(shift(flat)).toBeCloseTo(0, 5);
    // sRGB 0.5 -> 0.6 grey is about 9.4 L units (chroma 0).
    expect(shift(stepped)).toBeGreaterThan(9);
    expect(shift(stepped)).toBeLessThan(10);
  });
});
