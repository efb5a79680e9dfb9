/**
 * Texture statistics for judging a fill against the truth or the exemplar (tests, benchmarks): the
 * log power spectrum of a window's luma and the distance between two of them. The spectrum is
 * phase-free, so it compares "the same kind of texture" regardless of where the pattern lies: periodic
 * textures show sharp peaks that a fill which breaks the period loses.
 */
import type { Rect } from '../common/params';
import type { RgbImage } from '../image/types';

/** log(1 + |F|²) of the mean-removed, Hann-windowed luma of `rect` (naive separable DFT: small windows). */
export function logPowerSpectrum(img: RgbImage, rect: Rect): Float64Array {
  const { width: W } = img;
  const n = W * img.height;
  const { x: x0, y: y0, width: w, height: h } = rect;
  const d = img.data;
  const l = new Float64Array(w * h);
  let mean = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y0 + y) * W + x0 + x;
      mean += l[y * w + x] = 0.299 * d[i] + 0.587 * d[n + i] + 0.114 * d[2 * n + i];
    }
  mean /= w * h;
  const hann = (i: number, m: number) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / m);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) l[y * w + x] = (l[y * w + x] - mean) * hann(x, w) * hann(y, h);
  // Rows, then columns.
  const re = new Float64Array(w * h),
    im = new Float64Array(w * h);
  for (let y = 0; y < h; y++)
    for (let k = 0; k < w; k++) {
      let a = 0,
        b = 0;
      for (let x = 0; x < w; x++) {
        const t = (-2 * Math.PI * k * x) / w;
        a += l[y * w + x] * Math.cos(t);
        b += l[y * w + x] * Math.sin(t);
      }
      re[y * w + k] = a;
      im[y * w + k] = b;
    }
  const out = new Float64Array(w * h);
  for (let k = 0; k < w; k++)
    for (let j = 0; j < h; j++) {
      let a = 0,
        b = 0;
      for (let y = 0; y < h; y++) {
        const t = (-2 * Math.PI * j * y) / h;
        const c = Math.cos(t),
          s = Math.sin(t);
        a += re[y * w + k] * c - im[y * w + k] * s;
        b += re[y * w + k] * s + im[y * w + k] * c;
      }
      out[j * w + k] = Math.log1p(a * a + b * b);
    }
  return out;
}

/** Root mean square difference of two log power spectra of the same size. */
export function spectrumDistance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}
