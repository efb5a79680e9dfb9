/**
 * A no-reference score of how well a filled hole fits its surroundings, from the hole and its ring (the
 * untouched pixels within `ringWidth` of it; by default clamp(hole radius, 8, 48) px). Lower is better;
 * every term is 0 for a fill that looks like its ring. The automatic correction compares the fills its
 * candidate corrections make of one hole with it and keeps the best, or none (stage.ts).
 *
 * Terms (CIELab lightness L and colours; image/holeRing.ts gives the geometry and the colour shift):
 * - color: the colour shift across the hole's edge (the low-passed colours' mean step, lighter, blander
 *   or hue-turned) beyond the shift across the ring's own inner/outer contour, over that natural shift +
 *   COLOR_FLOOR ΔE.
 * - detail: |ln(hole detail energy / ring detail energy)| / 2 (the detail: L minus its in-region
 *   low-pass of σ DETAIL_SIGMA): 0 when the hole has as much fine detail as its ring, ln 2 per halving of
 *   the detail's amplitude (a blurry fill) or doubling (a noisy one).
 * - orientation: total-variation distance (0..1) between the histograms of gradient orientation
 *   (weighted by squared gradient, ORIENTATION_BINS bins over 180°) of the hole and of the ring.
 * - seam: max(0, ln(mean gradient on the two pixels either side of the hole's edge / mean gradient over
 *   the rest of the ring)): an edge that shows as a line (a paste seam, a colour step).
 * total: the weighted sum (SCORE_WEIGHTS).
 * Also, for explanations in plain words (not part of the total): colorShift, the colour shift across the
 * hole's edge in ΔE, and detailRatio, the hole's detail amplitude over the ring's (1 = as much detail).
 */
import { edgeShift, labPlanes, SHIFT_SIGMA, touches, type RingGeometry } from '../../image/holeRing';
import { maskedBlur } from '../../image/maskedBlur';
import type { RgbImage } from '../../image/types';

export { ringGeometry, ringWidthFor, type RingGeometry } from '../../image/holeRing';

export const DETAIL_SIGMA = 1.5;
export const ORIENTATION_BINS = 8;
/** ΔE added to the ring's own colour variation before dividing by it (noise-free rings). */
export const COLOR_FLOOR = 2;
/** Detail energy (L units²) added to both energies: below it, texture is noise. */
const DETAIL_FLOOR = 0.05;
/** L units per pixel added to both mean gradients of the seam term (flat surroundings). */
const SEAM_FLOOR = 0.5;

export const SCORE_WEIGHTS = { color: 1, detail: 1, orientation: 0.5, seam: 1 } as const;

export interface HoleScores {
  color: number;
  detail: number;
  orientation: number;
  seam: number;
  total: number;
  /** The colour shift across the hole's edge (ΔE; about the ring's own natural shift when it fits). */
  colorShift: number;
  /** √(hole detail energy / ring detail energy): 1 when the hole has its ring's detail, < 1 blurrier. */
  detailRatio: number;
}

/** Mean squared (L − its in-region low-pass) over the region. */
function detailEnergy(L: Float32Array, region: Uint8Array, W: number, H: number): number {
  const [low] = maskedBlur([L], W, H, region, DETAIL_SIGMA);
  let s = 0;
  let n = 0;
  for (let i = 0; i < region.length; i++) {
    if (!region[i]) continue;
    const d = L[i] - low[i];
    s += d * d;
    n++;
  }
  return n ? s / n : 0;
}

/**
 * Histogram of gradient orientations (doubled angle, so θ and θ + 180° agree) weighted by the squared
 * gradient, over the region's pixels whose four neighbours are in the region; normalised to sum 1 (all 0
 * when the region is flat). Bilinear between bins.
 */
function orientationHistogram(L: Float32Array, region: Uint8Array, W: number, H: number): Float64Array {
  const hist = new Float64Array(ORIENTATION_BINS);
  let total = 0;
  for (let y = 1; y < H - 1; y++)
    for (let x = 1; x < W - 1; x++) {
      const i = y * W + x;
      if (!region[i] || !region[i - 1] || !region[i + 1] || !region[i - W] || !region[i + W]) continue;
      const gx = (L[i + 1] - L[i - 1]) / 2;
      const gy = (L[i + W] - L[i - W]) / 2;
      const m = gx * gx + gy * gy;
      if (m === 0) continue;
      // Orientation in [0, π) mapped to [0, BINS).
      let t = (Math.atan2(gy, gx) + Math.PI) % Math.PI;
      t = (t / Math.PI) * ORIENTATION_BINS;
      const b0 = Math.floor(t) % ORIENTATION_BINS;
      const f = t - Math.floor(t);
      hist[b0] += m * (1 - f);
      hist[(b0 + 1) % ORIENTATION_BINS] += m * f;
      total += m;
    }
  if (total > 0) for (let b = 0; b < ORIENTATION_BINS; b++) hist[b] /= total;
  return hist;
}

/** Mean gradient magnitude of L (central differences inside the crop) over the pixels of `where`. */
function meanGradient(L: Float32Array, where: Uint8Array, W: number, H: number): number {
  let s = 0;
  let n = 0;
  for (let y = 1; y < H - 1; y++)
    for (let x = 1; x < W - 1; x++) {
      const i = y * W + x;
      if (!where[i]) continue;
      s += Math.hypot(L[i + 1] - L[i - 1], L[i + W] - L[i - W]) / 2;
      n++;
    }
  return n ? s / n : 0;
}

/** The pixels on either side of the line between a and b: those of a touching b and of b touching a. */
function band(a: Uint8Array, b: Uint8Array, W: number, H: number): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const other = a[i] ? b : b[i] ? a : null;
      if (!other) continue;
      if (
        (x > 0 && other[i - 1]) ||
        (x + 1 < W && other[i + 1]) ||
        (y > 0 && other[i - W]) ||
        (y + 1 < H && other[i + W])
      )
        out[i] = 1;
    }
  return out;
}

/**
 * What the score needs of the ring, which no candidate changes (a candidate changes hole pixels only):
 * made once per hole by prepareRing and shared by the scores of its candidates.
 */
export interface RingStats {
  /** Whether the ring has any pixel (a hole covering the image has none: every term is 0). */
  empty: boolean;
  /** The colour shift across the ring's own inner/outer contour (ΔE). */
  natural: number;
  /** The ring's CIELab low-pass (σ SHIFT_SIGMA, inside the ring only), for the shift across the hole's edge. */
  lowRing: Float32Array[];
  /** Ring pixels with a 4-neighbour in the hole, and the hole pixels with one in the ring. */
  edge: Uint8Array;
  ringEnergy: number;
  ringHistogram: Float64Array;
  /** Mean gradient over the ring away from the hole's edge. */
  restGradient: number;
}

/** The ring's share of the score of the hole of `geo` in `image` (see RingStats). */
export function prepareRing(image: RgbImage, geo: RingGeometry): RingStats {
  const { box, hole, inner, outer, ring } = geo;
  const W = box.width;
  const H = box.height;
  const edge = band(hole, ring, W, H);
  if (!ring.some((v) => v === 1))
    return {
      empty: true,
      natural: 0,
      lowRing: [],
      edge,
      ringEnergy: 0,
      ringHistogram: new Float64Array(ORIENTATION_BINS),
      restGradient: 0,
    };
  const lab = labPlanes(image, box);
  const rest = ring.map((v, i) => (v && !edge[i] ? 1 : 0));
  return {
    empty: false,
    natural: edgeShift(lab, W, H, inner, outer),
    lowRing: maskedBlur(lab, W, H, ring, SHIFT_SIGMA),
    edge,
    ringEnergy: detailEnergy(lab[0], ring, W, H),
    ringHistogram: orientationHistogram(lab[0], ring, W, H),
    restGradient: meanGradient(lab[0], rest, W, H),
  };
}

/**
 * The colour shift across the hole's edge, as image/holeRing.ts's edgeShift(lab, W, H, hole, ring)
 * measures it, with the ring's low-pass taken from `stats`.
 */
function holeShift(lab: Float32Array[], W: number, H: number, geo: RingGeometry, stats: RingStats): number {
  const lowIn = maskedBlur(lab, W, H, geo.hole, SHIFT_SIGMA);
  const lowOut = stats.lowRing;
  const d = [0, 0, 0];
  let chroma = 0;
  let m = 0;
  for (let i = 0; i < W * H; i++) {
    if (!geo.hole[i] || !touches(geo.ring, i, W, H) || !Number.isFinite(lowOut[0][i])) continue;
    for (let c = 0; c < 3; c++) d[c] += lowOut[c][i] - lowIn[c][i];
    chroma += Math.hypot(lowOut[1][i], lowOut[2][i]) - Math.hypot(lowIn[1][i], lowIn[2][i]);
    m++;
  }
  return m ? (Math.hypot(d[0], d[1], d[2]) + Math.abs(chroma)) / m : 0;
}

/**
 * Scores the hole of `geo` in `image` (sRGB 0..1, the image the geometry was made for: the full image or
 * a crop holding geo.box); see the file comment. `stats` (prepareRing of any candidate of the same hole)
 * saves recomputing the ring's share. Every term is finite and >= 0; a ring without pixels (a hole
 * covering the image) scores 0 on every term.
 */
export function scoreHole(image: RgbImage, geo: RingGeometry, stats = prepareRing(image, geo)): HoleScores {
  const { box, hole } = geo;
  const W = box.width;
  const H = box.height;
  if (stats.empty)
    return { color: 0, detail: 0, orientation: 0, seam: 0, total: 0, colorShift: 0, detailRatio: 1 };
  const lab = labPlanes(image, box);

  const shift = holeShift(lab, W, H, geo, stats);
  const { natural } = stats;
  const color = Math.max(0, shift - natural) / (natural + COLOR_FLOOR);

  const eh = detailEnergy(lab[0], hole, W, H);
  const er = stats.ringEnergy;
  const detail = Math.abs(Math.log((eh + DETAIL_FLOOR) / (er + DETAIL_FLOOR))) / 2;

  const ph = orientationHistogram(lab[0], hole, W, H);
  const pr = stats.ringHistogram;
  let orientation = 0;
  for (let b = 0; b < ORIENTATION_BINS; b++) orientation += Math.abs(ph[b] - pr[b]);
  // A flat side has no orientation to compare: the distance counts as much as the flatter side's detail.
  orientation = (orientation / 2) * Math.min(1, Math.sqrt(Math.min(eh, er) / DETAIL_FLOOR));

  const seam = Math.max(
    0,
    Math.log((meanGradient(lab[0], stats.edge, W, H) + SEAM_FLOOR) / (stats.restGradient + SEAM_FLOOR)),
  );

  const total =
    SCORE_WEIGHTS.color * color +
    SCORE_WEIGHTS.detail * detail +
    SCORE_WEIGHTS.orientation * orientation +
    SCORE_WEIGHTS.seam * seam;
  const detailRatio = Math.sqrt((eh + DETAIL_FLOOR) / (er + DETAIL_FLOOR));
  return { color, detail, orientation, seam, total, colorShift: shift, detailRatio };
}
