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
