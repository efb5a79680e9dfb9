/**
 * One pyramid level of the patch-based fill: the nearest-neighbour field (NNF) from every patch that
 * touches the hole (target) to a patch made only of known pixels (source), its PatchMatch search
 * (Barnes et al. 2009: propagation from the scan-order neighbours, then random search in halving windows)
 * and the voting step of Wexler, Shechtman & Irani (2007): each hole pixel becomes the weighted mean of
 * the pixels that the overlapping patches' matches put there.
 *
 * Layout: each pixel holds CH interleaved values, R, G, B and a texture feature (one patch row is CH*p
 * contiguous floats, which is what the distance loop reads); patches are addressed by their top-left pixel. The NNF and per-target arrays
 * cover only the window of possible target top-lefts (the hole's box grown by a patch), not the whole
 * context crop.
 */
import { throwIfAborted } from '../../common/errors';
import { xorshift32 } from '../../common/random';
import { summedArea } from '../summedArea';
import { distanceToKnown } from '../morphology';

/** Confidence of a target patch falls by this factor per pixel of its centre's distance into the hole. */
const GAMMA = 1.3;
/** ...down to the value at this many patch widths, so deep patches still count. */
const CONF_DEPTH_PATCHES = 2;
/** Similarity weights use exp(-d / (2 sigma^2)), sigma^2 = this percentile of the current distances. */
const SIGMA_PERCENTILE = 0.75;

/** Values per pixel: R, G, B, texture feature (see patchMatch.ts). */
export const CH = 4;

export interface PatchLevel {
  W: number;
  H: number;
  /** Patch side. */
  p: number;
  /** Interleaved R, G, B, texture: W*H*CH. Hole pixels hold the current estimate. */
  img: Float32Array;
  /** 1 = pixel not known (this group's hole or another's). */
  unknown: Uint8Array;
  /** 1 = pixel no source patch may cover (known pixels outside the allowed sources, and `unknown`). Absent: `unknown`. */
  blocked?: Uint8Array;
  /** 1 = this group's hole: the pixels the level writes. */
  fill: Uint8Array;
}

export interface Field {
  /** Per crop top-left: 1 when the patch there is a valid source (inside, no unknown pixel). */
  valid: Uint8Array;
  validList: Int32Array;
  /** Target window: top-lefts x in [wx0, wx0 + WW), y in [wy0, wy0 + WH). */
  wx0: number;
  wy0: number;
  WW: number;
  WH: number;
  /** Window indices of the targets, in scan order, and their crop top-left indices. */
  targets: Int32Array;
  targetsCrop: Int32Array;
  /** Per window index: the matched source's crop top-left (-1 = not a target). */
  nnf: Int32Array;
  /** Per window index: SSD of the current match; boundary confidence; voting weight. */
  dist: Float32Array;
  conf: Float32Array;
  weight: Float32Array;
  /** Crop indices of the pixels to write. */
  fillList: Int32Array;
}

/** Small deterministic generator (xorshift32); one per group, seeded from the run's seed. */
export class Rng {
  /** Unsigned 32-bit words. */
  readonly next: () => number;
  constructor(seed: number) {
    this.next = xorshift32((seed ^ 0x9e3779b9) >>> 0 || 0x6d2b79f5);
    for (let i = 0; i < 4; i++) this.next();
  }
  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }
}

/** Number of valid source patches at a level (to decide how deep the pyramid may go). */
export function countSources(unknown: Uint8Array, W: number, H: number, p: number): number {
  if (W < p || H < p) return 0;
  const S = summedArea(unknown, W, H);
  const W1 = W + 1;
  let n = 0;
  for (let y = 0; y + p <= H; y++) {
    for (let x = 0; x + p <= W; x++) {
      if (S[(y + p) * W1 + x + p] - S[y * W1 + x + p] - S[(y + p) * W1 + x] + S[y * W1 + x] === 0) n++;
    }
  }
  return n;
}

/**
 * Sets up sources, targets and boundary confidences of a level. Requires W >= p, H >= p and at least one
 * valid source (see countSources).
 */
export function buildField(L: PatchLevel): Field {
  const { W, H, p } = L;
  const W1 = W + 1;
  const Su = summedArea(L.blocked ?? L.unknown, W, H);
  const valid = new Uint8Array(W * H);
  let nValid = 0;
  for (let y = 0; y + p <= H; y++) {
    for (let x = 0; x + p <= W; x++) {
      if (Su[(y + p) * W1 + x + p] - Su[y * W1 + x + p] - Su[(y + p) * W1 + x] + Su[y * W1 + x] === 0) {
        valid[y * W + x] = 1;
        nValid++;
      }
    }
  }
  const validList = new Int32Array(nValid);
  for (let i = 0, j = 0; i < valid.length; i++) if (valid[i]) validList[j++] = i;

  // Fill pixels and their box.
  let nFill = 0;
  let hx0 = W;
  let hy0 = H;
  let hx1 = -1;
  let hy1 = -1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (!L.fill[y * W + x]) continue;
      nFill++;
      if (x < hx0) hx0 = x;
      if (x > hx1) hx1 = x;
      if (y < hy0) hy0 = y;
      hy1 = y;
    }
  }
  const fillList = new Int32Array(nFill);
  for (let i = 0, j = 0; i < W * H; i++) if (L.fill[i]) fillList[j++] = i;

  const wx0 = Math.max(0, hx0 - p + 1);
  const wy0 = Math.max(0, hy0 - p + 1);
  const WW = Math.min(W - p, hx1) - wx0 + 1;
  const WH = Math.min(H - p, hy1) - wy0 + 1;
  const Sf = summedArea(L.fill, W, H);
  // Distances only where target centres can be: the window grown by the patch.
  const dw = WW + p - 1;
  const dh = WH + p - 1;
  const sub = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++)
    sub.set(L.unknown.subarray((wy0 + y) * W + wx0, (wy0 + y) * W + wx0 + dw), y * dw);
  const dk = distanceToKnown(sub, dw, dh);
  const depthCap = CONF_DEPTH_PATCHES * p;
  const half = p >> 1;
  const nw = WW * WH;
  const nnf = new Int32Array(nw).fill(-1);
  const conf = new Float32Array(nw);
  let nT = 0;
  const isT = new Uint8Array(nw);
  for (let ty = 0; ty < WH; ty++) {
    const y = wy0 + ty;
    for (let tx = 0; tx < WW; tx++) {
      const x = wx0 + tx;
      if (Sf[(y + p) * W1 + x + p] - Sf[y * W1 + x + p] - Sf[(y + p) * W1 + x] + Sf[y * W1 + x] === 0)
        continue;
      const k = ty * WW + tx;
      isT[k] = 1;
      nT++;
      conf[k] = Math.pow(GAMMA, -Math.min(depthCap, dk[(ty + half) * dw + tx + half]));
    }
  }
  const targets = new Int32Array(nT);
  const targetsCrop = new Int32Array(nT);
  for (let k = 0, j = 0; k < nw; k++) {
    if (!isT[k]) continue;
    targets[j] = k;
    targetsCrop[j++] = (wy0 + ((k / WW) | 0)) * W + wx0 + (k % WW);
  }
  return {
    valid,
    validList,
    wx0,
    wy0,
    WW,
    WH,
    targets,
    targetsCrop,
    nnf,
    dist: new Float32Array(nw),
    conf,
    weight: new Float32Array(nw),
    fillList,
  };
}

/** Sum of squared differences between the patches at crop top-lefts a and b, stopping once >= limit. */
export function patchDistance(
  img: Float32Array,
  W: number,
  p: number,
  a: number,
  b: number,
  limit: number,
): number {
  const stride = CH * W;
  const len = CH * p;
  let ia = CH * a;
  let ib = CH * b;
  let d = 0;
  for (let r = 0; r < p; r++) {
    for (let k = 0; k < len; k++) {
      const e = img[ia + k] - img[ib + k];
      d += e * e;
    }
    if (d >= limit) return d;
    ia += stride;
    ib += stride;
  }
  return d;
}

/** Random valid sources for every target (the coarsest level's start). */
export function randomInit(F: Field, rng: Rng): void {
  const nv = F.validList.length;
  for (let i = 0; i < F.targets.length; i++) F.nnf[F.targets[i]] = F.validList[rng.below(nv)];
}

/**
 * The finer level's NNF from the coarser one's: a target takes its parent's match, doubled, with the
 * same offset inside the parent; an invalid result falls back to a random source.
 */
export function upsampleField(F: Field, L: PatchLevel, C: Field, CL: PatchLevel, rng: Rng): void {
  const { W, H, p } = L;
  const nv = F.validList.length;
  for (let i = 0; i < F.targets.length; i++) {
    const t = F.targetsCrop[i];
    const x = t % W;
    const y = (t / W) | 0;
    let cx = x >> 1;
    let cy = y >> 1;
    cx = Math.min(Math.max(cx, C.wx0), C.wx0 + C.WW - 1);
    cy = Math.min(Math.max(cy, C.wy0), C.wy0 + C.WH - 1);
    const cs = C.nnf[(cy - C.wy0) * C.WW + (cx - C.wx0)];
    let s = -1;
    if (cs >= 0) {
      const sx = Math.min(Math.max(2 * (cs % CL.W) + (x - 2 * cx), 0), W - p);
      const sy = Math.min(Math.max(2 * ((cs / CL.W) | 0) + (y - 2 * cy), 0), H - p);
      s = sy * W + sx;
    }
    F.nnf[F.targets[i]] = s >= 0 && F.valid[s] ? s : F.validList[rng.below(nv)];
  }
}

/**
 * One PatchMatch pass over the targets (scan order when `forward`, reversed otherwise): each target's
 * distance is recomputed against the current estimate, then improved by propagation and by random search
 * in windows from `maxRadius` halving down to 1 pixel.
 * @throws StudioError CANCELLED when the signal fires (checked every few thousand targets).
 */
export function searchPass(
  L: PatchLevel,
  F: Field,
  rng: Rng,
  forward: boolean,
  maxRadius: number,
  signal?: AbortSignal,
): void {
  const { W, H, p, img } = L;
  const { nnf, dist, valid, targets, targetsCrop, WW } = F;
  const n = W * H;
  const nt = targets.length;
  const xMax = W - p;
  const yMax = H - p;
  const step = forward ? 1 : -1;
  const dW = forward ? W : -W;
  const dWW = forward ? WW : -WW;
  for (let j = 0; j < nt; j++) {
    if ((j & 4095) === 0) throwIfAborted(signal);
    const i = forward ? j : nt - 1 - j;
    const tw = targets[i];
    const t = targetsCrop[i];
    let best = nnf[tw];
    let bd = patchDistance(img, W, p, t, best, Infinity);
    // Propagation: the previously visited neighbour's match, shifted back by one pixel.
    const a = tw - step;
    if (a >= 0 && a < nnf.length && nnf[a] >= 0) {
      const c = nnf[a] + step;
      if (c >= 0 && c < n && valid[c] && c !== best) {
        const d = patchDistance(img, W, p, t, c, bd);
        if (d < bd) {
          bd = d;
          best = c;
        }
      }
    }
    const u = tw - dWW;
    if (u >= 0 && u < nnf.length && nnf[u] >= 0) {
      const c = nnf[u] + dW;
      if (c >= 0 && c < n && valid[c] && c !== best) {
        const d = patchDistance(img, W, p, t, c, bd);
        if (d < bd) {
          bd = d;
          best = c;
        }
      }
    }
    // Random search around the best match so far.
    const bx = best % W;
    const by = (best / W) | 0;
    for (let r = maxRadius; r >= 1; r >>= 1) {
      let cx = bx + rng.below(2 * r + 1) - r;
      let cy = by + rng.below(2 * r + 1) - r;
      cx = cx < 0 ? 0 : cx > xMax ? xMax : cx;
      cy = cy < 0 ? 0 : cy > yMax ? yMax : cy;
      const c = cy * W + cx;
      if (!valid[c] || c === best) continue;
      const d = patchDistance(img, W, p, t, c, bd);
      if (d < bd) {
        bd = d;
        best = c;
      }
    }
    nnf[tw] = best;
    dist[tw] = bd;
  }
}

/**
 * Voting: every fill pixel becomes the weighted mean of what the overlapping target patches' matches hold
 * at its position. Weight = boundary confidence x exp(-mean squared error / (2 sigma^2)), sigma^2 the
 * 75th percentile of the current errors (so the weighting adapts to the level's contrast). In place: the
 * sources are known pixels only, which voting never writes.
 */
export function vote(L: PatchLevel, F: Field): void {
  const { W, H, p, img } = L;
  const { nnf, dist, conf, weight, targets, WW, wx0, wy0, fillList } = F;
  const nt = targets.length;
  const norm = 1 / (CH * p * p);
  // Percentile from a strided sample keeps this linear.
  const stride = Math.max(1, Math.floor(nt / 8192));
  const sample = new Float32Array(Math.ceil(nt / stride));
  for (let i = 0, j = 0; i < nt; i += stride) sample[j++] = dist[targets[i]] * norm;
  sample.sort();
  const sigma2 = Math.max(
    1e-6,
    sample[Math.min(sample.length - 1, Math.floor(SIGMA_PERCENTILE * sample.length))],
  );
  const k = norm / (2 * sigma2);
  for (let i = 0; i < nt; i++) {
    const tw = targets[i];
    weight[tw] = conf[tw] * Math.exp(-Math.min(30, dist[tw] * k));
  }
  const xMax = W - p;
  const yMax = H - p;
  for (let f = 0; f < fillList.length; f++) {
    const q = fillList[f];
    const x = q % W;
    const y = (q / W) | 0;
    const dx0 = x > xMax ? x - xMax : 0;
    const dx1 = x < p - 1 ? x : p - 1;
    const dy0 = y > yMax ? y - yMax : 0;
    const dy1 = y < p - 1 ? y : p - 1;
    // CH = 4 values, accumulated in scalars (a loop over an accumulator array halves the speed).
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let ws = 0;
    for (let dy = dy0; dy <= dy1; dy++) {
      const rowBase = (y - dy - wy0) * WW - wx0 + x;
      const off = dy * W;
      for (let dx = dx0; dx <= dx1; dx++) {
        const tw = rowBase - dx;
        const s = nnf[tw];
        if (s < 0) continue;
        const w = weight[tw];
        const sp = CH * (s + off + dx);
        a0 += w * img[sp];
        a1 += w * img[sp + 1];
        a2 += w * img[sp + 2];
        a3 += w * img[sp + 3];
        ws += w;
      }
    }
    if (ws > 0) {
      const o = CH * q;
      img[o] = a0 / ws;
      img[o + 1] = a1 / ws;
      img[o + 2] = a2 / ws;
      img[o + 3] = a3 / ws;
    }
  }
}
