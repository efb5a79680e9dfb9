/**
 * Resampling of float planes and masks. Separable: each axis gets its own filter, chosen by whether that
 * axis shrinks or grows.
 * - Shrinking axis: exact area averaging. Output pixel i covers the source interval
 *   [i * src / dst, (i + 1) * src / dst); each source pixel weighs the length of its overlap with it
 *   (computed in integers, so a 2x reduction is exactly the mean of 2x2 blocks).
 * - Growing axis: Keys bicubic (a = -0.5, Catmull-Rom), pixel centres aligned
 *   (x_src = (x_dst + 0.5) * src / dst - 0.5), edges clamped; the same taps as resampleRegion.ts.
 *   Results are clamped to 0..1 whenever an axis grows (bicubic overshoots at edges).
 * - Same size: a copy.
 */
import { StudioError } from '../common/errors';
import type { Mask, RgbImage } from './types';
import { createImage, createMask } from './types';

/** Per-output-pixel taps along one axis: `taps` source indices and weights per output pixel. */
interface AxisFilter {
  readonly taps: number;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

function areaFilter(src: number, dst: number): AxisFilter {
  // In units of 1/dst, output i covers [i*src, (i+1)*src) and source j covers [j*dst, (j+1)*dst).
  const taps = Math.ceil(src / dst) + 1;
  const index = new Int32Array(dst * taps);
  const weight = new Float64Array(dst * taps);
  for (let i = 0; i < dst; i++) {
    const a = i * src;
    const b = a + src;
    const first = Math.floor(a / dst);
    const last = Math.min(src - 1, Math.ceil(b / dst) - 1);
    for (let j = first, k = i * taps; j <= last; j++, k++) {
      index[k] = j;
      weight[k] = (Math.min(b, (j + 1) * dst) - Math.max(a, j * dst)) / src;
    }
    // Unused taps keep index 0 and weight 0.
  }
  return { taps, index, weight };
}

function keys(t: number): number {
  const a = -0.5;
  const x = t < 0 ? -t : t;
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

function cubicFilter(src: number, dst: number): AxisFilter {
  const taps = 4;
  const index = new Int32Array(dst * taps);
  const weight = new Float64Array(dst * taps);
  const scale = src / dst;
  for (let i = 0; i < dst; i++) {
    const x = (i + 0.5) * scale - 0.5;
    const f = Math.floor(x);
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const j = f - 1 + k;
      const w = keys(x - j);
      index[i * taps + k] = j < 0 ? 0 : j >= src ? src - 1 : j;
      weight[i * taps + k] = w;
      sum += w;
    }
    for (let k = 0; k < taps; k++) weight[i * taps + k] /= sum;
  }
  return { taps, index, weight };
}

function filterFor(src: number, dst: number): AxisFilter {
  return dst < src ? areaFilter(src, dst) : cubicFilter(src, dst);
}

/** Filters every row of a w x h plane along x into a newW x h plane. */
function filterRows(input: Float32Array, w: number, h: number, newW: number, f: AxisFilter): Float32Array {
  const out = new Float32Array(newW * h);
  const { taps, index, weight } = f;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const orow = y * newW;
    for (let x = 0; x < newW; x++) {
      let acc = 0;
      const base = x * taps;
      for (let k = 0; k < taps; k++) acc += input[row + index[base + k]] * weight[base + k];
      out[orow + x] = acc;
    }
  }
  return out;
}

/** Filters every column of a w x h plane along y into a w x newH plane (row-wise, cache friendly). */
function filterColumns(input: Float32Array, w: number, newH: number, f: AxisFilter): Float32Array {
  const out = new Float32Array(w * newH);
  const acc = new Float64Array(w);
  const { taps, index, weight } = f;
  for (let y = 0; y < newH; y++) {
    acc.fill(0);
    const base = y * taps;
    for (let k = 0; k < taps; k++) {
      const wk = weight[base + k];
      if (wk === 0) continue;
      const row = index[base + k] * w;
      for (let x = 0; x < w; x++) acc[x] += input[row + x] * wk;
    }
    out.set(acc, y * w);
  }
  return out;
}

function checkSize(what: string, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new StudioError(
      'INTERNAL',
      `Cannot resize ${what} to ${width}x${height}: sizes must be positive whole numbers`,
    );
  }
}

/**
 * Resizes one plane (any values; 0..1 expected) from w x h to newW x newH with the filters in the file
 * comment. Returns a new plane (a copy when the size is unchanged).
 * @throws StudioError INTERNAL when a size is not a positive whole number or plane.length !== w*h.
 */
export function resizePlane(
  plane: Float32Array,
  w: number,
  h: number,
  newW: number,
  newH: number,
): Float32Array {
  checkSize('a plane', w, h);
  checkSize('a plane', newW, newH);
  if (plane.length !== w * h) {
    throw new StudioError('INTERNAL', `Plane has ${plane.length} values; ${w}x${h} needs ${w * h}`);
  }
  if (w === newW && h === newH) return plane.slice();
  let out: Float32Array;
  const fx = newW !== w ? filterFor(w, newW) : null;
  const fy = newH !== h ? filterFor(h, newH) : null;
  // Run the pass that leaves the smaller intermediate plane first.
  if (fx && fy && w * newH < newW * h) {
    out = filterRows(filterColumns(plane, w, newH, fy), w, newH, newW, fx);
  } else {
    out = fx ? filterRows(plane, w, h, newW, fx) : plane;
    if (fy) out = filterColumns(out, newW, newH, fy);
  }
  if (newW > w || newH > h) {
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      out[i] = v > 0 ? (v < 1 ? v : 1) : 0;
    }
  }
  return out;
}

/**
 * Resizes an RGB image (0..1) to width x height: area averaging on a shrinking axis, bicubic on a growing
 * one, clamped to 0..1 when an axis grows; a copy when the size is unchanged.
 * @throws StudioError INTERNAL when the size is not positive whole numbers.
 */
export function resizeImage(img: RgbImage, width: number, height: number): RgbImage {
  checkSize('an image', width, height);
  const n = img.width * img.height;
  const m = width * height;
  const data = new Float32Array(m * 3);
  for (let c = 0; c < 3; c++) {
    data.set(resizePlane(img.data.subarray(c * n, (c + 1) * n), img.width, img.height, width, height), c * m);
  }
  return createImage(width, height, data);
}

/** For each output pixel along an axis, the first and last source pixel its footprint overlaps. */
function footprints(src: number, dst: number): { first: Int32Array; last: Int32Array } {
  const first = new Int32Array(dst);
  const last = new Int32Array(dst);
  for (let i = 0; i < dst; i++) {
    first[i] = Math.floor((i * src) / dst);
    last[i] = Math.min(src - 1, Math.ceil(((i + 1) * src) / dst) - 1);
  }
  return { first, last };
}

/**
 * Resizes a mask conservatively: an output pixel is a hole when its footprint (its area mapped onto the
 * source) overlaps any source hole pixel. Shrinking therefore keeps every hole (a coarse pixel covering
 * any hole is a hole) and growing gives a hole that covers the original hole's area (at most one output
 * pixel wider at its border). A copy when the size is unchanged.
 * @throws StudioError INTERNAL when the size is not positive whole numbers.
 */
export function resizeMask(mask: Mask, width: number, height: number): Mask {
  checkSize('a mask', width, height);
  const { width: w, height: h } = mask;
  if (w === width && h === height) return createMask(w, h, mask.data.slice());
  const fx = footprints(w, width);
  const fy = footprints(h, height);
  // Rows: OR along x.
  const tmp = new Uint8Array(width * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const trow = y * width;
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let j = fx.first[x], last = fx.last[x]; j <= last && v === 0; j++) v = mask.data[row + j];
      tmp[trow + x] = v ? 1 : 0;
    }
  }
  // Columns: OR along y, row-wise.
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const orow = y * width;
    for (let j = fy.first[y], last = fy.last[y]; j <= last; j++) {
      const trow = j * width;
      for (let x = 0; x < width; x++) out[orow + x] |= tmp[trow + x];
    }
  }
  return createMask(width, height, out);
}
