/**
 * Bicubic (Keys, a = -0.5) resampling of one rectangle of a larger target size: the values that
 * resizing `src` to `targetWidth x targetHeight` would give inside `rect`, computed without
 * producing the whole target. Used to bring a model's low-resolution fill back only where the
 * hole is, which at 8 MP is most of the work saved.
 */
import type { Rect } from '../common/params';
import { keys } from './resize';
import type { RgbImage } from './types';

/** For each target coordinate, the first of 4 source taps and their normalised weights. */
function taps(
  targetLen: number,
  srcLen: number,
  start: number,
  count: number,
): { first: Int32Array; w: Float32Array } {
  const first = new Int32Array(count);
  const w = new Float32Array(count * 4);
  const scale = srcLen / targetLen;
  for (let i = 0; i < count; i++) {
    const s = (start + i + 0.5) * scale - 0.5;
    const f = Math.floor(s);
    first[i] = f - 1;
    let sum = 0;
    for (let k = 0; k < 4; k++) {
      const wk = keys(s - (f - 1 + k));
      w[i * 4 + k] = wk;
      sum += wk;
    }
    for (let k = 0; k < 4; k++) w[i * 4 + k] /= sum;
  }
  return { first, w };
}

/**
 * @param src the small image
 * @param targetWidth,targetHeight the full size it stands for (>= 1)
 * @param rect the part of the target to compute (clamped to the target)
 * @returns an image of rect's size, values clamped to 0..1
 */
export function resampleRegion(
  src: RgbImage,
  targetWidth: number,
  targetHeight: number,
  rect: Rect,
): RgbImage {
  const x0 = Math.max(0, rect.x);
  const y0 = Math.max(0, rect.y);
  const rw = Math.min(targetWidth, rect.x + rect.width) - x0;
  const rh = Math.min(targetHeight, rect.y + rect.height) - y0;
  const sw = src.width;
  const sh = src.height;
  const hx = taps(targetWidth, sw, x0, rw);
  const hy = taps(targetHeight, sh, y0, rh);
  // Source rows touched by the vertical taps.
  const rowLo = Math.max(0, hy.first[0]);
  const rowHi = Math.min(sh - 1, hy.first[rh - 1] + 3);
  const nRows = rowHi - rowLo + 1;
  const tmp = new Float32Array(nRows * rw);
  const out = new Float32Array(rw * rh * 3);
  const splane = sw * sh;
  for (let c = 0; c < 3; c++) {
    const base = c * splane;
    for (let r = 0; r < nRows; r++) {
      const row = base + (rowLo + r) * sw;
      const trow = r * rw;
      for (let x = 0; x < rw; x++) {
        const f = hx.first[x];
        let acc = 0;
        for (let k = 0; k < 4; k++) {
          let sx = f + k;
          sx = sx < 0 ? 0 : sx >= sw ? sw - 1 : sx;
          acc += src.data[row + sx] * hx.w[x * 4 + k];
        }
        tmp[trow + x] = acc;
      }
    }
    const obase = c * rw * rh;
    for (let y = 0; y < rh; y++) {
      const f = hy.first[y];
      const orow = obase + y * rw;
      for (let k = 0; k < 4; k++) {
        let sy = f + k;
        sy = sy < 0 ? 0 : sy >= sh ? sh - 1 : sy;
        const trow = (sy - rowLo) * rw;
        const wk = hy.w[y * 4 + k];
        for (let x = 0; x < rw; x++) out[orow + x] += tmp[trow + x] * wk;
      }
      for (let x = 0; x < rw; x++) {
        const v = out[orow + x];
        out[orow + x] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return { width: rw, height: rh, data: out };
}
