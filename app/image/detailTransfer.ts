/**
 * Detail transfer (image analogies, Hertzmann et al. 2001, on two frequency bands): a blurry fill gets
 * the fine detail it lacks without its picture moving. The image is split at σ into a low-pass (shapes,
 * shading, colour) and a high-pass (detail). Each block of the hole is matched, the fill as it is
 * against the known pixels' LOW-pass (a blurry fill against blurred sources), to a block of known pixels
 * (PatchMatch over 4×4 thumbnails, with propagation, so that
 * neighbouring blocks take neighbouring sources); the matched blocks' HIGH-pass is blended with
 * Hann-weighted 50% overlaps and added to the fill. The fill's own low-pass is never replaced, so its
 * structure and colour stay (and no box appears at the hole's edge).
 *
 * Blocks straddling the hole's edge are also matched on their known pixels' high-pass (the added detail
 * continues the detail just outside, no seam), and thumbnails are compared on their shape as well as
 * their level. The part of the blended detail that the fill already has (a copy of the same edge) is
 * removed before it is added.
 *
 * Only the MISSING detail is added: per pixel, the detail energy the hole should have is the matched
 * sources' own (at most `cap` times the ring's, the known pixels around the hole), and what the fill
 * already has is subtracted: added energy = max(0, target − fill's). Where the fill already has detail (a
 * PatchMatch fill, a sharp LaMa fill) nothing is added. Pixels outside the mask never change.
 */
import { StudioError, throwIfAborted } from '../common/errors';
import { mulberry32 } from '../common/random';
import type { Rect } from '../common/params';
import type { DetailOutcome } from '../common/stageInfo';
import {
  cropPlanes,
  gaussianBlur,
  growBox,
  holeComponents,
  maskedLowPass,
  ringOf,
  type HoleComponent,
} from './stationarity';
import { distanceTransform } from './morphology';
import { assertSameSize, type Mask, type RgbImage } from './types';

export interface DetailTransferOptions {
  /** σ (px) of the Gaussian splitting low from high frequencies. Default 3. */
  sigma?: number;
  /** Side of the matched blocks (px, even, 4..64); they overlap by half. Default 8. */
  blockSize?: number;
  /** The hole's detail energy is at most this times the ring's (0 = add nothing). Default 1. */
  cap?: number;
  /** PatchMatch rounds (propagation + random search). Default 5. */
  iterations?: number;
  /** Seed of the random search. Default 0. */
  seed?: number;
  /** Sources are searched within the hole's box grown by this (px); 0 = automatic (its size, 48..256). */
  searchRadius?: number;
  /**
   * The sampling area (1 = may sample, the image's size; issue 15 §4): source blocks and the ring's
   * detail level come only from known pixels inside it. Absent = any known pixel.
   */
  sampling?: Mask;
  /** Which holes (by holeComponents index) to treat; default all. */
  apply?: (index: number, component: HoleComponent) => boolean;
  signal?: AbortSignal;
}

export const DETAIL_TRANSFER_DEFAULTS = { sigma: 3, blockSize: 8, cap: 1, iterations: 5, seed: 0 } as const;

/** What the transfer did to one hole (levels are RMS high-pass, summed over R, G, B, in 0..1 units). */
export interface DetailTransferHole {
  box: Rect;
  pixels: number;
  applied: boolean;
  /** What was done, or why nothing (app/common/stageInfo.ts; words in app/contract/stageInfoText.ts). */
  reason: DetailOutcome;
  /** RMS detail of the ring's known pixels. */
  ringLevel: number;
  /** RMS detail of the fill in the hole before. */
  fillLevel: number;
  /** RMS of what was added. */
  addedLevel: number;
  /** RMS detail of the hole after. */
  resultLevel: number;
}

export interface DetailTransferResult {
  image: RgbImage;
  holes: DetailTransferHole[];
}

/** Holes smaller than this (pixels) are left as they are: too small to hold a block of detail. */
const MIN_PIXELS = 16;
/** Largest gain on the blended detail (overlapping independent blocks average down their energy). */
const MAX_GAIN = 2;
/**
 * Weight of a block's known pixels in its match (blocks straddling the hole's edge): the source's
 * high-pass must continue the known pixels' there, relative to the thumbnail term per value. Without it
 * the detail at the edge is unrelated to the detail just outside, which shows as a seam.
 */
const EDGE_WEIGHT = 2;
/**
 * Weight of the thumbnails' shape (their difference less its mean) on top of the plain difference:
 * sources are matched on the low-pass's structure, not only its level, so a flat stretch of the fill does
 * not borrow the detail of lettering or an edge that merely has its colour.
 */
const STRUCTURE_WEIGHT = 4;
/**
 * σ (px) of the window in which the blended detail's part along the fill's own detail is removed: the
 * same edge's halo, already in the fill and copied again from a matching source, would be doubled.
 */
const OWN_DETAIL_SIGMA = 1;

/** Thumbnail sample offsets inside a block: 4×4 points. */
function thumbOffsets(B: number): Int32Array {
  const o = new Int32Array(4);
  for (let k = 0; k < 4; k++) o[k] = Math.min(B - 1, Math.floor(((k + 0.5) * B) / 4));
  return o;
}

function checkOptions(o: Required<Omit<DetailTransferOptions, 'apply' | 'signal' | 'sampling'>>): void {
  const bad = (name: string, v: number, why: string) => {
    throw new StudioError('PARAM_INVALID', `Detail transfer: ${name} ${v} ${why}`);
  };
  if (!(o.sigma > 0 && o.sigma <= 32)) bad('sigma', o.sigma, 'must be in (0, 32]');
  if (!Number.isInteger(o.blockSize) || o.blockSize < 4 || o.blockSize > 64 || o.blockSize % 2)
    bad('blockSize', o.blockSize, 'must be an even integer in 4..64');
  if (!(o.cap >= 0 && o.cap <= 10)) bad('cap', o.cap, 'must be in 0..10');
  if (!Number.isInteger(o.iterations) || o.iterations < 0 || o.iterations > 50)
    bad('iterations', o.iterations, 'must be an integer in 0..50');
  if (!(o.searchRadius >= 0)) bad('searchRadius', o.searchRadius, 'must be ≥ 0');
}

/**
 * The image with detail transferred into every hole of the mask (see the file comment), and per hole
 * what was done. Pixels outside the mask are returned bit-exact.
 * @throws StudioError MASK_SIZE when the mask's size differs; PARAM_INVALID naming a bad option.
 */
export function transferDetail(
  image: RgbImage,
  mask: Mask,
  options: DetailTransferOptions = {},
): DetailTransferResult {
  assertSameSize(image, mask);
  if (options.sampling) assertSameSize(image, options.sampling);
  const o = { ...DETAIL_TRANSFER_DEFAULTS, searchRadius: 0, ...options };
  checkOptions(o);
  const out = image.data.slice();
  const { components, labels } = holeComponents(mask);
  const holes: DetailTransferHole[] = [];
  components.forEach((comp, index) => {
    throwIfAborted(o.signal);
    const none = { ringLevel: 0, fillLevel: 0, addedLevel: 0, resultLevel: 0 };
    if (options.apply && !options.apply(index, comp)) {
      holes.push({ box: comp.box, pixels: comp.pixels, applied: false, reason: 'not-selected', ...none });
      return;
    }
    if (comp.pixels < MIN_PIXELS) {
      holes.push({ box: comp.box, pixels: comp.pixels, applied: false, reason: 'too-small', ...none });
      return;
    }
    holes.push(transferOne(image, mask, labels, comp, o, out, options.sampling));
  });
  return { image: { width: image.width, height: image.height, data: out }, holes };
}

function transferOne(
  image: RgbImage,
  mask: Mask,
  labels: Int32Array,
  comp: HoleComponent,
  o: Required<Omit<DetailTransferOptions, 'apply' | 'signal' | 'sampling'>>,
  out: Float32Array,
  sampling?: Mask,
): DetailTransferHole {
  const { width: W, height: H } = image;
  const B = o.blockSize,
    half = B >> 1;
  const size = Math.max(comp.box.width, comp.box.height);
  const radius = o.searchRadius || Math.min(256, Math.max(48, size));
  const rect = growBox(comp.box, radius + B, W, H);
  const { data, hole } = cropPlanes(image, mask, rect);
  const w = rect.width,
    h = rect.height,
    n = w * h;
  const own = new Uint8Array(n);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) own[y * w + x] = labels[(rect.y + y) * W + rect.x + x] === comp.label ? 1 : 0;
  const known = Uint8Array.from(hole, (v) => 1 - v);
  // Bands: known pixels' low-pass over known pixels only (no fill bleeds into the sources); the hole's
  // over everything (the fill is its picture).
  const lowKnown = maskedLowPass(data, known, w, h, 3, o.sigma);
  const lowAll = gaussianBlur(data, w, h, 3, o.sigma);
  const low = new Float32Array(3 * n);
  const hp = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++) {
      const k = c * n + i;
      low[k] = hole[i] ? lowAll[k] : lowKnown[k];
      hp[k] = data[k] - low[k];
    }
  const energy = new Float32Array(n);
  for (let i = 0; i < n; i++) energy[i] = hp[i] ** 2 + hp[n + i] ** 2 + hp[2 * n + i] ** 2;
  // The ring: known pixels 1..max(8, 3σ, size/4) px from this hole.
  const ring = ringOf(own, hole, w, h, 1, Math.max(8, 3 * o.sigma, size / 4));
  // Known pixels the sampling area leaves out: neither in the ring's level nor in a source block.
  const leftOut = (x: number, y: number) =>
    sampling !== undefined && !sampling.data[(rect.y + y) * W + rect.x + x];
  if (sampling) for (let i = 0; i < n; i++) if (ring[i] && leftOut(i % w, (i / w) | 0)) ring[i] = 0;
  let ringSum = 0,
    ringCount = 0;
  for (let i = 0; i < n; i++)
    if (ring[i]) {
      ringSum += energy[i];
      ringCount++;
    }
  const ringEnergy = ringCount ? ringSum / ringCount : 0;
  let fillSum = 0;
  for (let i = 0; i < n; i++) if (own[i]) fillSum += energy[i];
  const fillEnergy = fillSum / comp.pixels;
  const result = (
    applied: boolean,
    reason: DetailOutcome,
    added = 0,
    after = fillEnergy,
  ): DetailTransferHole => ({
    box: comp.box,
    pixels: comp.pixels,
    applied,
    reason,
    ringLevel: Number(Math.sqrt(ringEnergy).toFixed(5)),
    fillLevel: Number(Math.sqrt(fillEnergy).toFixed(5)),
    addedLevel: Number(Math.sqrt(added).toFixed(5)),
    resultLevel: Number(Math.sqrt(after).toFixed(5)),
  });
  if (!ringCount) return result(false, 'no-ring');
  if (o.cap === 0) return result(false, 'cap-zero');
  if (fillEnergy >= o.cap * ringEnergy) return result(false, 'already-detailed');

  // Valid sources: blocks wholly of known pixels at least 2 px from any hole pixel (their high-pass,
  // over known pixels only, is then clean).
  const dist = distanceTransform(hole, w, h);
  const bad = new Int32Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      bad[(y + 1) * (w + 1) + x + 1] =
        (dist[y * w + x] < 2 || leftOut(x, y) ? 1 : 0) +
        bad[y * (w + 1) + x + 1] +
        bad[(y + 1) * (w + 1) + x] -
        bad[y * (w + 1) + x];
  const okAt = (x: number, y: number) =>
    x >= 0 &&
    y >= 0 &&
    x + B <= w &&
    y + B <= h &&
    bad[(y + B) * (w + 1) + x + B] -
      bad[y * (w + 1) + x + B] -
      bad[(y + B) * (w + 1) + x] +
      bad[y * (w + 1) + x] ===
      0;
  const sources: number[] = [];
  for (let y = 0; y + B <= h; y += 2)
    for (let x = 0; x + B <= w; x += 2) if (okAt(x, y)) sources.push(y * w + x);
  if (!sources.length) return result(false, 'no-sources');

  // Targets: blocks on a half-block grid covering the hole's box, each holding some of its pixels.
  const bx0 = comp.box.x - rect.x - half,
    by0 = comp.box.y - rect.y - half;
  const gx = Math.ceil((comp.box.width + B) / half),
    gy = Math.ceil((comp.box.height + B) / half);
  const tx: number[] = [],
    ty: number[] = [],
    cell: number[] = [];
  for (let j = 0; j < gy; j++)
    for (let i = 0; i < gx; i++) {
      const x = bx0 + i * half,
        y = by0 + j * half;
      let any = false;
      for (let v = Math.max(0, y); v < Math.min(h, y + B) && !any; v++)
        for (let u = Math.max(0, x); u < Math.min(w, x + B); u++)
          if (own[v * w + u]) {
            any = true;
            break;
          }
      if (any) {
        tx.push(x);
        ty.push(y);
        cell.push(j * gx + i);
      }
    }
  const T = tx.length;
  const off = thumbOffsets(B);
  // Thumbnail features: luma and two opponent axes at 4×4 points, of the known pixels' low-pass and of
  // the fill as it is (the analogy's pair: a blurry fill is compared with blurred known pixels at the same
  // blur; blurring it again would erase the faint orientation it still shows, and flat-looking sources of
  // any orientation would match: stripes across a diagonal texture).

  const feat = (x: number, y: number, dst: Float32Array, at: number) => {
    let k = at;
    for (let v = 0; v < 4; v++) {
      const yy = Math.min(h - 1, Math.max(0, y + off[v]));
      for (let u = 0; u < 4; u++) {
        const xx = Math.min(w - 1, Math.max(0, x + off[u]));
        const i = yy * w + xx;
        const src = hole[i] ? data : low;
        const r = src[i],
          g = src[n + i],
          b = src[2 * n + i];
        dst[k++] = 0.299 * r + 0.587 * g + 0.114 * b;
        dst[k++] = 0.5 * (r - g);
        dst[k++] = 0.25 * (r + g) - 0.5 * b;
      }
    }
  };
  const F = 48;
  const tFeat = new Float32Array(T * F);
  for (let t = 0; t < T; t++) feat(tx[t], ty[t], tFeat, t * F);
  const sFeat = new Float32Array(F);
  // Each target's known pixels (offsets in the block): the source must continue their detail.
  const knownStart = new Int32Array(T + 1);
  const knownOffsets: number[] = [];
  for (let t = 0; t < T; t++) {
    knownStart[t] = knownOffsets.length;
    for (let v = 0; v < B; v++)
      for (let u = 0; u < B; u++) {
        const x = tx[t] + u,
          y = ty[t] + v;
        if (x >= 0 && y >= 0 && x < w && y < h && !hole[y * w + x]) knownOffsets.push(v * B + u);
      }
  }
  knownStart[T] = knownOffsets.length;
  const cost = (t: number, s: number) => {
    const sx = s % w,
      sy = (s / w) | 0;
    feat(sx, sy, sFeat, 0);
    let d = 0;
    const mean = [0, 0, 0];
    for (let k = 0; k < F; k++) {
      const e = tFeat[t * F + k] - sFeat[k];
      d += e * e;
      mean[k % 3] += e / 16;
    }
    let shape = 0;
    for (let k = 0; k < F; k++) shape += (tFeat[t * F + k] - sFeat[k] - mean[k % 3]) ** 2;
    d += STRUCTURE_WEIGHT * shape;
    const a = knownStart[t],
      b = knownStart[t + 1];
    if (b > a) {
      let e2 = 0;
      for (let q = a; q < b; q++) {
        const o = knownOffsets[q],
          u = o % B,
          v = (o - u) / B;
        const ti = (ty[t] + v) * w + tx[t] + u,
          si = (sy + v) * w + sx + u;
        for (let c = 0; c < 3; c++) e2 += (hp[c * n + ti] - hp[c * n + si]) ** 2;
      }
      d += (EDGE_WEIGHT * F * e2) / (3 * (b - a));
    }
    return d;
  };
  // PatchMatch over the target grid.
  const rnd = mulberry32(o.seed ^ (comp.label * 0x9e3779b1));
  const nnf = new Int32Array(T);
  const best = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    nnf[t] = sources[Math.floor(rnd() * sources.length)];
    best[t] = cost(t, nnf[t]);
  }
  const index = new Int32Array(gx * gy).fill(-1);
  cell.forEach((c, t) => (index[c] = t));
  const tryAt = (t: number, x: number, y: number) => {
    if (!okAt(x, y)) return;
    const s = y * w + x;
    if (s === nnf[t]) return;
    const d = cost(t, s);
    if (d < best[t]) {
      best[t] = d;
      nnf[t] = s;
    }
  };
  for (let it = 0; it < o.iterations; it++) {
    const fwd = it % 2 === 0;
    for (let q = 0; q < T; q++) {
      const t = fwd ? q : T - 1 - q;
      const c = cell[t],
        ci = c % gx,
        cj = (c - ci) / gx;
      const sgn = fwd ? -1 : 1;
      // Propagation: the neighbour's source, shifted by the grid step.
      for (const [di, dj] of [
        [sgn, 0],
        [0, sgn],
      ]) {
        const ni = ci + di,
          nj = cj + dj;
        if (ni < 0 || nj < 0 || ni >= gx || nj >= gy) continue;
        const nt = index[nj * gx + ni];
        if (nt < 0) continue;
        const s = nnf[nt];
        tryAt(t, (s % w) - di * half, ((s / w) | 0) - dj * half);
      }
      // Random search around the current source, radius halving.
      const sx = nnf[t] % w,
        sy = (nnf[t] / w) | 0;
      for (let r = Math.max(w, h); r >= 1; r >>= 1) {
        tryAt(t, sx + Math.round((2 * rnd() - 1) * r), sy + Math.round((2 * rnd() - 1) * r));
      }
      // And one fresh random source.
      const s = sources[Math.floor(rnd() * sources.length)];
      tryAt(t, s % w, (s / w) | 0);
    }
  }
  // Blend the matched high-pass with Hann windows (sin² at half-block steps sums to 1).
  const hann = new Float32Array(B);
  for (let u = 0; u < B; u++) hann[u] = Math.sin((Math.PI * (u + 0.5)) / B) ** 2;
  const add = new Float32Array(3 * n);
  const wsum = new Float32Array(n);
  const target = new Float32Array(n);
  for (let t = 0; t < T; t++) {
    const sx = nnf[t] % w,
      sy = (nnf[t] / w) | 0;
    let e = 0;
    for (let v = 0; v < B; v++) for (let u = 0; u < B; u++) e += energy[(sy + v) * w + sx + u];
    e /= B * B;
    for (let v = 0; v < B; v++) {
      const y = ty[t] + v;
      if (y < 0 || y >= h) continue;
      for (let u = 0; u < B; u++) {
        const x = tx[t] + u;
        if (x < 0 || x >= w) continue;
        const i = y * w + x;
        if (!own[i]) continue;
        const s = (sy + v) * w + sx + u;
        const wt = hann[u] * hann[v];
        for (let c = 0; c < 3; c++) add[c * n + i] += wt * hp[c * n + s];
        wsum[i] += wt;
        target[i] += wt * e;
      }
    }
  }
  for (let i = 0; i < n; i++)
    if (wsum[i] > 0) {
      for (let c = 0; c < 3; c++) add[c * n + i] /= wsum[i];
      target[i] /= wsum[i];
    }
  // Local energies (Gaussian of ρ = a block side / 2 over the hole): the fill's, the blended detail's.
  const rho = Math.max(2, half);
  const holeF = Float32Array.from(own);
  const norm = gaussianBlur(holeF, w, h, 1, rho);
  const localOf = (v: Float32Array) => {
    const m = new Float32Array(n);
    for (let i = 0; i < n; i++) m[i] = own[i] ? v[i] : 0;
    const g = gaussianBlur(m, w, h, 1, rho);
    for (let i = 0; i < n; i++) g[i] = own[i] && norm[i] > 1e-6 ? g[i] / norm[i] : 0;
    return g;
  };
  // Remove from the blended detail its part along the fill's own detail (least squares in a small
  // window, only a positive part, at most all of it): what the fill has is not added twice.
  const dot = new Float32Array(n),
    own2 = new Float32Array(n);
  for (let i = 0; i < n; i++)
    if (own[i])
      for (let c = 0; c < 3; c++) {
        dot[i] += add[c * n + i] * hp[c * n + i];
        own2[i] += hp[c * n + i] ** 2;
      }
  const dotLow = gaussianBlur(dot, w, h, 1, OWN_DETAIL_SIGMA),
    own2Low = gaussianBlur(own2, w, h, 1, OWN_DETAIL_SIGMA);
  for (let i = 0; i < n; i++) {
    if (!own[i] || !(own2Low[i] > 1e-9)) continue;
    const beta = Math.min(1, Math.max(0, dotLow[i] / own2Low[i]));
    for (let c = 0; c < 3; c++) add[c * n + i] -= beta * hp[c * n + i];
  }
  const addEnergy = new Float32Array(n);
  for (let i = 0; i < n; i++) addEnergy[i] = add[i] ** 2 + add[n + i] ** 2 + add[2 * n + i] ** 2;
  const fillLocal = localOf(energy);
  const addLocal = localOf(addEnergy);
  const targetLocal = localOf(target);
  const capEnergy = o.cap * ringEnergy;
  // The detail to add, then its own low-pass removed (over the hole): blended blocks and the gain's
  // variation leave some coarse residue, which would shift the fill's picture.
  // A fill that is close to the ring's level overall has its detail, only distributed a little
  // differently from the sources': then little is added (full where under half the level is missing).
  const missing = Math.min(1, (2 * (capEnergy - fillEnergy)) / capEnergy);
  const delta = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    if (!own[i]) continue;
    const want = missing * (Math.min(targetLocal[i], capEnergy) - fillLocal[i]);
    const gain = want > 0 && addLocal[i] > 1e-9 ? Math.min(MAX_GAIN, Math.sqrt(want / addLocal[i])) : 0;
    for (let c = 0; c < 3; c++) delta[c * n + i] = gain * add[c * n + i];
  }
  const residue = maskedLowPass(delta, own, w, h, 3, o.sigma);
  let addedSum = 0,
    afterSum = 0;
  const N = W * H;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!own[i]) continue;
      const gi = (rect.y + y) * W + rect.x + x;
      let a2 = 0,
        r2 = 0;
      for (let c = 0; c < 3; c++) {
        const before = out[c * N + gi];
        const v = Math.min(1, Math.max(0, before + delta[c * n + i] - residue[c * n + i]));
        out[c * N + gi] = v;
        a2 += (v - before) ** 2;
        r2 += (hp[c * n + i] + v - before) ** 2;
      }
      addedSum += a2;
      afterSum += r2;
    }
  return result(true, 'added', addedSum / comp.pixels, afterSum / comp.pixels);
}
