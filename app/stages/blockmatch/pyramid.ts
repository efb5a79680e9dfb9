/**
 * The image pyramid the search runs on: level l is the image averaged over 2^l x 2^l boxes (level 0 is
 * the image itself, not copied). A position u at level l stands for the full-size position u * 2^l.
 */
import type { RgbImage } from '../../image/types';

export interface Level {
  /** 2^l: full-size pixels per level pixel along each axis. */
  factor: number;
  width: number;
  height: number;
  /** Planar R, G, B of width * height each. */
  data: Float32Array;
  /**
   * For the ssim score on a coarse level (match.ts sets it): per window position of the search's side k
   * ((width - k + 1) x (height - k + 1)), the zero-mean sum of squares of the full-size block the
   * position stands for, times k^2 / b^2 (a sum over as many values as the level's window). The
   * contrast term then compares full-size contrast: box averaging removes the fine texture, and a
   * detailed source would look as smooth as a smooth fill on the coarse level.
   */
  windowVariance?: Float32Array;
}

/**
 * Full-size window variances for a coarse level (see Level.windowVariance): the b x b block at
 * (min(u f, W - b), min(v f, H - b)) for u < wp, v < hp, scaled by k^2 / b^2. Sliding column sums.
 */
export function fullSizeVariances(
  image: RgbImage,
  b: number,
  f: number,
  k: number,
  wp: number,
  hp: number,
): Float32Array {
  const { width: W, height: H, data } = image;
  const plane = W * H;
  const out = new Float32Array(Math.max(0, wp * hp));
  const col1 = new Float64Array(3 * W);
  const col2 = new Float64Array(3 * W);
  const pre1 = new Float64Array(W + 1);
  const pre2 = new Float64Array(W + 1);
  const scale = (k * k) / (b * b);
  const row = (y: number, sign: number) => {
    for (let c = 0; c < 3; c++) {
      const o = c * plane + y * W;
      for (let x = 0; x < W; x++) {
        const p = data[o + x];
        col1[c * W + x] += sign * p;
        col2[c * W + x] += sign * p * p;
      }
    }
  };
  let top = 0;
  let bottom = 0; // rows [top, bottom) are in the column sums
  const n = b * b;
  for (let v = 0; v < hp; v++) {
    const y = Math.min(v * f, H - b);
    while (bottom < y + b) row(bottom++, 1);
    while (top < y) row(top++, -1);
    for (let c = 0; c < 3; c++) {
      for (let x = 0; x < W; x++) {
        pre1[x + 1] = pre1[x] + col1[c * W + x];
        pre2[x + 1] = pre2[x] + col2[c * W + x];
      }
      for (let u = 0; u < wp; u++) {
        const x = Math.min(u * f, W - b);
        const s1 = pre1[x + b] - pre1[x];
        const s2 = pre2[x + b] - pre2[x];
        out[v * wp + u] += Math.max(0, s2 - (s1 * s1) / n) * scale;
      }
    }
  }
  return out;
}

/** Halves a level by 2 x 2 box averaging (an odd last row or column is dropped). */
function halve(src: Level): Level {
  const w = Math.max(1, src.width >> 1);
  const h = Math.max(1, src.height >> 1);
  const sw = src.width;
  const sn = sw * src.height;
  const n = w * h;
  const out = new Float32Array(3 * n);
  const s = src.data;
  for (let c = 0; c < 3; c++) {
    const so = c * sn;
    const o = c * n;
    for (let y = 0; y < h; y++) {
      const r0 = so + 2 * y * sw;
      const r1 = src.height > 1 ? r0 + sw : r0;
      const dst = o + y * w;
      for (let x = 0; x < w; x++) {
        const x0 = 2 * x;
        const x1 = sw > 1 ? x0 + 1 : x0;
        out[dst + x] = 0.25 * (s[r0 + x0] + s[r0 + x1] + s[r1 + x0] + s[r1 + x1]);
      }
    }
  }
  return { factor: src.factor * 2, width: w, height: h, data: out };
}

/** Levels 0..top (level 0 shares the image's memory). */
export function buildPyramid(image: RgbImage, top: number): Level[] {
  const levels: Level[] = [{ factor: 1, width: image.width, height: image.height, data: image.data }];
  for (let l = 1; l <= top; l++) levels.push(halve(levels[l - 1]));
  return levels;
}

/**
 * The level to scan exhaustively for `blocks` blocks of side b: the finest level whose scan (blocks x
 * 3 side^2 x positions multiply-adds) fits `budget`, where a block still spans minSide level pixels;
 * the coarsest such level when none fits. 0 means the full-size image.
 */
export function scanLevel(
  b: number,
  width: number,
  height: number,
  blocks: number,
  minSide: number,
  budget: number,
): number {
  let l = 0;
  for (;;) {
    const f = 2 ** l;
    const side = Math.max(1, Math.round(b / f));
    const positions =
      Math.max(1, Math.floor(width / f) - side + 1) * Math.max(1, Math.floor(height / f) - side + 1);
    if (blocks * 3 * side * side * positions <= budget) return l;
    const next = Math.round(b / (2 * f));
    if (next < minSide || Math.floor(width / (2 * f)) < next || Math.floor(height / (2 * f)) < next) return l;
    l++;
  }
}

/** Side of a b-pixel block at a level (at least 1). */
export function sideAt(b: number, level: Level): number {
  return Math.max(1, Math.round(b / level.factor));
}
