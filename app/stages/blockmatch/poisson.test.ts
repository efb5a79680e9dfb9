import { describe, expect, it } from 'vitest';
import type { Mask, RgbImage } from '../../image/types';
import { maskBlocks } from './grid';
import type { BlockMatch } from './match';
import { featherPaste } from './paste';
import { poissonPaste } from './poisson';
import { discMask, noiseTexture, roughFill } from '../../testing/blockmatchImages';
import { changedOutside } from '../../testing/masks';

const W = 96;
const H = 88;
const b = 16;

/** Every mask block's source: the block moved by one of a few offsets (all inside the image). */
function shiftedMatches(mask: Mask): BlockMatch[] {
  const shifts = [
    [-40, 3],
    [36, -2],
    [5, -40],
    [-3, 36],
  ];
  return maskBlocks(mask, b).map((blk, i) => {
    const [dx, dy] = shifts[i % 4];
    return {
      x: blk.x,
      y: blk.y,
      size: b,
      holePixels: blk.holePixels,
      source: { x: Math.max(0, Math.min(W - b, blk.x + dx)), y: Math.max(0, Math.min(H - b, blk.y + dy)) },
      score: 1,
      objective: 1,
      distance: 0,
      histogramDistance: 0,
      histogramRejections: 0,
      rejected: false,
    };
  });
}

/**
 * The reference: the system of poisson.ts' comment, assembled plainly over the hole pixels in row-major
 * order and solved directly (banded Cholesky). Unclamped, per channel.
 */
function directSolve(image: RgbImage, mask: Mask, matches: BlockMatch[]): Float64Array[] {
  const n = W * H;
  const owner = new Int32Array(n).fill(-1);
  matches.forEach((m, k) => {
    for (let y = m.y; y < m.y + m.size; y++)
      for (let x = m.x; x < m.x + m.size; x++) if (mask.data[y * W + x]) owner[y * W + x] = k;
  });
  const unknowns: number[] = [];
  const id = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) if (owner[i] >= 0) id[i] = unknowns.push(i) - 1;
  const count = unknowns.length;
  const value = (k: number, x: number, y: number, c: number) => {
    const s = matches[k].source!;
    const sx = Math.min(W - 1, Math.max(0, x - matches[k].x + s.x));
    const sy = Math.min(H - 1, Math.max(0, y - matches[k].y + s.y));
    return image.data[c * n + sy * W + sx];
  };
  const band = W; // row-major: neighbours are at most one row apart
  const A = new Float64Array(count * (band + 1)); // A[i][j] for i - band <= j <= i at i * (band + 1) + j - i + band
  const at = (i: number, j: number) => i * (band + 1) + j - i + band;
  const rhs = [0, 1, 2].map(() => new Float64Array(count));
  unknowns.forEach((i, p) => {
    const x = i % W;
    const y = (i - x) / W;
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]) {
      const qx = x + dx;
      const qy = y + dy;
      if (qx < 0 || qy < 0 || qx >= W || qy >= H) continue;
      const j = qy * W + qx;
      A[at(p, p)] += 1;
      const q = id[j];
      if (q >= 0 && q < p) A[at(p, q)] -= 1;
      for (let c = 0; c < 3; c++) {
        const kp = owner[i];
        let v = value(kp, x, y, c) - value(kp, qx, qy, c);
        if (q >= 0 && owner[j] !== kp) v = (v + value(owner[j], x, y, c) - value(owner[j], qx, qy, c)) / 2;
        rhs[c][p] += q >= 0 ? v : v + image.data[c * n + j];
      }
    }
  });
  // In place: L with A = L L^T.
  for (let i = 0; i < count; i++)
    for (let j = Math.max(0, i - band); j <= i; j++) {
      let s = A[at(i, j)];
      for (let k = Math.max(0, i - band); k < j; k++) s -= A[at(i, k)] * A[at(j, k)];
      A[at(i, j)] = i === j ? Math.sqrt(s) : s / A[at(j, j)];
    }
  return rhs.map((r) => {
    const y = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      let s = r[i];
      for (let k = Math.max(0, i - band); k < i; k++) s -= A[at(i, k)] * y[k];
      y[i] = s / A[at(i, i)];
    }
    const out = new Float64Array(n);
    for (let i = count - 1; i >= 0; i--) {
      let s = y[i];
      for (let k = i + 1; k <= Math.min(count - 1, i + band); k++) s -= A[at(k, i)] * out[unknowns[k]];
      out[unknowns[i]] = s / A[at(i, i)];
    }
    return out;
  });
}

describe('Poisson seam blending', () => {
  const truth = noiseTexture(W, H, 17);
  const mask = discMask(W, H, 47, 43, 23);
  const image = roughFill(truth, mask, 0.1);
  const matches = shiftedMatches(mask);
  const start = featherPaste(image, mask, matches, 4);
  const exact = directSolve(image, mask, matches);
  const n = W * H;

  it('reaches the stated tolerance and matches a direct solve, through a deep hierarchy', async () => {
    let inside = 0;
    for (let i = 0; i < n; i++)
      if (mask.data[i])
        for (let c = 0; c < 3; c++) {
          // The reference needs no clamping here, so the clamped result must match it as it is.
          expect(exact[c][i]).toBeGreaterThan(0);
          expect(exact[c][i]).toBeLessThan(1);
          inside++;
        }
    expect(inside).toBeGreaterThan(3 * 1500);
    for (const tolerance of [1e-4, 1e-6, 1e-9]) {
      const r = await poissonPaste(image, mask, matches, start, { tolerance, multigrid: { coarsest: 8 } });
      expect(r.levels.length).toBeGreaterThanOrEqual(4);
      expect(r.relativeResidual).toBeLessThanOrEqual(tolerance);
      let worst = 0;
      for (let i = 0; i < n; i++)
        if (mask.data[i])
          for (let c = 0; c < 3; c++)
            worst = Math.max(worst, Math.abs(r.image.data[c * n + i] - exact[c][i]));
      // The error shrinks with the tolerance; float32 storage limits it to about 3e-8.
      expect(worst).toBeLessThan(Math.max(1e-7, 10 * tolerance));
      expect(changedOutside(r.image, image, mask)).toBe(0);
    }
  });

  it('gives the same result with the default hierarchy, in place, and leaves the start alone otherwise', async () => {
    const copy = start.data.slice();
    const a = await poissonPaste(image, mask, matches, start);
    expect(Array.from(start.data)).toEqual(Array.from(copy));
    expect(a.iterations).toBeLessThanOrEqual(12);
    const own = { ...start, data: start.data.slice() };
    const b2 = await poissonPaste(image, mask, matches, own, { inPlace: true });
    expect(b2.image.data).toBe(own.data);
    expect(Array.from(b2.image.data)).toEqual(Array.from(a.image.data));
    expect(changedOutside(a.image, image, mask)).toBe(0);
  });

  it('treats a hole pixel no block covers as a boundary value, and does nothing without matches', async () => {
    const none = await poissonPaste(image, mask, [], start);
    expect(none.iterations).toBe(0);
    expect(Array.from(none.image.data)).toEqual(Array.from(start.data));
    const some = await poissonPaste(image, mask, matches.slice(1), start);
    const first = matches[0];
    for (let y = first.y; y < first.y + b; y++)
      for (let x = first.x; x < first.x + b; x++) {
        const i = y * W + x;
        if (matches.slice(1).some((m) => x >= m.x && x < m.x + b && y >= m.y && y < m.y + b)) continue;
        expect(some.image.data[i]).toBe(start.data[i]);
      }
  });
});
