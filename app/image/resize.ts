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
import { nextNonZero, wordsOf } from './scan';

/**
 * Per-output-pixel taps along one axis: for output i, `count[i]` source indices index[i * taps + k] and
 * weights weight[i * taps + k], k in order. Area filters have contiguous indices from first[i]; cubic
 * filters always have 4 taps (repeated indices where the edge is clamped).
 */
interface AxisFilter {
  readonly cubic: boolean;
  readonly taps: number;
  readonly first: Int32Array;
  readonly count: Int32Array;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

function areaFilter(src: number, dst: number): AxisFilter {
  // In units of 1/dst, output i covers [i*src, (i+1)*src) and source j covers [j*dst, (j+1)*dst).
  const taps = Math.ceil(src / dst) + 1;
  const first = new Int32Array(dst);
  const count = new Int32Array(dst);
  const index = new Int32Array(dst * taps);
  const weight = new Float64Array(dst * taps);
  for (let i = 0; i < dst; i++) {
    const a = i * src;
    const b = a + src;
    const lo = Math.floor(a / dst);
    const last = Math.min(src - 1, Math.ceil(b / dst) - 1);
    first[i] = lo;
    count[i] = last - lo + 1;
    for (let j = lo, k = i * taps; j <= last; j++, k++) {
      index[k] = j;
      weight[k] = (Math.min(b, (j + 1) * dst) - Math.max(a, j * dst)) / src;
    }
  }
  return { cubic: false, taps, first, count, index, weight };
}

/** Keys' cubic convolution kernel (a = -0.5), shared with resampleRegion.ts. */
export function keys(t: number): number {
  const a = -0.5;
  const x = t < 0 ? -t : t;
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

function cubicFilter(src: number, dst: number): AxisFilter {
  const taps = 4;
  const first = new Int32Array(dst);
  const count = new Int32Array(dst).fill(taps);
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
    first[i] = index[i * taps];
  }
  return { cubic: true, taps, first, count, index, weight };
}

function filterFor(src: number, dst: number): AxisFilter {
  return dst < src ? areaFilter(src, dst) : cubicFilter(src, dst);
}

/**
 * Three planes of one size that a pass reads or writes together, so that each tap's index and weight are
 * loaded once for all three. One plane stands for itself as all three (p0 === p1 === p2; see single), and
 * the passes then do only p0's work.
 */
interface Planes {
  readonly p0: Float32Array;
  readonly p1: Float32Array;
  readonly p2: Float32Array;
}

/*
 * The passes below accumulate each output in a double, starting from 0 and adding the taps in order, then
 * store it rounded to float (and clamped to 0..1 when `clamp`). Every sum is therefore the same as the
 * straightforward per-tap loop's; a tap of weight 0 adds +0 and changes nothing.
 */

/** Filters every row of w x h planes along x into newW x h planes. */
function filterRows(
  src: Planes,
  w: number,
  h: number,
  newW: number,
  f: AxisFilter,
  clamp: boolean,
  dst: Planes,
): void {
  const { p0: i0, p1: i1, p2: i2 } = src;
  const { p0: o0, p1: o1, p2: o2 } = dst;
  const three = i1 !== i0;
  const { cubic, taps, first, count, index, weight } = f;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const orow = y * newW;
    if (cubic) {
      for (let x = 0, t = 0; x < newW; x++, t += 4) {
        const j0 = row + index[t];
        const j1 = row + index[t + 1];
        const j2 = row + index[t + 2];
        const j3 = row + index[t + 3];
        const w0 = weight[t];
        const w1 = weight[t + 1];
        const w2 = weight[t + 2];
        const w3 = weight[t + 3];
        let a = 0 + i0[j0] * w0 + i0[j1] * w1 + i0[j2] * w2 + i0[j3] * w3;
        if (clamp) a = a > 0 ? (a < 1 ? a : 1) : 0;
        o0[orow + x] = a;
        if (three) {
          let b = 0 + i1[j0] * w0 + i1[j1] * w1 + i1[j2] * w2 + i1[j3] * w3;
          let c = 0 + i2[j0] * w0 + i2[j1] * w1 + i2[j2] * w2 + i2[j3] * w3;
          if (clamp) {
            b = b > 0 ? (b < 1 ? b : 1) : 0;
            c = c > 0 ? (c < 1 ? c : 1) : 0;
          }
          o1[orow + x] = b;
          o2[orow + x] = c;
        }
      }
    } else {
      for (let x = 0, t = 0; x < newW; x++, t += taps) {
        let a = 0;
        let b = 0;
        let c = 0;
        const s = row + first[x];
        for (let k = 0, n = count[x]; k < n; k++) {
          const wk = weight[t + k];
          a += i0[s + k] * wk;
          if (three) {
            b += i1[s + k] * wk;
            c += i2[s + k] * wk;
          }
        }
        if (clamp) {
          a = a > 0 ? (a < 1 ? a : 1) : 0;
          b = b > 0 ? (b < 1 ? b : 1) : 0;
          c = c > 0 ? (c < 1 ? c : 1) : 0;
        }
        o0[orow + x] = a;
        if (three) {
          o1[orow + x] = b;
          o2[orow + x] = c;
        }
      }
    }
  }
}

/** Filters every column of w x h planes along y into w x newH planes (row by row, cache friendly). */
function filterColumns(
  src: Planes,
  w: number,
  newH: number,
  f: AxisFilter,
  clamp: boolean,
  dst: Planes,
): void {
  const { p0: i0, p1: i1, p2: i2 } = src;
  const { p0: o0, p1: o1, p2: o2 } = dst;
  const three = i1 !== i0;
  const { cubic, taps, count, index, weight } = f;
  const rows = new Int32Array(taps);
  const ws = new Float64Array(taps);
  for (let y = 0; y < newH; y++) {
    const orow = y * w;
    const t = y * taps;
    if (cubic) {
      const r0 = index[t] * w;
      const r1 = index[t + 1] * w;
      const r2 = index[t + 2] * w;
      const r3 = index[t + 3] * w;
      const w0 = weight[t];
      const w1 = weight[t + 1];
      const w2 = weight[t + 2];
      const w3 = weight[t + 3];
      for (let x = 0; x < w; x++) {
        let a = 0 + i0[r0 + x] * w0 + i0[r1 + x] * w1 + i0[r2 + x] * w2 + i0[r3 + x] * w3;
        if (clamp) a = a > 0 ? (a < 1 ? a : 1) : 0;
        o0[orow + x] = a;
        if (three) {
          let b = 0 + i1[r0 + x] * w0 + i1[r1 + x] * w1 + i1[r2 + x] * w2 + i1[r3 + x] * w3;
          let c = 0 + i2[r0 + x] * w0 + i2[r1 + x] * w1 + i2[r2 + x] * w2 + i2[r3 + x] * w3;
          if (clamp) {
            b = b > 0 ? (b < 1 ? b : 1) : 0;
            c = c > 0 ? (c < 1 ? c : 1) : 0;
          }
          o1[orow + x] = b;
          o2[orow + x] = c;
        }
      }
    } else {
      const n = count[y];
      for (let k = 0; k < n; k++) {
        rows[k] = index[t + k] * w;
        ws[k] = weight[t + k];
      }
      for (let x = 0; x < w; x++) {
        let a = 0;
        let b = 0;
        let c = 0;
        for (let k = 0; k < n; k++) {
          const j = rows[k] + x;
          const wk = ws[k];
          a += i0[j] * wk;
          if (three) {
            b += i1[j] * wk;
            c += i2[j] * wk;
          }
        }
        if (clamp) {
          a = a > 0 ? (a < 1 ? a : 1) : 0;
          b = b > 0 ? (b < 1 ? b : 1) : 0;
          c = c > 0 ? (c < 1 ? c : 1) : 0;
        }
        o0[orow + x] = a;
        if (three) {
          o1[orow + x] = b;
          o2[orow + x] = c;
        }
      }
    }
  }
}

/**
 * Resizes w x h planes into `dst` (newW x newH planes; not the input's memory) with the filters fx, fy
 * (null: that axis keeps its size; not both null); tmp holds the intermediate planes when both axes change.
 */
function resizeInto(
  src: Planes,
  w: number,
  h: number,
  newW: number,
  newH: number,
  fx: AxisFilter | null,
  fy: AxisFilter | null,
  tmp: Planes | null,
  dst: Planes,
): void {
  const clamp = newW > w || newH > h;
  if (fx && fy) {
    // Run the pass that leaves the smaller intermediate plane first.
    if (w * newH < newW * h) {
      filterColumns(src, w, newH, fy, false, tmp!);
      filterRows(tmp!, w, newH, newW, fx, clamp, dst);
    } else {
      filterRows(src, w, h, newW, fx, false, tmp!);
      filterColumns(tmp!, newW, newH, fy, clamp, dst);
    }
  } else if (fx) filterRows(src, w, h, newW, fx, clamp, dst);
  else filterColumns(src, w, newH, fy!, clamp, dst);
}

/** Consecutive planes of `size` values in data, from plane `from` on. */
function planesOf(data: Float32Array, size: number, from = 0): Planes {
  return {
    p0: data.subarray(from * size, (from + 1) * size),
    p1: data.subarray((from + 1) * size, (from + 2) * size),
    p2: data.subarray((from + 2) * size, (from + 3) * size),
  };
}

/** One plane as Planes: the passes then do the work of one. */
function single(plane: Float32Array): Planes {
  return { p0: plane, p1: plane, p2: plane };
}

/**
 * The filters and intermediate planes (`planes` of them: 1 or 3) that resizing w x h to newW x newH needs
 * (the sizes differ).
 */
function plan(w: number, h: number, newW: number, newH: number, planes: 1 | 3) {
  const fx = newW !== w ? filterFor(w, newW) : null;
  const fy = newH !== h ? filterFor(h, newH) : null;
  const size = Math.min(w * newH, newW * h);
  let tmp: Planes | null = null;
  if (fx && fy)
    tmp = planes === 3 ? planesOf(new Float32Array(3 * size), size) : single(new Float32Array(size));
  return { fx, fy, tmp };
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
  const { fx, fy, tmp } = plan(w, h, newW, newH, 1);
  const out = new Float32Array(newW * newH);
  resizeInto(single(plane), w, h, newW, newH, fx, fy, tmp, single(out));
  return out;
}

/**
 * Resizes an RGB image (0..1) to width x height: area averaging on a shrinking axis, bicubic on a growing
 * one, clamped to 0..1 when an axis grows; a copy when the size is unchanged.
 * @throws StudioError INTERNAL when the size is not positive whole numbers.
 */
export function resizeImage(img: RgbImage, width: number, height: number): RgbImage {
  checkSize('an image', width, height);
  const { width: w, height: h } = img;
  const n = w * h;
  const m = width * height;
  if (w === width && h === height) return createImage(width, height, img.data.slice(0, 3 * n));
  const { fx, fy, tmp } = plan(w, h, width, height, 3);
  const data = new Float32Array(m * 3);
  resizeInto(planesOf(img.data, n), w, h, width, height, fx, fy, tmp, planesOf(data, m));
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
 * The inverse of footprints: for each source pixel, the first and last output pixel whose footprint
 * overlaps it (a contiguous run, since first and last never decrease).
 */
function reach(src: number, dst: number): { lo: Int32Array; hi: Int32Array } {
  const { first, last } = footprints(src, dst);
  const lo = new Int32Array(src).fill(-1);
  const hi = new Int32Array(src);
  for (let i = 0; i < dst; i++) {
    for (let j = first[i]; j <= last[i]; j++) {
      if (lo[j] < 0) lo[j] = i;
      hi[j] = i;
    }
  }
  return { lo, hi };
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
  const { width: w, height: h, data } = mask;
  if (w === width && h === height) return createMask(w, h, data.slice());
  const rx = reach(w, width);
  const fy = footprints(h, height);
  // Rows: each source hole pixel marks the output pixels whose footprint it lies in (OR along x).
  const tmp = new Uint8Array(width * h);
  const rowAny = new Uint8Array(h);
  const { lo, hi } = rx;
  const words = wordsOf(data);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const end = row + w;
    const trow = y * width;
    for (let i = nextNonZero(data, words, row, end); i < end; i = nextNonZero(data, words, i + 1, end)) {
      for (let x = lo[i - row], last = hi[i - row]; x <= last; x++) tmp[trow + x] = 1;
      rowAny[y] = 1;
    }
  }
  // Columns: OR along y, row-wise, skipping rows without a hole; the first such row is copied.
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const orow = y * width;
    let copied = false;
    for (let j = fy.first[y], last = fy.last[y]; j <= last; j++) {
      if (rowAny[j] === 0) continue;
      const trow = j * width;
      if (!copied) out.set(tmp.subarray(trow, trow + width), orow);
      else for (let x = 0; x < width; x++) out[orow + x] |= tmp[trow + x];
      copied = true;
    }
  }
  return createMask(width, height, out);
}
