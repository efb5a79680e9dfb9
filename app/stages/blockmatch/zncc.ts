/**
 * Block similarity at one pyramid level.
 * - zncc: zero-mean normalised cross-correlation over the three channels, as OpenCV's TM_CCOEFF_NORMED:
 *   each channel's mean is subtracted over the block, the products are summed over all three channels and
 *   divided by the two blocks' zero-mean norms. In [-1, 1]; 0 when either block is flat.
 * - raw: the mean over the block's pixels and channels of candidate x block (the report's correlation,
 *   in [0, 1] for 0..1 images); it grows with brightness.
 * - ssim: SSIM's contrast-structure term (Wang, Bovik, Sheikh & Simoncelli 2004, with C3 = C2 / 2) over
 *   the three channels: (2 cov + C) / (var_s + var_t + C), where cov, var_s and var_t are the zero-mean
 *   sums of products and squares over all 3 k^2 values and C = 3 k^2 SSIM_C2. It is zncc times
 *   2 sd_s sd_t / (sd_s^2 + sd_t^2) where the blocks have texture, so a source much more (or less)
 *   contrasted than the block loses: a near-flat block (a smooth fill) no longer takes an edge or a
 *   detailed patch because its faint gradient correlates with it (zncc's repeated diagonal tiles), and
 *   two flat blocks score 1 instead of 0. Brightness and colour offsets are still ignored (the histogram
 *   test handles colour). In [-1, 1].
 * A template is the block prepared once so that a score is one dot product: for zncc zero-mean per
 * channel and unit norm (all zeros when the block is flat); for raw divided by the value count; for
 * ssim zero-mean per channel and doubled (the dot product is then 2 cov).
 */
import type { Level } from './pyramid';

export type Similarity = 'zncc' | 'raw' | 'ssim';

/** Below this summed zero-mean variance a window counts as flat (score 0), like OpenCV's guard. */
export const FLAT_VARIANCE = 1e-10;

/** SSIM's C2 = (K2 L)^2 with K2 = 0.03 and L = 1 (values in 0..1), per value. */
export const SSIM_C2 = 9e-4;

/** The ssim stabiliser C for k x k blocks of three channels. */
export function ssimConstant(k: number): number {
  return 3 * k * k * SSIM_C2;
}

/** var_t of an ssim template (its zero-mean sum of squares; the template holds twice the values). */
export function templateVariance(template: Float32Array): number {
  let s = 0;
  for (let i = 0; i < template.length; i++) s += template[i] * template[i];
  return s / 4;
}

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
  if (similarity === 'ssim') {
    for (let i = 0; i < 3 * n; i++) t[i] = 2 * v[i];
    return t;
  }
  if (norm2 <= FLAT_VARIANCE) return t;
  const inv = 1 / Math.sqrt(norm2);
  for (let i = 0; i < 3 * n; i++) t[i] = v[i] * inv;
  return t;
}

/**
 * The score of the k x k window at (x, y) of a level against a template (double-precision sums).
 * The window must lie inside the level.
 * @param variance for ssim, the template's templateVariance (computed when not given)
 */
export function scoreAt(
  level: Level,
  x: number,
  y: number,
  template: Float32Array,
  k: number,
  similarity: Similarity,
  variance?: number,
): number {
  const { width: w, height: h, data } = level;
  const plane = w * h;
  const n = k * k;
  let dot = 0;
  let windowVariance = 0;
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
    windowVariance += s2 - (s * s) / n;
  }
  if (similarity === 'raw') return dot;
  if (similarity === 'ssim') {
    const c = ssimConstant(k);
    const own = level.windowVariance ? level.windowVariance[y * (w - k + 1) + x] : windowVariance;
    return (dot + c) / (own + (variance ?? templateVariance(template)) + c);
  }
  return windowVariance > FLAT_VARIANCE ? dot / Math.sqrt(windowVariance) : 0;
}

/**
 * The per-position term of the score, for every k x k window of a level ((w - k + 1) x (h - k + 1),
 * row-major): the factor that turns a correlation with a template into the score (1 / the window's
 * zero-mean norm for zncc, 0 for a flat window; 1 for raw), or for ssim the window's zero-mean sum of
 * squares var_s (the score is then (correlation + C) / (var_s + var_t + C)).
 */
export function gainMap(level: Level, k: number, similarity: Similarity): Float32Array {
  const { width: w, height: h, data } = level;
  const wp = w - k + 1;
  const hp = h - k + 1;
  const out = new Float32Array(wp * hp);
  if (similarity === 'raw') return out.fill(1);
  if (similarity === 'ssim' && level.windowVariance) return level.windowVariance;
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
  if (similarity === 'ssim') for (let i = 0; i < out.length; i++) out[i] = variance[i] > 0 ? variance[i] : 0;
  else
    for (let i = 0; i < out.length; i++)
      out[i] = variance[i] > FLAT_VARIANCE ? 1 / Math.sqrt(variance[i]) : 0;
  return out;
}
