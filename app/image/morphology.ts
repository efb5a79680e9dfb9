/**
 * Mask morphology built on the exact Euclidean distance transform of Felzenszwalb & Huttenlocher
 * ("Distance Transforms of Sampled Functions", 2012): two passes of the 1-D lower envelope of parabolas,
 * linear in the number of pixels. Distances are between pixel centres; the image border is not a pixel
 * (outside the image counts as neither hole nor known).
 */
import { StudioError, describeValue } from '../common/errors';
import type { Mask } from './types';
import { createMask } from './types';

/** Stands for "no target on this line yet" inside the transform (as in the paper). */
const FAR = 1e20;

/** 1-D squared distance transform of f[0..n) into d, using v and z as scratch (FH algorithm 1). */
function transform1d(f: Float64Array, d: Float64Array, v: Int32Array, z: Float64Array, n: number): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    const fq = f[q] + q * q;
    let p = v[k];
    let s = (fq - (f[p] + p * p)) / (2 * q - 2 * p);
    while (s <= z[k]) {
      k--;
      p = v[k];
      s = (fq - (f[p] + p * p)) / (2 * q - 2 * p);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const p = v[k];
    d[q] = (q - p) * (q - p) + f[p];
  }
}

/**
 * Squared Euclidean distance from each pixel to the nearest pixel where target[i] !== 0 (0 there).
 * Returns null when no pixel is a target.
 */
function squaredDistance(target: Uint8Array, width: number, height: number): Float64Array | null {
  const n = width * height;
  if (target.length !== n) {
    throw new StudioError(
      'INTERNAL',
      `Distance transform input has ${target.length} values; ${width}x${height} needs ${n}`,
    );
  }
  const grid = new Float64Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    if (target[i] !== 0) any = true;
    else grid[i] = FAR;
  }
  if (!any) return null;
  const len = Math.max(width, height);
  const f = new Float64Array(len);
  const d = new Float64Array(len);
  const v = new Int32Array(len);
  const z = new Float64Array(len + 1);
  // Columns.
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = grid[y * width + x];
    transform1d(f, d, v, z, height);
    for (let y = 0; y < height; y++) grid[y * width + x] = d[y];
  }
  // Rows.
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) f[x] = grid[row + x];
    transform1d(f, d, v, z, width);
    for (let x = 0; x < width; x++) grid[row + x] = d[x];
  }
  return grid;
}

/**
 * Exact Euclidean distance (in pixels, between centres) from each pixel to the nearest pixel where
 * target[i] !== 0; 0 at those pixels. When no pixel is a target every value is Infinity.
 * Linear time (Felzenszwalb–Huttenlocher).
 * @throws StudioError INTERNAL when target.length !== width*height.
 */
export function distanceTransform(target: Uint8Array, width: number, height: number): Float32Array {
  const sq = squaredDistance(target, width, height);
  const out = new Float32Array(width * height);
  if (!sq) return out.fill(Infinity);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(sq[i]);
  return out;
}

function complement(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ? 0 : 1;
  return out;
}

/**
 * Grows (px > 0) or shrinks (px < 0) the hole by a Euclidean radius; fractional px allowed; 0 gives a copy.
 * - Dilation, px > 0: a pixel becomes a hole when its distance to the nearest hole pixel is <= px
 *   (an isolated hole pixel becomes the disk of radius px).
 * - Erosion, px < 0: a hole pixel stays a hole only when its distance to the nearest known pixel is > |px|
 *   (a square hole loses floor(|px|) pixels on each side). A mask with no known pixel keeps every hole.
 * The two are duals: growMask(m, -r) is the complement of growMask(complement(m), r).
 * @throws StudioError PARAM_INVALID when px is not a finite number.
 */
export function growMask(mask: Mask, px: number): Mask {
  if (typeof px !== 'number' || !Number.isFinite(px)) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected a finite number of pixels for px but received ${describeValue(px)}`,
    );
  }
  const { width, height, data } = mask;
  if (px === 0) return createMask(width, height, data.slice());
  const out = new Uint8Array(width * height);
  const r2 = px * px;
  if (px > 0) {
    const sq = squaredDistance(data, width, height);
    if (sq) for (let i = 0; i < out.length; i++) out[i] = sq[i] <= r2 ? 1 : 0;
  } else {
    const sq = squaredDistance(complement(data), width, height);
    if (!sq) out.set(data);
    else for (let i = 0; i < out.length; i++) out[i] = data[i] && sq[i] > r2 ? 1 : 0;
  }
  return createMask(width, height, out);
}

/**
 * Blend weight (0..1) per pixel for compositing a fill over the original: exactly 0 outside the hole;
 * inside, smoothstep(d / width) where d (>= 1) is the distance to the nearest known pixel, so it starts
 * small at the hole's edge (smoothstep(1 / width)) and is exactly 1 from d >= width on. width 0 gives
 * exactly 1 everywhere in the hole; a hole with no known pixel at all is 1 everywhere.
 * @throws StudioError PARAM_INVALID when width is negative or not finite.
 */
export function featherWeights(mask: Mask, width: number): Float32Array {
  if (typeof width !== 'number' || !Number.isFinite(width) || width < 0) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected a number of pixels >= 0 for feather width but received ${describeValue(width)}`,
    );
  }
  const { data } = mask;
  const out = new Float32Array(data.length);
  const sq = width > 0 ? squaredDistance(complement(data), mask.width, mask.height) : null;
  const w2 = width * width;
  for (let i = 0; i < out.length; i++) {
    if (!data[i]) continue;
    if (!sq || sq[i] >= w2) {
      out[i] = 1;
      continue;
    }
    const t = Math.sqrt(sq[i]) / width;
    out[i] = t * t * (3 - 2 * t);
  }
  return out;
}
