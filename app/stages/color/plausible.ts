/**
 * The ring restricted to the colours plausible for the hole. The ring around a hole often holds colours
 * the hole does not (a face beside a patch of sky, an orange suit around a grey helmet); matched as it is,
 * its distribution forces some hole pixels onto those colours, which shows as speckles or patches. Here
 * the ring's samples are weighted by how plausible each colour is for the hole, and the reference is drawn
 * from the ring by those weights:
 *
 * 1. The colour change across the hole's edge: each edge pixel of the hole and the mean of its untouched
 *    4-neighbours form a pair; a map c ↦ A c + t is fitted to the pairs by least squares (Huber-weighted,
 *    3 rounds), in CIELab, of the form L' = s L + t_L, (a', b') = ρ R(φ) (a, b) + (t_a, t_b) (a lightness
 *    gain and offset, a chroma gain with a hue rotation, and a shift: what a fill's colour defect usually
 *    is). A ridge pulls the gains towards 1 where the edge's colours vary little (the pairs of a flat edge
 *    differ by noise, which would pull a plain fit's gains to 0), and they are kept within [1/4, 4]; with
 *    fewer than MIN_PAIRS pairs the map is the identity.
 * 2. The hole's colours, mapped (an estimate of the colours the hole should have), and the ring's, are
 *    counted in coarse CIELab bins (5 units of L, 6 of a and b, blurred by [1 2 1] along each axis).
 * 3. A ring sample's weight is the ratio of the two densities at its bin, clamped to [1/MAX_RATIO,
 *    MAX_RATIO]: colours the hole has none of count a quarter, colours it has more of count up to 4 times.
 * 4. The reference: `maxSamples` ring samples drawn by weight (systematic resampling) from up to
 *    POOL_FACTOR × maxSamples ring pixels.
 */
import type { RgbImage } from '../../image/types';
import { srgbToLab, type SpaceConverter, type WorkingSpace } from './colorSpace';
import type { Region } from './region';
import type { Rng } from './rng';
import type { Colors } from './slicedWasserstein';

/** Fewer edge pairs than this: no colour change is fitted (identity). */
export const MIN_PAIRS = 16;
/** Weights are clamped to [1/MAX_RATIO, MAX_RATIO]. */
export const MAX_RATIO = 4;
/** Ring pixels considered: at most this many times the samples drawn. */
const POOL_FACTOR = 4;
/** Hole pixels counted for the density (evenly spread). */
const HOLE_SAMPLES = 65536;
/** Huber threshold of the map fit, CIELab units. */
const HUBER = 5;
/**
 * Ridge of the gains towards 1, as a variance (CIELab units², a spread of 2 units): edge colours that
 * vary about this little (a flat edge, whose pairs differ by noise only) cannot pull a gain far from 1;
 * their means still set the offsets.
 */
const RIDGE_VARIANCE = 4;
const GAIN_MIN = 0.25;
const GAIN_MAX = 4;

const BIN_L = 5;
const BIN_AB = 6;
const LO_L = -10;
const LO_AB = -132;
const NL = 24; // L −10..110
const NAB = 44; // a, b −132..132

/**
 * The fitted colour change, edge inside → outside (CIELab): L' = gainL L + offL,
 * a' = p a − q b + offA, b' = q a + p b + offB.
 */
export interface EdgeColorMap {
  gainL: number;
  offL: number;
  p: number;
  q: number;
  offA: number;
  offB: number;
  /** Edge pairs it was fitted to (0: the identity, too few pairs). */
  pairs: number;
}

export const IDENTITY_MAP: EdgeColorMap = { gainL: 1, offL: 0, p: 1, q: 0, offA: 0, offB: 0, pairs: 0 };

export function applyMap(
  m: EdgeColorMap,
  L: number,
  a: number,
  b: number,
  out: Float64Array,
  o: number,
): void {
  out[o] = m.gainL * L + m.offL;
  out[o + 1] = m.p * a - m.q * b + m.offA;
  out[o + 2] = m.q * a + m.p * b + m.offB;
}

/** Solves the 2x2 system [[a, b], [b, d]] x = (e, f). */
function solve2(a: number, b: number, d: number, e: number, f: number): [number, number] {
  const det = a * d - b * b;
  if (!(Math.abs(det) > 1e-12)) return [1, 0];
  return [(e * d - b * f) / det, (a * f - b * e) / det];
}

/**
 * Fits the map to pairs src → dst (interleaved CIELab, 3 per pair), weighted least squares with `ridge`
 * (a variance) pulling the gains towards 1.
 */
function fitOnce(src: Float64Array, dst: Float64Array, w: Float64Array, ridge: number): EdgeColorMap {
  const n = w.length;
  let sw = 0;
  let sL = 0;
  let sL2 = 0;
  let sLd = 0;
  let sd = 0;
  // a, b part: unknowns p, q, offA, offB; centred sums keep the system 2x2.
  let sa = 0;
  let sb = 0;
  let sda = 0;
  let sdb = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    sw += wi;
    sL += wi * src[3 * i];
    sL2 += wi * src[3 * i] * src[3 * i];
    sLd += wi * src[3 * i] * dst[3 * i];
    sd += wi * dst[3 * i];
    sa += wi * src[3 * i + 1];
    sb += wi * src[3 * i + 2];
    sda += wi * dst[3 * i + 1];
    sdb += wi * dst[3 * i + 2];
  }
  const r = ridge * sw;
  // L: minimise Σ w (g L + o − L')² + r (g − 1)²
  const [gainL, offL] = solve2(sL2 + r, sL, sw, sLd + r, sd);
  const ma = sa / sw;
  const mb = sb / sw;
  const mda = sda / sw;
  const mdb = sdb / sw;
  let saa = 0;
  let pNum = 0;
  let qNum = 0;
  for (let i = 0; i < n; i++) {
    const a = src[3 * i + 1] - ma;
    const b = src[3 * i + 2] - mb;
    const da = dst[3 * i + 1] - mda;
    const db = dst[3 * i + 2] - mdb;
    saa += w[i] * (a * a + b * b);
    pNum += w[i] * (a * da + b * db);
    qNum += w[i] * (a * db - b * da);
  }
  const p = (pNum + r) / (saa + r);
  const q = qNum / (saa + r);
  return {
    gainL,
    offL,
    p,
    q,
    offA: mda - (p * ma - q * mb),
    offB: mdb - (q * ma + p * mb),
    pairs: n,
  };
}

/** Keeps the gains within [GAIN_MIN, GAIN_MAX] (offsets refitted at the pairs' means). */
function clampGains(m: EdgeColorMap, src: Float64Array, dst: Float64Array): EdgeColorMap {
  const n = src.length / 3;
  const mean = (x: Float64Array, c: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[3 * i + c];
    return s / n;
  };
  const out = { ...m };
  const gL = Math.min(GAIN_MAX, Math.max(GAIN_MIN, m.gainL));
  if (gL !== m.gainL) {
    out.gainL = gL;
    out.offL = mean(dst, 0) - gL * mean(src, 0);
  }
  const rho = Math.hypot(m.p, m.q);
  const r2 = Math.min(GAIN_MAX, Math.max(GAIN_MIN, rho));
  if (r2 !== rho) {
    const f = rho > 0 ? r2 / rho : 0;
    out.p = rho > 0 ? m.p * f : r2;
    out.q = m.q * f;
    const ma = mean(src, 1);
    const mb = mean(src, 2);
    out.offA = mean(dst, 1) - (out.p * ma - out.q * mb);
    out.offB = mean(dst, 2) - (out.q * ma + out.p * mb);
  }
  return out;
}

/**
 * Fits the edge colour map to pairs (interleaved CIELab: src the hole's edge pixels, dst their outside
 * means), robustly (see the file comment). Fewer than MIN_PAIRS pairs: the identity.
 */
export function fitEdgeMap(src: Float64Array, dst: Float64Array): EdgeColorMap {
  const n = src.length / 3;
  if (n < MIN_PAIRS) return { ...IDENTITY_MAP };
  const w = new Float64Array(n).fill(1);
  const ridge = RIDGE_VARIANCE;
  let m = fitOnce(src, dst, w, ridge);
  const t = new Float64Array(3);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < n; i++) {
      applyMap(m, src[3 * i], src[3 * i + 1], src[3 * i + 2], t, 0);
      const e = Math.hypot(t[0] - dst[3 * i], t[1] - dst[3 * i + 1], t[2] - dst[3 * i + 2]);
      w[i] = e <= HUBER ? 1 : HUBER / e;
    }
    m = fitOnce(src, dst, w, ridge);
  }
  return clampGains(m, src, dst);
}

/** CIELab of a working-space colour. */
function toLab(space: WorkingSpace, x: number, y: number, z: number, out: Float64Array, o: number): void {
  if (space === 'lab') {
    out[o] = x;
    out[o + 1] = y;
    out[o + 2] = z;
  } else srgbToLab(x / 255, y / 255, z / 255, out, o);
}

/** The region's edge pairs (interleaved CIELab): each edge pixel and the mean of its outside neighbours. */
export function edgePairs(region: Region, space: WorkingSpace): { src: Float64Array; dst: Float64Array } {
  const { n, stride: s, u, outCount, outSum } = region;
  let m = 0;
  for (let k = 0; k < n; k++) if (outCount[k]) m++;
  const src = new Float64Array(3 * m);
  const dst = new Float64Array(3 * m);
  let j = 0;
  for (let k = 0; k < n; k++) {
    const c = outCount[k];
    if (!c) continue;
    toLab(space, u[k], u[s + k], u[2 * s + k], src, 3 * j);
    toLab(space, outSum[k] / c, outSum[s + k] / c, outSum[2 * s + k] / c, dst, 3 * j);
    j++;
  }
  return { src, dst };
}

function binOf(L: number, a: number, b: number): number {
  let i = Math.floor((L - LO_L) / BIN_L);
  let j = Math.floor((a - LO_AB) / BIN_AB);
  let k = Math.floor((b - LO_AB) / BIN_AB);
  i = i < 0 ? 0 : i >= NL ? NL - 1 : i;
  j = j < 0 ? 0 : j >= NAB ? NAB - 1 : j;
  k = k < 0 ? 0 : k >= NAB ? NAB - 1 : k;
  return (i * NAB + j) * NAB + k;
}

/** Normalises a histogram to sum 1 and blurs it by [1 2 1]/4 along each axis (in place). */
function blurNormalised(h: Float64Array): void {
  let total = 0;
  for (let i = 0; i < h.length; i++) total += h[i];
  const tmp = new Float64Array(h.length);
  const dims = [NL, NAB, NAB];
  const steps = [NAB * NAB, NAB, 1];
  for (let axis = 0; axis < 3; axis++) {
    const st = steps[axis];
    const dn = dims[axis];
    for (let i = 0; i < h.length; i++) {
      const c = Math.floor(i / st) % dn;
      tmp[i] =
        0.5 * h[i] + (c > 0 ? 0.25 * h[i - st] : 0.25 * h[i]) + (c < dn - 1 ? 0.25 * h[i + st] : 0.25 * h[i]);
    }
    h.set(tmp);
  }
  if (total > 0) for (let i = 0; i < h.length; i++) h[i] /= total;
}

export interface PlausibleReference {
  /** The reference samples (working space, planar). */
  colors: Colors;
  /** The fitted edge colour map. */
  map: EdgeColorMap;
  /** Share of the ring pool's weight left on colours the hole has none of (weight at the floor). */
  floorShare: number;
}

/**
 * The reference for `region` drawn from the ring pixels `ring` of `image` by plausibility (see the file
 * comment): at most maxSamples samples, in the working space.
 */
export function plausibleRingSamples(
  image: RgbImage,
  region: Region,
  ring: Int32Array,
  space: WorkingSpace,
  rng: Rng,
  maxSamples: number,
  conv: SpaceConverter,
): PlausibleReference {
  const { src, dst } = edgePairs(region, space);
  const map = fitEdgeMap(src, dst);
  // The hole's colours as the map predicts them.
  const hHole = new Float64Array(NL * NAB * NAB);
  const t = new Float64Array(3);
  const { n, stride: s, u } = region;
  const every = Math.max(1, Math.ceil(n / HOLE_SAMPLES));
  for (let k = 0; k < n; k += every) {
    toLab(space, u[k], u[s + k], u[2 * s + k], t, 0);
    applyMap(map, t[0], t[1], t[2], t, 0);
    hHole[binOf(t[0], t[1], t[2])]++;
  }
  blurNormalised(hHole);
  // The ring pool (a seeded subset when large) in the working space and CIELab.
  let pool = ring;
  const poolMax = POOL_FACTOR * maxSamples;
  if (ring.length > poolMax) {
    const a = ring.slice();
    for (let i = 0; i < poolMax; i++) {
      const j = i + Math.floor(rng.next() * (a.length - i));
      const x = a[i];
      a[i] = a[j];
      a[j] = x;
    }
    pool = a.subarray(0, poolMax).sort();
  }
  const m = pool.length;
  const plane = image.width * image.height;
  const work = new Float32Array(3 * m);
  const bins = new Int32Array(m);
  const hRing = new Float64Array(NL * NAB * NAB);
  for (let j = 0; j < m; j++) {
    const i = pool[j];
    conv.toWorking(image.data[i], image.data[plane + i], image.data[2 * plane + i], t, 0);
    work[3 * j] = t[0];
    work[3 * j + 1] = t[1];
    work[3 * j + 2] = t[2];
    toLab(space, t[0], t[1], t[2], t, 0);
    bins[j] = binOf(t[0], t[1], t[2]);
    hRing[bins[j]]++;
  }
  blurNormalised(hRing);
  const weights = new Float64Array(m);
  let total = 0;
  let floor = 0;
  for (let j = 0; j < m; j++) {
    const r = hHole[bins[j]] / Math.max(1e-12, hRing[bins[j]]);
    const wj = r < 1 / MAX_RATIO ? 1 / MAX_RATIO : r > MAX_RATIO ? MAX_RATIO : r;
    weights[j] = wj;
    total += wj;
    if (wj === 1 / MAX_RATIO) floor += wj;
  }
  // Systematic resampling: M samples at equal steps of the cumulative weight.
  const M = Math.min(maxSamples, m);
  const out = new Float32Array(3 * M);
  const stepW = total / M;
  let acc = weights[0];
  let j = 0;
  const start = rng.next() * stepW;
  for (let k = 0; k < M; k++) {
    const target = start + k * stepW;
    while (j < m - 1 && acc <= target) acc += weights[++j];
    out[k] = work[3 * j];
    out[M + k] = work[3 * j + 1];
    out[2 * M + k] = work[3 * j + 2];
  }
  return { colors: { n: M, stride: M, data: out }, map, floorShare: total > 0 ? floor / total : 0 };
}
