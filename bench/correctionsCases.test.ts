import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../app/common/random';
import { createImage, createMask, type Mask, type RgbImage } from '../app/image/types';
import { srgbToLab } from '../app/stages/color/colorSpace';
import { blandDefect, objectBlob, score, standInFill, truthRef } from './correctionsCases';

/** A 96×96 colour image with noise detail on smooth colour ramps. */
function textured(): RgbImage {
  const W = 96,
    H = 96,
    n = W * H;
  const img = createImage(W, H);
  const rnd = mulberry32(9);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const d = 0.15 * (rnd() - 0.5);
      img.data[i] = 0.6 + 0.2 * Math.sin(x / 15) + d;
      img.data[n + i] = 0.4 + 0.1 * Math.cos(y / 20) + d;
      img.data[2 * n + i] = 0.25 + d;
    }
  return img;
}

function square(W: number, H: number, x0: number, y0: number, side: number): Mask {
  const m = createMask(W, H);
  for (let y = y0; y < y0 + side; y++) for (let x = x0; x < x0 + side; x++) m.data[y * W + x] = 1;
  return m;
}

describe('corrections bench metrics', () => {
  it('scores the truth itself as S 0, D 1, seam 1', () => {
    const t = textured();
    const mask = square(96, 96, 32, 32, 32);
    const s = score(t, truthRef(t, mask));
    expect(s.S).toBe(0);
    expect(s.D).toBeCloseTo(1, 6);
    expect(s.lnD).toBeCloseTo(0, 6);
    expect(s.seam).toBeCloseTo(1, 6);
  });

  it('scores a blurred hole as less detail (D well below 1) with the low-pass nearly kept', async () => {
    const t = textured();
    const mask = square(96, 96, 32, 32, 32);
    const blur = await standInFill(t, mask, 'blur');
    const s = score(blur, truthRef(t, mask));
    expect(s.D).toBeLessThan(0.2);
    expect(s.S).toBeGreaterThan(0);
    expect(s.S).toBeLessThan(2);
    // Outside the hole the stand-in is the truth.
    for (let i = 0; i < 96 * 96; i++) if (!mask.data[i]) expect(blur.data[i]).toBe(t.data[i]);
  });

  it('counts a colour step in the hole as a higher S and a visible seam', () => {
    const t = textured();
    const mask = square(96, 96, 32, 32, 32);
    const shifted = { ...t, data: t.data.slice() };
    for (let i = 0; i < 96 * 96; i++) if (mask.data[i]) shifted.data[i] += 0.15;
    const s = score(shifted, truthRef(t, mask));
    expect(s.S).toBeGreaterThan(3);
    expect(s.seam).toBeGreaterThan(1.5);
  });
});

describe('corrections bench cases', () => {
  it('makes a deterministic blob near its centre covering about 55% of its disc', () => {
    const spec = { cx: 100, cy: 80, radius: 30, seed: 4 };
    const a = objectBlob(200, 160, spec);
    const b = objectBlob(200, 160, spec);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    let area = 0;
    for (let y = 0; y < 160; y++)
      for (let x = 0; x < 200; x++)
        if (a.data[y * 200 + x]) {
          area++;
          // Disc centres stay within 0.6 r, discs are at most 0.455 r: nothing beyond 1.06 r.
          expect(Math.hypot(x - 100, y - 80)).toBeLessThan(1.06 * 30 + 1);
        }
    expect(area).toBeGreaterThanOrEqual(Math.round(0.55 * Math.PI * 900));
    expect(area).toBeLessThan(0.75 * Math.PI * 900);
  });

  it('makes the bland defect: chroma 0.3-0.8 of the truth, L about +6, pixels far from the hole untouched', () => {
    const t = textured();
    const mask = square(96, 96, 60, 60, 16);
    const d = blandDefect(t, mask);
    const n = 96 * 96;
    const la = new Float64Array(3),
      lb = new Float64Array(3);
    let dL = 0,
      k = 0;
    for (let i = 0; i < n; i++) {
      if (!mask.data[i]) continue;
      srgbToLab(t.data[i], t.data[n + i], t.data[2 * n + i], la, 0);
      srgbToLab(d.data[i], d.data[n + i], d.data[2 * n + i], lb, 0);
      const ratio = Math.hypot(lb[1], lb[2]) / Math.hypot(la[1], la[2]);
      expect(ratio).toBeGreaterThan(0.27);
      expect(ratio).toBeLessThan(0.83);
      dL += lb[0] - la[0];
      k++;
    }
    expect(dL / k).toBeGreaterThan(5);
    expect(dL / k).toBeLessThan(7);
    // The defect is applied on a crop 40 px around the hole's box; the corner is beyond it.
    expect(d.data[0]).toBe(t.data[0]);
  });
});
