/**
 * Grow or shrink the hole by N pixels (Euclidean), with an exact distance transform
 * (Felzenszwalb & Huttenlocher) computed only over the hole's bounding box plus N, so a small hole on
 * a large image costs little. The result is hard-edged (0 or 255).
 */
import { FULL, THRESHOLD } from './mask';
import type { Box } from './box';

const INF = 1e20;

/** 1-D squared distance transform of f (length n) into d; v, z are scratch of n and n + 1. */
function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const dq = q - v[k];
    d[q] = dq * dq + f[v[k]];
  }
}

/** Squared distance from every cell of a w × h grid to the nearest seed (seed[i] true). */
function squaredDistance(seed: Uint8Array, w: number, h: number): Float64Array {
  const g = new Float64Array(w * h);
  for (let i = 0; i < g.length; i++) g[i] = seed[i] ? 0 : INF;
  const n = Math.max(w, h);
  const f = new Float64Array(n),
    d = new Float64Array(n),
    z = new Float64Array(n + 1);
  const v = new Int32Array(n);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) f[y] = g[y * w + x];
    edt1d(f, h, d, v, z);
    for (let y = 0; y < h; y++) g[y * w + x] = d[y];
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) f[x] = g[row + x];
    edt1d(f, w, d, v, z);
    for (let x = 0; x < w; x++) g[row + x] = d[x];
  }
  return g;
}

/**
 * The box a grow/shrink by n can change, given the hole's bounds (null: nothing can change).
 * @param n px, negative shrinks.
 */
export function growBox(bounds: Box | null, n: number, width: number, height: number): Box | null {
  if (!bounds || n === 0) return null;
  const m = Math.max(0, n) + 1;
  return {
    x0: Math.max(0, bounds.x0 - m),
    y0: Math.max(0, bounds.y0 - m),
    x1: Math.min(width, bounds.x1 + m),
    y1: Math.min(height, bounds.y1 + m),
  };
}

/**
 * Grows (n > 0) or shrinks (n < 0) the hole by |n| pixels inside `box` (from growBox), in place.
 * Grow: a pixel joins when its centre is within n of a hole pixel's centre. Shrink: a hole pixel stays
 * when it is farther than |n| from every pixel outside the hole (the image border does not erode).
 */
export function growInPlace(data: Uint8Array, width: number, box: Box, n: number): void {
  const w = box.x1 - box.x0,
    h = box.y1 - box.y0;
  const seed = new Uint8Array(w * h);
  const grow = n > 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const inHole = data[(y + box.y0) * width + x + box.x0] >= THRESHOLD;
      seed[y * w + x] = (grow ? inHole : !inHole) ? 1 : 0;
    }
  const d2 = squaredDistance(seed, w, h);
  const r2 = n * n;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y + box.y0) * width + x + box.x0;
      const inside = grow ? d2[y * w + x] <= r2 : d2[y * w + x] > r2;
      data[i] = inside ? FULL : 0;
    }
}
