import { describe, expect, it } from 'vitest';
import { cloneImage } from '../../image/types';
import { SpaceConverter } from './colorSpace';
import { PreviewCanvas } from './preview';
import { buildRegion, writeRegionInto } from './region';
import { texturedImage } from '../../testing/colorScenes';
import { rectMask } from '../../testing/masks';

describe('colour stage previews', () => {
  const W = 2100;
  const H = 40;
  const image = texturedImage(W, H, 3, 20);
  const mask = rectMask(W, H, 300, 5, 900, 35);
  const conv = new SpaceConverter('lab');
  const region = buildRegion(image, mask, 'lab', conv);

  it('are reduced to at most 1024 pixels on the long side, averaged outside the hole', () => {
    const canvas = new PreviewCanvas(cloneImage(image), conv);
    expect(canvas.factor).toBe(3);
    const p = canvas.preview(region, region.u);
    expect([p.width, p.height]).toEqual([700, 14]);
    // a block outside the hole: the mean of 2 x 2 of its pixels (offsets 0 and 2 of 3; the last row
    // of blocks is cut at the image's bottom)
    const n = W * H;
    const m = p.width * p.height;
    for (const [px, py] of [
      [10, 2],
      [650, 13],
    ]) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (const y of [3 * py, Math.min(H - 1, 3 * py + 2)])
          for (const x of [3 * px, 3 * px + 2]) s += image.data[c * n + y * W + x];
        expect(p.data[c * m + py * p.width + px]).toBeCloseTo(s / 4, 5);
      }
    }
  });

  it('show the hole in its current colours, and keep a finished hole', () => {
    const out = cloneImage(image);
    const canvas = new PreviewCanvas(out, conv);
    const m = canvas.width * canvas.height;
    const w = region.u.slice();
    for (let k = 0; k < region.n; k++) w[k] = 90; // much lighter
    const spot = (y: number, x: number) => (y / 3) * canvas.width + x / 3; // (x, y) multiples of 3
    const before = canvas.preview(region, region.u).data[spot(9, 600)];
    const during = canvas.preview(region, w).data[spot(9, 600)];
    expect(during).toBeGreaterThan(before + 0.1);
    // the hole written and committed: later previews (of another hole) keep it
    writeRegionInto(out, region, w, 'lab', conv);
    canvas.commit(region, w);
    const other = buildRegion(image, rectMask(W, H, 1200, 5, 1300, 35), 'lab', conv);
    const after = canvas.preview(other, other.u);
    expect(after.data[spot(9, 600)]).toBeCloseTo(during, 6);
    expect(after.data.length).toBe(3 * m);
  });

  it('are the whole image for small images', () => {
    const small = texturedImage(64, 48, 1);
    const r = buildRegion(small, rectMask(64, 48, 10, 10, 30, 30), 'lab', conv);
    const canvas = new PreviewCanvas(cloneImage(small), conv);
    expect(canvas.factor).toBe(1);
    const p = canvas.preview(r, r.u);
    const expected = cloneImage(small);
    writeRegionInto(expected, r, r.u, 'lab', conv);
    expect(p.data).toEqual(expected.data);
  });
});
