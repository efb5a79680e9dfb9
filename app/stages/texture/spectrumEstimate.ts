/**
 * The spectrum term's target when no hole-free window of the crop's size exists nearby (a large hole, a
 * small image, an exemplar smaller than the crop): estimated from smaller hole-free windows of the
 * exemplar, as Welch estimates a power spectrum. Their mean Hann-windowed modulus (spectrum.ts, the same
 * ONNX model) is resampled onto the crop's frequency grid (bilinear, periodic in frequency) and scaled by
 * √(ΣhannCrop² / ΣhannWindow²), how the modulus of a stationary texture grows with the window's energy.
 * Frequency resolution is the small window's: a periodic peak comes out broader than a crop-size
 * window would give it, in the right place.
 */
import { cropImage } from '../../image/crop';
import { resizeImage, resizeMask } from '../../image/resize';
import { areaSum, summedArea } from '../../image/summedArea';
import { createMask, type RgbImage } from '../../image/types';
import type { SessionSource } from './sessions';
import type { Exemplar } from './detail';
import { spectrumTarget } from './spectrum';

/** Smallest window side tried, and how many windows are enough (nearest sides first, largest first). */
const MIN_SIDE = 24;
const WANT = 8;

/** Hole-free square windows of the largest side ≤ `maxSide` that gives at least 2 (up to WANT), or none. */
export function welchWindows(src: Exemplar, maxSide: number): { side: number; windows: RgbImage[] } {
  const { width: W, height: H } = src.image;
  const valid = src.valid;
  // A window is clean when it holds no invalid pixel.
  const S = summedArea(valid ? Uint8Array.from(valid, (v) => (v ? 0 : 1)) : new Uint8Array(W * H), W, H);
  const bad = (x: number, y: number, s: number) => areaSum(S, W, x, y, s, s);
  for (let side = Math.min(maxSide, W, H); side >= MIN_SIDE; side = Math.floor(side * 0.75)) {
    const step = Math.max(1, side >> 1);
    const at: { x: number; y: number }[] = [];
    for (let y = 0; y + side <= H; y += step)
      for (let x = 0; x + side <= W; x += step) if (bad(x, y, side) === 0) at.push({ x, y });
    if (at.length >= 2) {
      // Spread over the exemplar: every k-th of the scan-order list.
      const k = Math.max(1, Math.floor(at.length / WANT));
      const windows = at
        .filter((_, i) => i % k === 0)
        .slice(0, WANT)
        .map((p) => cropImage(src.image, { x: p.x, y: p.y, width: side, height: side }));
      return { side, windows };
    }
  }
  return { side: 0, windows: [] };
}

/** Σ of the separable Hann window's squares over n × m (the window in spectrum.ts). */
function hannEnergy(width: number, height: number): number {
  const e = (n: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n)) ** 2;
    return s;
  };
  return e(width) * e(height);
}

/** Bilinear, periodic resampling of a side × side spectrum (DFT order) onto width × height frequencies. */
export function resampleSpectrum(
  small: Float32Array,
  side: number,
  width: number,
  height: number,
): Float32Array {
  const out = new Float32Array(width * height);
  const at = (u: number, v: number) =>
    small[(((v % side) + side) % side) * side + (((u % side) + side) % side)];
  for (let ky = 0; ky < height; ky++) {
    const fy = (ky < height / 2 ? ky : ky - height) / height;
    const v = fy * side;
    const v0 = Math.floor(v);
    const tv = v - v0;
    for (let kx = 0; kx < width; kx++) {
      const fx = (kx < width / 2 ? kx : kx - width) / width;
      const u = fx * side;
      const u0 = Math.floor(u);
      const tu = u - u0;
      out[ky * width + kx] =
        (1 - tv) * ((1 - tu) * at(u0, v0) + tu * at(u0 + 1, v0)) +
        tv * ((1 - tu) * at(u0, v0 + 1) + tu * at(u0 + 1, v0 + 1));
    }
  }
  return out;
}

/**
 * The target |F| at width × height from `src` scaled by `scale` (the pyramid level's), or null when it
 * holds no two hole-free windows of MIN_SIDE.
 */
export async function estimatedSpectrumTarget(
  src: Exemplar,
  scale: number,
  width: number,
  height: number,
  sessions: SessionSource,
): Promise<{ target: Float32Array; side: number; count: number } | null> {
  let level = src;
  if (scale < 1) {
    const w = Math.max(1, Math.round(src.image.width * scale)),
      h = Math.max(1, Math.round(src.image.height * scale));
    const invalid = src.valid
      ? resizeMask(
          createMask(
            src.image.width,
            src.image.height,
            Uint8Array.from(src.valid, (v) => (v ? 0 : 1)),
          ),
          w,
          h,
        )
      : null;
    level = {
      image: resizeImage(src.image, w, h),
      valid: invalid ? Uint8Array.from(invalid.data, (v) => (v ? 0 : 1)) : null,
    };
  }
  const { side, windows } = welchWindows(level, Math.min(width, height));
  if (!windows.length) return null;
  const small = await spectrumTarget(windows, side, side, sessions);
  const target = resampleSpectrum(small, side, width, height);
  const gain = Math.sqrt(hannEnergy(width, height) / hannEnergy(side, side));
  for (let i = 0; i < target.length; i++) target[i] *= gain;
  return { target, side, count: windows.length };
}
