/**
 * Per-channel colour histograms of blocks and their distance, for rejecting candidates whose colours
 * differ from the block's although their pattern correlates (correlation ignores brightness and contrast).
 * 16 bins per channel over 0..1. The distance of two blocks is the largest, over R, G and B, of the
 * Hellinger distance between their normalised histograms p and q (OpenCV's HISTCMP_BHATTACHARYYA):
 *   d = sqrt(1 - sum_i sqrt(p_i q_i)),  0 for the same histogram, 1 for histograms that do not overlap.
 * Because sum_i sqrt(p_i q_i) is a dot product of square-rooted histograms, the search can test every
 * candidate at once with a matrix product (see histogramMaps and searchGraph.ts).
 */
import type { RgbImage } from '../../image/types';

export const HISTOGRAM_BINS = 16;
/** 3 channels x 16 bins. */
export const HISTOGRAM_SIZE = 3 * HISTOGRAM_BINS;

type Planes = Pick<RgbImage, 'width' | 'height' | 'data'>;

/** The bin of a value (values outside 0..1 go to the first or last bin). */
function binOf(v: number): number {
  const bin = (v * HISTOGRAM_BINS) | 0;
  return bin < 0 ? 0 : bin >= HISTOGRAM_BINS ? HISTOGRAM_BINS - 1 : bin;
}

/** Bin counts of the b x b block at (x, y) (inside the image) into `out` (48 counts, R then G then B). */
export function blockHistogram(image: Planes, x: number, y: number, b: number, out: Int32Array): Int32Array {
  const { width: W, height: H, data } = image;
  const plane = W * H;
  out.fill(0);
  for (let c = 0; c < 3; c++) {
    const o = c * HISTOGRAM_BINS;
    for (let r = 0; r < b; r++) {
      const row = c * plane + (y + r) * W + x;
      for (let q = 0; q < b; q++) out[o + binOf(data[row + q])]++;
    }
  }
  return out;
}

/** The largest per-channel Hellinger distance between two histograms of `count` pixels each. */
export function histogramDistance(a: Int32Array, b: Int32Array, count: number): number {
  let worst = 0;
  for (let c = 0; c < 3; c++) {
    let bc = 0;
    for (let i = c * HISTOGRAM_BINS; i < (c + 1) * HISTOGRAM_BINS; i++) bc += Math.sqrt(a[i] * b[i]);
    const d = Math.sqrt(Math.max(0, 1 - bc / count));
    if (d > worst) worst = d;
  }
  return worst;
}

/** sqrt(count / pixels) per bin: the vector whose dot products give the Bhattacharyya coefficients. */
export function rootHistogram(counts: Int32Array, pixels: number): Float32Array {
  const out = new Float32Array(HISTOGRAM_SIZE);
  for (let i = 0; i < HISTOGRAM_SIZE; i++) out[i] = Math.sqrt(counts[i] / pixels);
  return out;
}

/**
 * Root histograms (see rootHistogram) of the b x b blocks with corners at every (xs[u], ys[v]): 48 planes
 * of xs.length x ys.length, plane (channel * 16 + bin). xs and ys must increase, and every block must lie
 * inside the image. Sliding counts: the window of rows moves down adding and dropping image rows per
 * column and bin, then each bin slides along the row; about 6 operations per pixel plus 48 per row and
 * column of the grid, whatever b is.
 */
export function histogramMaps(image: Planes, b: number, xs: Int32Array, ys: Int32Array): Float32Array {
  const { width: W, height: H, data } = image;
  const plane = W * H;
  const wc = xs.length;
  const hc = ys.length;
  const out = new Float32Array(HISTOGRAM_SIZE * wc * hc);
  const roots = new Float32Array(b * b + 1);
  for (let i = 0; i <= b * b; i++) roots[i] = Math.sqrt(i / (b * b));
  // Bin of every pixel, (channel * 16 + bin) * W + x, row by row: added once and dropped once.
  const columns = new Int32Array(HISTOGRAM_SIZE * W);
  const slot = new Int32Array(3 * W);
  const addRow = (y: number, sign: number) => {
    for (let c = 0; c < 3; c++) {
      const row = c * plane + y * W;
      const base = c * HISTOGRAM_BINS * W;
      for (let x = 0; x < W; x++) slot[c * W + x] = base + binOf(data[row + x]) * W + x;
    }
    for (let i = 0; i < 3 * W; i++) columns[slot[i]] += sign;
  };
  let top = 0;
  let bottom = 0; // rows [top, bottom) are counted
  for (let v = 0; v < hc; v++) {
    const y = ys[v];
    while (bottom < y + b && bottom < H) addRow(bottom++, 1);
    while (top < y) addRow(top++, -1);
    for (let k = 0; k < HISTOGRAM_SIZE; k++) {
      const col = k * W;
      const dst = (k * hc + v) * wc;
      let run = 0;
      let at = 0; // run counts columns [at, at + b)
      for (let x = 0; x < b; x++) run += columns[col + x];
      for (let u = 0; u < wc; u++) {
        const x = xs[u];
        while (at < x) {
          run += columns[col + at + b] - columns[col + at];
          at++;
        }
        out[dst + u] = roots[run];
      }
    }
  }
  return out;
}
