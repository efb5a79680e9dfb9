/**
 * Block similarity at one pyramid level.
 * - zncc: zero-mean normalised cross-correlation over the three channels, as OpenCV's TM_CCOEFF_NORMED:
 *   each channel's mean is subtracted over the block, the products are summed over all three channels and
 *   divided by the two blocks' zero-mean norms. In [-1, 1]; 0 when either block is flat.
 * - raw: the mean over the block's pixels and channels of candidate x block (the report's correlation,
 *   in [0, 1] for 0..1 images); it grows with brightness.
 * A template is the block prepared once so that a score is one dot product: for zncc zero-mean per
 * channel and unit norm (all zeros when the block is flat); for raw divided by the value count.
 */
import type { Level } from './pyramid';

export type Similarity = 'zncc' | 'raw';

/** Below this summed zero-mean variance a window counts as flat (score 0), like OpenCV's guard. */
export const FLAT_VARIANCE = 1e-10;

/**
 * The template of the k x k block at (x, y) of a level (the corner is clamped inside the level).
 * @returns 3 * k * k values, channel-major then row-major.
 */
export function makeTemplate(
  level: Level,
  x: number,
  y: number,
  k: number,
  similarity: Similarity,
): Float32Array {
  const { width: w, height: h, data } = level;
  const x0 = Math.max(0, Math.min(w - k, x));
  const y0 = Math.max(0, Math.min(h - k, y));
  const n = k * k;
  const plane = w * h;
  const t = new Float32Array(3 * n);
  const v = new Float64Array(3 * n);
  for (let c = 0; c < 3; c++)
    for (let r = 0; r < k; r++)
      for (let q = 0; q < k; q++) v[c * n + r * k + q] = data[c * plane + (y0 + r) * w + x0 + q];
  if (similarity === 'raw') {
    for (let i = 0; i < 3 * n; i++) t[i] = v[i] / (3 * n);
    return t;
  }
  let norm2 = 0;
  for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[c * n + i];
    const mean = s / n;
    for (let i = 0; i < n; i++) {
      const d = v[c * n + i] - mean;
      v[c * n + i] = d;
      norm2 += d * d;
    }
  }
  if (norm2 <= FLAT_VARIANCE) return t;
  const inv = 1 / Math.sqrt(norm2);
  for (let i = 0; i < 3 * n; i++) t[i] = v[i] * inv;
  return t;
}

/**
 * The score of the k x k window at (x, y) of a level against a template (double-precision sums).
 * The window must lie inside the level.
 */
export function scoreAt(
  level: Level,
  x: number,
  y: number,
  template: Float32Array,
  k: number,
  similarity: Similarity,
): number {
  const { width: w, height: h, data } = level;
  const plane = w * h;
  const n = k * k;
  let dot = 0;
  let variance = 0;
  for (let c = 0; c < 3; c++) {
    let s = 0;
    let s2 = 0;
    const to = c * n;
    for (let r = 0; r < k; r++) {
      const row = c * plane + (y + r) * w + x;
      const tr = to + r * k;
      for (let q = 0; q < k; q++) {
        const p = data[row + q];
        s += p;
        s2 += p * p;
        dot += p * template[tr + q];
      }
    }
    variance += s2 - (s * s) / n;
  }
  if (similarity === 'raw') return dot;
  return variance > FLAT_VARIANCE ? dot / Math.sqrt(variance) : 0;
}

/**
 * The per-position factor that turns a correlation with a template into the score, for every k x k
 * window of a level ((w - k + 1) x (h - k + 1), row-major): 1 / the window's zero-mean norm for zncc (0
 * for a flat window), 1 for raw.
 */
export function gainMap(level: Level, k: number, similarity: Similarity): Float32Array {
  const { width: w, height: h, data } = level;
  const wp = w - k + 1;
  const hp = h - k + 1;
  const out = new Float32Array(wp * hp);
  if (similarity === 'raw') return out.fill(1);
  const variance = new Float64Array(wp * hp);
  const W1 = w + 1;
  const s1 = new Float64Array(W1 * (h + 1));
  const s2 = new Float64Array(W1 * (h + 1));
  const n = k * k;
  const plane = w * h;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < h; y++) {
      let r1 = 0;
      let r2 = 0;
      const src = c * plane + y * w;
      const above = y * W1;
      const here = (y + 1) * W1;
      for (let x = 0; x < w; x++) {
        const p = data[src + x];
        r1 += p;
        r2 += p * p;
        s1[here + x + 1] = s1[above + x + 1] + r1;
        s2[here + x + 1] = s2[above + x + 1] + r2;
      }
    }
    for (let y = 0; y < hp; y++) {
      const top = y * W1;
      const bottom = (y + k) * W1;
      for (let x = 0; x < wp; x++) {
        const a = s1[bottom + x + k] - s1[top + x + k] - s1[bottom + x] + s1[top + x];
        const b = s2[bottom + x + k] - s2[top + x + k] - s2[bottom + x] + s2[top + x];
        variance[y * wp + x] += b - (a * a) / n;
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = variance[i] > FLAT_VARIANCE ? 1 / Math.sqrt(variance[i]) : 0;
  return out;
}
