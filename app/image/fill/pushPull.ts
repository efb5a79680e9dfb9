/**
 * Push-pull fill (normalised convolution over a pyramid, Gortler et al. 1996), with a few Gauss-Seidel
 * membrane sweeps per level so the result is smooth rather than blocky: push builds (colour, weight)
 * levels with a [1 3 3 1]/8 kernel, pull fills each level where its weight is below 1 from the bilinear
 * upsampling of the level above, then relaxes the pixels that had no data at all towards the mean of
 * their 4 neighbours. At the finest level that is a Laplace solve with the hole's boundary as data, started
 * from the coarse estimate (a cascadic multigrid), so linear ramps come back nearly exactly.
 * Every step is a convex combination: filled values stay within the range of the known values.
 */
import { throwIfAborted } from '../../common/errors';
import { cloneImage, type Mask, type RgbImage } from '../types';
import { checkFillInputs, groupAt, groupHoles, growRect } from './holeGeometry';

export interface PushPullOptions {
  signal?: AbortSignal;
}

/** Hole parts further apart than this (pixels) are filled from separate, smaller crops. */
const GROUP_SEPARATION = 32;
/**
 * Forward + backward Gauss-Seidel sweep pairs: COARSE_PAIRS << level on the coarse levels (cheap, and where
 * the low frequencies are settled), FINE_PAIRS at full resolution (only smooths the bilinear kinks).
 */
const COARSE_PAIRS = 6;
const FINE_PAIRS = 2;

interface Level {
  W: number;
  H: number;
  /** Number of planes. */
  C: number;
  /** C planes: the level's values (normalised, not premultiplied). */
  val: Float32Array;
  /** Confidence 0..1 (1 = known). */
  w: Float32Array;
}

/**
 * Fills the hole smoothly from its surroundings.
 * @param image sRGB 0..1 planes
 * @param mask 1 = hole, image's size
 * @returns a new image; pixels outside the hole are bit-exact copies of `image`; an empty mask returns a copy.
 * @throws StudioError MASK_SIZE (sizes differ), PARAM_INVALID (the mask covers everything), CANCELLED.
 */
export function pushPullFill(image: RgbImage, mask: Mask, opts: PushPullOptions = {}): RgbImage {
  const area = checkFillInputs(image, mask);
  const out = cloneImage(image);
  if (area === 0) return out;
  pushPullHoles(out.data, 3, mask, opts.signal);
  return out;
}

/**
 * Fills, in place, the hole pixels of `data` (`channels` planes of the mask's size), each group of nearby
 * hole parts from its own small crop. Known pixels are only read. The mask must leave a pixel known.
 * @throws StudioError CANCELLED.
 */
export function pushPullHoles(data: Float32Array, channels: number, mask: Mask, signal?: AbortSignal): void {
  throwIfAborted(signal);
  const { width: IW, height: IH } = mask;
  const groups = groupHoles(mask, GROUP_SEPARATION);
  const iplane = IW * IH;
  for (let g = 1; g <= groups.boxes.length; g++) {
    const box = groups.boxes[g - 1];
    // The membrane depends on the hole's boundary alone; the ring only feeds the coarse levels.
    const margin = Math.min(64, 8 + (Math.max(box.width, box.height) >> 3));
    const r = growRect(box, margin, IW, IH);
    const n = r.width * r.height;
    const planes = new Float32Array(channels * n);
    const hole = new Uint8Array(n);
    for (let y = 0; y < r.height; y++) {
      const src = (r.y + y) * IW + r.x;
      const dst = y * r.width;
      hole.set(mask.data.subarray(src, src + r.width), dst);
      for (let c = 0; c < channels; c++)
        planes.set(data.subarray(c * iplane + src, c * iplane + src + r.width), c * n + dst);
    }
    pushPullPlanes(planes, hole, r.width, r.height, signal, channels);
    // Other groups' pixels inside this crop were filled too, but are written by their own pass.
    for (let y = 0; y < r.height; y++) {
      const iy = r.y + y;
      const row = iy * IW;
      for (let x = 0; x < r.width; x++) {
        const ix = r.x + x;
        if (!mask.data[row + ix] || groupAt(groups, ix, iy) !== g) continue;
        const j = y * r.width + x;
        for (let c = 0; c < channels; c++) data[c * iplane + row + ix] = planes[c * n + j];
      }
    }
  }
}

/**
 * Fills, in place, the pixels of `planes` (`channels` planes of W*H) where `hole` is non-zero. At least
 * one pixel must be known. Used by pushPullFill and by the PatchMatch fill (its texture-feature plane).
 */
export function pushPullPlanes(
  planes: Float32Array,
  hole: Uint8Array,
  W: number,
  H: number,
  signal?: AbortSignal,
  channels = 3,
): void {
  const n = W * H;
  const w0 = new Float32Array(n);
  for (let i = 0; i < n; i++) w0[i] = hole[i] ? 0 : 1;
  const levels: Level[] = [{ W, H, C: channels, val: planes, w: w0 }];
  for (;;) {
    const top = levels[levels.length - 1];
    if (!hasEmpty(top.w) || (top.W === 1 && top.H === 1)) break;
    levels.push(push(top));
  }
  throwIfAborted(signal);
  relax(levels[levels.length - 1], sweepPairs(levels.length - 1));
  for (let l = levels.length - 2; l >= 0; l--) {
    pull(levels[l], levels[l + 1]);
    relax(levels[l], sweepPairs(l));
    throwIfAborted(signal);
  }
}

function sweepPairs(level: number): number {
  return level === 0 ? FINE_PAIRS : COARSE_PAIRS << Math.min(4, level);
}

function hasEmpty(w: Float32Array): boolean {
  for (let i = 0; i < w.length; i++) if (w[i] === 0) return true;
  return false;
}

/** Taps of the [1 3 3 1]/8 kernel centred between fine pixels 2X and 2X+1, edges replicated. */
function tapIndex(i: number, len: number): number {
  return i < 0 ? 0 : i >= len ? len - 1 : i;
}

function push(f: Level): Level {
  const { W, H, C } = f;
  const cw = (W + 1) >> 1;
  const ch = (H + 1) >> 1;
  const fn = W * H;
  const mid = cw * H;
  // Horizontal pass: premultiplied sums (w, w*r, w*g, w*b) at coarse x, fine y.
  const tw = new Float32Array(mid);
  const tc = new Float32Array(C * mid);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let X = 0; X < cw; X++) {
      const a = row + tapIndex(2 * X - 1, W);
      const b = row + tapIndex(2 * X, W);
      const c = row + tapIndex(2 * X + 1, W);
      const d = row + tapIndex(2 * X + 2, W);
      const wa = f.w[a];
      const wb = 3 * f.w[b];
      const wc = 3 * f.w[c];
      const wd = f.w[d];
      const o = y * cw + X;
      tw[o] = wa + wb + wc + wd;
      for (let k = 0; k < C; k++) {
        const p = k * fn;
        tc[k * mid + o] = wa * f.val[p + a] + wb * f.val[p + b] + wc * f.val[p + c] + wd * f.val[p + d];
      }
    }
  }
  const cn = cw * ch;
  const val = new Float32Array(C * cn);
  const w = new Float32Array(cn);
  for (let Y = 0; Y < ch; Y++) {
    const a = tapIndex(2 * Y - 1, H) * cw;
    const b = tapIndex(2 * Y, H) * cw;
    const c = tapIndex(2 * Y + 1, H) * cw;
    const d = tapIndex(2 * Y + 2, H) * cw;
    for (let X = 0; X < cw; X++) {
      const sw = tw[a + X] + 3 * tw[b + X] + 3 * tw[c + X] + tw[d + X];
      const o = Y * cw + X;
      if (sw <= 0) continue;
      // Only a fully known footprint counts as data (w = 1): a partial one's mean sits off the pixel's
      // centre and would bend ramps; it is kept as the starting value and relaxed like the hole.
      w[o] = Math.min(1, sw / 64);
      for (let k = 0; k < C; k++) {
        const p = k * mid;
        val[k * cn + o] = (tc[p + a + X] + 3 * tc[p + b + X] + 3 * tc[p + c + X] + tc[p + d + X]) / sw;
      }
    }
  }
  return { W: cw, H: ch, C, val, w };
}

/** Where the fine level's weight is below 1, blends in the bilinear upsampling of the coarse level. */
function pull(f: Level, c: Level): void {
  const { W, H } = f;
  const fn = W * H;
  const cn = c.W * c.H;
  for (let y = 0; y < H; y++) {
    // Fine pixel centre y maps to coarse (y - 0.5) / 2: taps (y>>1) - 1 + (y&1) and the next, weights 1/4, 3/4.
    const y0 = (y >> 1) - 1 + (y & 1);
    const ty = y & 1 ? 0.25 : 0.75;
    const ya = tapIndex(y0, c.H) * c.W;
    const yb = tapIndex(y0 + 1, c.H) * c.W;
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const wf = f.w[i];
      if (wf >= 1) continue;
      const x0 = (x >> 1) - 1 + (x & 1);
      const tx = x & 1 ? 0.25 : 0.75;
      const xa = tapIndex(x0, c.W);
      const xb = tapIndex(x0 + 1, c.W);
      const k00 = (1 - tx) * (1 - ty);
      const k01 = tx * (1 - ty);
      const k10 = (1 - tx) * ty;
      const k11 = tx * ty;
      for (let k = 0; k < f.C; k++) {
        const p = k * cn;
        const up =
          k00 * c.val[p + ya + xa] +
          k01 * c.val[p + ya + xb] +
          k10 * c.val[p + yb + xa] +
          k11 * c.val[p + yb + xb];
        const q = k * fn + i;
        f.val[q] = wf * f.val[q] + (1 - wf) * up;
      }
    }
  }
}

/**
 * Gauss-Seidel sweeps (forward then backward, `pairs` times) of the 4-neighbour mean over the pixels whose
 * weight is below 1; the fully known pixels are the boundary data.
 */
function relax(f: Level, pairs: number): void {
  const { W, H, C, w, val } = f;
  const n = W * H;
  let count = 0;
  for (let i = 0; i < n; i++) if (w[i] < 1) count++;
  if (count === 0) return;
  // Interior pixels (all 4 neighbours inside) take the fast path; border ones are listed negated.
  const idx = new Int32Array(count);
  for (let y = 0, j = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (w[i] >= 1) continue;
      const interior = x > 0 && x < W - 1 && y > 0 && y < H - 1;
      idx[j++] = interior ? i : -1 - i;
    }
  }
  for (let s = 0; s < 2 * pairs; s++) {
    const forward = (s & 1) === 0;
    for (let jj = 0; jj < count; jj++) {
      const e = idx[forward ? jj : count - 1 - jj];
      if (e >= 0) {
        for (let k = 0, g = e; k < C; k++, g += n)
          val[g] = 0.25 * (val[g - 1] + val[g + 1] + val[g - W] + val[g + W]);
      } else {
        relaxBorder(val, -1 - e, W, H, C);
      }
    }
  }
}

function relaxBorder(val: Float32Array, i: number, W: number, H: number, C: number): void {
  const n = W * H;
  const x = i % W;
  const hasL = x > 0;
  const hasR = x < W - 1;
  const hasU = i >= W;
  const hasD = i < n - W;
  const m = (hasL ? 1 : 0) + (hasR ? 1 : 0) + (hasU ? 1 : 0) + (hasD ? 1 : 0);
  if (m === 0) return;
  for (let k = 0; k < C; k++) {
    const p = k * n + i;
    let sum = 0;
    if (hasL) sum += val[p - 1];
    if (hasR) sum += val[p + 1];
    if (hasU) sum += val[p - W];
    if (hasD) sum += val[p + W];
    val[p] = sum / m;
  }
}
