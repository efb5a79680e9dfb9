import { describe, expect, it } from 'vitest';
import { createImage } from '../../image/types';
import { SpaceConverter } from './colorSpace';
import { correctSeam, smoothChange } from './postprocess';
import { buildRegion, type Region } from './region';
import { createRng } from './rng';
import { texturedImage } from '../../testing/colorScenes';
import { rectMask } from '../../testing/masks';

const W = 60;
const H = 50;

/** A 40x30 hole over a textured image, in CIELab. */
function region(): Region {
  return buildRegion(texturedImage(W, H, 2, 9), rectMask(W, H, 10, 10, 50, 40), 'lab');
}

/** The hole pixel at image (x, y). */
function at(r: Region, x: number, y: number): number {
  return r.pixels.indexOf(y * W + x);
}

describe('guided smoothing of the colour change', () => {
  it('keeps a constant change exactly', () => {
    const r = region();
    const s = r.stride;
    const w = r.u.slice();
    for (let k = 0; k < r.n; k++) {
      w[k] += 4;
      w[s + k] -= 7;
      w[2 * s + k] += 2.5;
    }
    smoothChange(r, w, 4, 'lab');
    let worst = 0;
    for (let k = 0; k < r.n; k++)
      worst = Math.max(worst, Math.abs(w[k] - r.u[k] - 4), Math.abs(w[s + k] - r.u[s + k] + 7));
    expect(worst).toBeLessThan(1e-3);
  });

  it('averages away an isolated change (a speckle)', () => {
    const r = region();
    const w = r.u.slice();
    const k = at(r, 30, 25);
    w[r.stride + k] += 40; // one pixel sent far in a
    smoothChange(r, w, 4, 'lab');
    expect(Math.abs(w[r.stride + k] - r.u[r.stride + k])).toBeLessThan(0.2 * 40);
  });

  it('keeps a change that follows an edge of the image sharp', () => {
    // u: a lightness step at x = 30; the change: +10 on the dark side, −10 on the bright side
    const img = createImage(W, H);
    const n = W * H;
    const rng = createRng(4);
    for (let i = 0; i < n; i++) {
      const v = (i % W < 30 ? 0.25 : 0.75) + 0.01 * rng.normal();
      img.data[i] = img.data[n + i] = img.data[2 * n + i] = v;
    }
    const r = buildRegion(img, rectMask(W, H, 10, 10, 50, 40), 'lab');
    const w = r.u.slice();
    for (let k = 0; k < r.n; k++) w[2 * r.stride + k] += (r.pixels[k] % W < 30 ? 1 : -1) * 10;
    smoothChange(r, w, 4, 'lab');
    for (const [x, sign] of [
      [28, 1],
      [31, -1],
    ]) {
      const k = at(r, x, 25);
      expect(sign * (w[2 * r.stride + k] - r.u[2 * r.stride + k])).toBeGreaterThan(8);
    }
  });
});

describe('seam correction', () => {
  /** A flat image; the hole's colours are off by `offset` in L. */
  function offsetScene(offset: number) {
    const img = createImage(W, H, new Float32Array(3 * W * H).fill(0.5));
    const r = buildRegion(img, rectMask(W, H, 5, 5, 55, 45), 'lab');
    const w = r.u.slice();
    for (let k = 0; k < r.n; k++) w[k] += offset;
    return { img, r, w };
  }

  it('removes the step at the hole’s edge and fades into the hole', async () => {
    const { img, r, w } = offsetScene(6);
    await correctSeam(img, r, w, new SpaceConverter('lab'), 4);
    const off = (x: number, y: number) => w[at(r, x, y)] - r.u[at(r, x, y)];
    // on the edge (distance 1) the offset is gone; 20 px in (5 widths) it is nearly all left
    expect(Math.abs(off(5, 25))).toBeLessThan(0.6);
    expect(Math.abs(off(30, 5))).toBeLessThan(0.6);
    expect(off(25, 25)).toBeGreaterThan(5.5);
    // monotone in between
    expect(off(7, 25)).toBeLessThan(off(12, 25));
  });

  it('changes nothing when the edge is continuous', async () => {
    const { img, r, w } = offsetScene(0);
    await correctSeam(img, r, w, new SpaceConverter('lab'), 16);
    let worst = 0;
    for (let j = 0; j < 3 * r.stride; j++) worst = Math.max(worst, Math.abs(w[j] - r.u[j]));
    expect(worst).toBeLessThan(1e-3);
  });
});
