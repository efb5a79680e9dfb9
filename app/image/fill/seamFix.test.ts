import { describe, expect, it } from 'vitest';
import { errorOf } from '../../testing/errors';
import { imageFrom, maskFrom, noiseImage } from '../../testing/fillImages';
import { distanceToKnown } from '../morphology';
import { fixSeam, seamCorrection } from './seamFix';

const W = 48;
const H = 40;
/** An irregular hole well inside the frame. */
const hole = maskFrom(
  W,
  H,
  (x, y) => (x - 22) ** 2 / 200 + (y - 20) ** 2 / 120 < 1 || (x > 30 && x < 40 && y > 14 && y < 22),
);
const n = W * H;

const depth = distanceToKnown(hole.data, W, H);
/** A flat known area (its colour per channel). */
const FLAT = [0.5, 0.4, 0.3];
/** Detail of the fill: noise deeper than the hole's edge pixels (0 on them, so the edge sees only the offset). */
const detail = noiseImage(W, H, 11).data.map((v, j) => (depth[j % n] > 1.5 ? 0.2 * (v - 0.5) : 0));

/** The flat image with, in the hole, the detail plus `off(x, y, c)`; and the truth (the flat image plus the detail). */
function offsetFill(off: (x: number, y: number, c: number) => number): {
  planes: Float32Array;
  truth: Float32Array;
} {
  const truth = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++) truth[c * n + i] = FLAT[c] + (hole.data[i] ? detail[c * n + i] : 0);
  const planes = truth.slice();
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      if (hole.data[y * W + x]) for (let c = 0; c < 3; c++) planes[c * n + y * W + x] += off(x, y, c);
  return { planes, truth };
}

function worstInHole(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < n; i++)
    if (hole.data[i])
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(a[c * n + i] - b[c * n + i]));
  return worst;
}

describe('fixSeam', () => {
  it('removes a constant offset of the fill and keeps its detail; known pixels stay bit-exact', async () => {
    const { planes, truth } = offsetFill((_x, _y, c) => [0.2, -0.1, 0.05][c]);
    const before = planes.slice();
    expect(await fixSeam(planes, hole.data, W, H)).toBe(true);
    expect(worstInHole(planes, truth)).toBeLessThan(1e-3);
    for (let i = 0; i < n; i++)
      if (!hole.data[i]) for (let c = 0; c < 3; c++) expect(planes[c * n + i]).toBe(before[c * n + i]);
  });

  it('removes an offset that varies linearly across the hole (a membrane reproduces planes)', async () => {
    const slope = (c: number) => 0.01 * (c + 1);
    const { planes, truth } = offsetFill((x, y, c) => slope(c) * (x - 20) - 0.004 * y);
    const before = worstInHole(planes, truth);
    await fixSeam(planes, hole.data, W, H);
    // The mismatch is read on the hole's side of the edge, half a pixel in: the plane is recovered to
    // within about a pixel's slope (0.03), from an offset of up to 0.4.
    expect(before).toBeGreaterThan(0.3);
    expect(worstInHole(planes, truth)).toBeLessThan(0.03);
  });

  it('averaging along the edge keeps a smooth mismatch and ignores a one-pixel line crossing the edge', async () => {
    // The fill is the truth, but a thin bright line crosses the known side next to the hole: unaveraged
    // it would be pulled into the hole as a blob, averaged along the edge it is spread thin.
    const base = imageFrom(W, H, () => [0.5, 0.5, 0.5]).data;
    for (let y = 0; y < H; y++)
      if (!hole.data[y * W + 22]) for (let c = 0; c < 3; c++) base[c * n + y * W + 22] = 1;
    const plain = base.slice();
    const averaged = base.slice();
    await fixSeam(plain, hole.data, W, H);
    await fixSeam(averaged, hole.data, W, H, { alongEdge: 4 });
    const at = (p: Float32Array) => p[21 * W + 22] - 0.5; // near the hole's middle, on the line's path
    expect(at(averaged)).toBeLessThan(at(plain));
    expect(Math.abs(worstInHole(averaged, imageFrom(W, H, () => [0.5, 0.5, 0.5]).data))).toBeLessThan(0.2);
  });

  it('on cells of 4 pixels removes a constant offset as exactly, and a linear one to within a cell', async () => {
    const flat = offsetFill((_x, _y, c) => [0.2, -0.1, 0.05][c]);
    await fixSeam(flat.planes, hole.data, W, H, { cell: 4 });
    expect(worstInHole(flat.planes, flat.truth)).toBeLessThan(1e-3);
    const ramp = offsetFill((x, _y, c) => 0.004 * (c + 1) * (x - 20));
    const before = worstInHole(ramp.planes, ramp.truth);
    await fixSeam(ramp.planes, hole.data, W, H, { cell: 4 });
    // 4 px of the steepest slope (0.012 / px) is 0.048
    expect(before).toBeGreaterThan(0.2);
    expect(worstInHole(ramp.planes, ramp.truth)).toBeLessThan(0.048);
  });

  it('fades the correction with the distance to the edge', async () => {
    const { planes } = offsetFill(() => 0.3);
    const h = (await seamCorrection(planes, hole.data, W, H, { fade: 3 }))!;
    for (let i = 0; i < n; i++) {
      if (!hole.data[i]) {
        expect(h[i]).toBe(0);
        continue;
      }
      const f = Math.exp(-(depth[i] - 1) / 3);
      // the unfaded membrane of a constant offset is that constant
      if (f >= 1e-3) expect(h[i]).toBeCloseTo(-0.3 * f, 3);
      else expect(h[i]).toBe(0);
    }
  });

  it('clamps to 0..1 when asked', async () => {
    const { planes } = offsetFill(() => -0.6);
    for (let i = 0; i < n; i++) if (!hole.data[i]) planes[i] = 1; // red known at 1: the fill is pulled above it
    await fixSeam(planes, hole.data, W, H, { clamp: true });
    for (let i = 0; i < 3 * n; i++) expect(planes[i]).toBeLessThanOrEqual(1);
  });

  it('leaves a hole with no known neighbour as it is', async () => {
    const all = new Uint8Array(n).fill(1);
    const planes = noiseImage(W, H, 7).data;
    const before = planes.slice();
    expect(await fixSeam(planes, all, W, H)).toBe(false);
    expect(planes).toEqual(before);
  });

  it('stops with CANCELLED when the signal fires', async () => {
    const ac = new AbortController();
    ac.abort();
    await errorOf(fixSeam(offsetFill(() => 0.1).planes, hole.data, W, H, { signal: ac.signal }), 'CANCELLED');
  });
});
