/**
 * A hole and the ring of untouched pixels around it, on a crop of the image: the geometry (the ring split
 * into an inner and an outer half, whose boundary is an edge-free contour of the surroundings to compare
 * the hole's edge with), the crop's CIELab planes, and the colour shift across the hole's edge.
 *
 * The colour shift: the low-passed colours on each side of the edge (a Gaussian inside one region only,
 * so the sides never mix) are paired at the edge's pixels; the shift is the length of their mean
 * difference plus the difference of their mean chromas (a consistent step: lighter, blander, hue-turned;
 * the steps of edges that merely cross the contour mostly cancel). A fill whose colours continue its
 * surroundings has a shift about that of the ring's own inner/outer contour (its `natural` level); a
 * fill with a colour defect has a larger one.
 */
import { StudioError } from '../common/errors';
import type { Rect } from '../common/params';
import { distanceTransform } from '../common/maskMorphology';
import { cropMask, expandRect, maskBoundingBox } from './crop';
import { srgbToLab } from './lab';
import { maskedBlur } from './maskedBlur';
import { maskArea, type Mask, type RgbImage } from './types';

export const RING_MIN = 8;
export const RING_MAX = 48;
/** σ (px) of the low-pass the colour shift compares. */
export const SHIFT_SIGMA = 2;

/** Where one hole is looked at: a crop of the image around the hole, with the hole and its ring. */
export interface RingGeometry {
  /** The crop, in image coordinates. */
  box: Rect;
  /** The hole's pixels in the crop (1 = hole). */
  hole: Uint8Array;
  /** Untouched pixels (outside every hole) within ringWidth of the hole, split at ringWidth / 2. */
  inner: Uint8Array;
  outer: Uint8Array;
  /** inner ∪ outer. */
  ring: Uint8Array;
  ringWidth: number;
}

/** clamp(round(√(area / π)), RING_MIN, RING_MAX): the ring width for a hole of `area` pixels. */
export function ringWidthFor(area: number): number {
  return Math.min(RING_MAX, Math.max(RING_MIN, Math.round(Math.sqrt(area / Math.PI))));
}

/**
 * The geometry of `hole` (one hole, or a group) with its ring outside every hole of `all`; ring width by
 * default ringWidthFor(the hole's area).
 * @throws StudioError MASK_SIZE when the masks differ in size; INTERNAL when `hole` is empty.
 */
export function ringGeometry(hole: Mask, all: Mask, ringWidth?: number): RingGeometry {
  if (hole.width !== all.width || hole.height !== all.height) {
    throw new StudioError(
      'MASK_SIZE',
      `The hole mask is ${hole.width}x${hole.height} but the image mask is ${all.width}x${all.height}`,
    );
  }
  const bbox = maskBoundingBox(hole);
  if (!bbox) throw new StudioError('INTERNAL', 'A hole measure was given an empty hole');
  const w = ringWidth ?? ringWidthFor(maskArea(hole));
  const box = expandRect(bbox, w + 1, hole.width, hole.height);
  const h = cropMask(hole, box).data;
  const a = cropMask(all, box).data;
  const dist = distanceTransform(h, box.width, box.height);
  const n = box.width * box.height;
  const inner = new Uint8Array(n);
  const outer = new Uint8Array(n);
  const ring = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (a[i] || dist[i] > w) continue;
    ring[i] = 1;
    if (dist[i] <= w / 2) inner[i] = 1;
    else outer[i] = 1;
  }
  return { box, hole: h, inner, outer, ring, ringWidth: w };
}

/** The CIELab planes (L, a, b) of `box` of the image. */
export function labPlanes(image: RgbImage, box: Rect): Float32Array[] {
  const n = box.width * box.height;
  const plane = image.width * image.height;
  const out = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const t = new Float64Array(3);
  const d = image.data;
  for (let y = 0; y < box.height; y++)
    for (let x = 0; x < box.width; x++) {
      const i = (box.y + y) * image.width + box.x + x;
      const j = y * box.width + x;
      srgbToLab(d[i], d[plane + i], d[2 * plane + i], t, 0);
      out[0][j] = t[0];
      out[1][j] = t[1];
      out[2][j] = t[2];
    }
  return out;
}

/** Whether pixel i (of a W x H grid) has a 4-neighbour in `other`. */
export function touches(other: Uint8Array, i: number, W: number, H: number): boolean {
  const x = i % W;
  return (
    (x > 0 && other[i - 1] === 1) ||
    (x + 1 < W && other[i + 1] === 1) ||
    (i >= W && other[i - W] === 1) ||
    (i + W < W * H && other[i + W] === 1)
  );
}

/**
 * The colour shift across the line between `side` and `other` (see the file comment) in the crop's
 * CIELab planes `lab` (W x H), from the pairs at the pixels of `side` with a 4-neighbour in `other`: the
 * length of the mean difference of the pairs' colours plus the difference of their mean chromas (ΔE
 * units; 0 with no pairs).
 */
export function edgeShift(
  lab: Float32Array[],
  W: number,
  H: number,
  side: Uint8Array,
  other: Uint8Array,
  sigma = SHIFT_SIGMA,
): number {
  const lowIn = maskedBlur(lab, W, H, side, sigma);
  const lowOut = maskedBlur(lab, W, H, other, sigma);
  const d = [0, 0, 0];
  let chroma = 0;
  let m = 0;
  for (let i = 0; i < W * H; i++) {
    if (!side[i] || !touches(other, i, W, H) || !Number.isFinite(lowOut[0][i])) continue;
    for (let c = 0; c < 3; c++) d[c] += lowOut[c][i] - lowIn[c][i];
    chroma += Math.hypot(lowOut[1][i], lowOut[2][i]) - Math.hypot(lowIn[1][i], lowIn[2][i]);
    m++;
  }
  return m ? (Math.hypot(d[0], d[1], d[2]) + Math.abs(chroma)) / m : 0;
}

/** The colour shift across the hole's edge and, for comparison, across the ring's inner/outer contour. */
export function holeEdgeShift(image: RgbImage, geo: RingGeometry): { shift: number; natural: number } {
  const { box } = geo;
  const lab = labPlanes(image, box);
  return {
    shift: edgeShift(lab, box.width, box.height, geo.hole, geo.ring),
    natural: edgeShift(lab, box.width, box.height, geo.inner, geo.outer),
  };
}

/** Bins of colourOverlap: CIELab L in steps of 10 (−10..110), a and b in steps of 12 (−132..132). */
const OVERLAP_L = 10;
const OVERLAP_AB = 12;
const OVERLAP_NL = 12;
const OVERLAP_NAB = 22;
/** Pixels counted per set at most (evenly spread): more barely change a coarse histogram. */
const OVERLAP_SAMPLES = 65536;

function labHistogram(image: RgbImage, pixels: ArrayLike<number>): Float64Array {
  const h = new Float64Array(OVERLAP_NL * OVERLAP_NAB * OVERLAP_NAB);
  const plane = image.width * image.height;
  const d = image.data;
  const t = new Float64Array(3);
  const every = Math.max(1, Math.ceil(pixels.length / OVERLAP_SAMPLES));
  const bin = (v: number, lo: number, step: number, count: number) =>
    Math.min(count - 1, Math.max(0, Math.floor((v - lo) / step)));
  let total = 0;
  for (let k = 0; k < pixels.length; k += every) {
    const i = pixels[k];
    srgbToLab(d[i], d[plane + i], d[2 * plane + i], t, 0);
    const l = bin(t[0], -10, OVERLAP_L, OVERLAP_NL);
    const a = bin(t[1], -132, OVERLAP_AB, OVERLAP_NAB);
    const b = bin(t[2], -132, OVERLAP_AB, OVERLAP_NAB);
    h[(l * OVERLAP_NAB + a) * OVERLAP_NAB + b]++;
    total++;
  }
  if (total) for (let i = 0; i < h.length; i++) h[i] /= total;
  return h;
}

/**
 * How much two sets of pixels (image indices) share their colours: the Bhattacharyya coefficient
 * Σ √(p q) of their coarse CIELab histograms (bins of 10 L by 12 a by 12 b units), in 0..1: 1 for the
 * same colour distribution, 0 for colours that never meet (yellow petals against a green background).
 * 0 when either set is empty. Used to tell whether a reference region has the colours of a hole's
 * surroundings.
 */
export function colourOverlap(image: RgbImage, a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (!a.length || !b.length) return 0;
  const ha = labHistogram(image, a);
  const hb = labHistogram(image, b);
  let s = 0;
  for (let i = 0; i < ha.length; i++) if (ha[i] && hb[i]) s += Math.sqrt(ha[i] * hb[i]);
  return Math.min(1, s);
}
