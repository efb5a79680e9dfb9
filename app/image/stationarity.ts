/**
 * Where a correction applies: per hole (8-connected component of the mask), is its surroundings a
 * stationary texture (grass, sand, gravel, foliage, water, bricks) or an object or edge (a cup rim, an
 * engine, a face)? A texture looks alike everywhere in the ring around the hole: windows of the ring have
 * about the same mean colour (relative to the colour variation inside a window) and about the same detail
 * energy, and no strong isolated edge stands out from the texture's own detail. An object's ring crosses
 * regions of different colour and detail (skin, hair, background) or holds a few strong edges.
 *
 * Also the shared pieces the detail transfer uses: the hole components, the ring of known pixels around a
 * component, and Gaussian low-passes (plain and over known pixels only, by normalised convolution).
 */
import type { Rect } from '../common/params';
import type { SurroundingsBasis, SurroundingsKind } from '../common/stageInfo';
import { maskedBlur } from './maskedBlur';
import { distanceTransform } from './morphology';
import type { Mask, RgbImage } from './types';
import { assertSameSize } from './types';

/** One hole: an 8-connected component of the mask. */
export interface HoleComponent {
  /** Bounding box of the component's pixels (image coordinates). */
  box: Rect;
  /** Number of hole pixels. */
  pixels: number;
  /** Component label in `labels` (1-based). */
  label: number;
}

/** The mask's holes (8-connected components) in raster order of their first pixel, and a label per pixel (0 = known). */
export function holeComponents(mask: Mask): { components: HoleComponent[]; labels: Int32Array } {
  const { width: W, height: H, data } = mask;
  const labels = new Int32Array(W * H);
  const components: HoleComponent[] = [];
  const stack = new Int32Array(W * H);
  for (let start = 0; start < W * H; start++) {
    if (!data[start] || labels[start]) continue;
    const label = components.length + 1;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    let x0 = W,
      y0 = H,
      x1 = -1,
      y1 = -1,
      count = 0;
    while (top > 0) {
      const i = stack[--top];
      const x = i % W,
        y = (i - x) / W;
      count++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= H) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= W) continue;
          const j = yy * W + xx;
          if (data[j] && !labels[j]) {
            labels[j] = label;
            stack[top++] = j;
          }
        }
      }
    }
    components.push({ box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }, pixels: count, label });
  }
  return { components, labels };
}

/** `rect` grown by `by` on every side, clipped to width×height. */
export function growBox(rect: Rect, by: number, width: number, height: number): Rect {
  const x = Math.max(0, rect.x - by),
    y = Math.max(0, rect.y - by);
  const x1 = Math.min(width, rect.x + rect.width + by),
    y1 = Math.min(height, rect.y + rect.height + by);
  return { x, y, width: x1 - x, height: y1 - y };
}

/** The `planes` consecutive planes of `src` (each n long), as views when src is a Float32Array. */
function splitPlanes(src: ArrayLike<number>, n: number, planes: number): ArrayLike<number>[] {
  const out: ArrayLike<number>[] = [];
  for (let p = 0; p < planes; p++)
    out.push(
      src instanceof Float32Array
        ? src.subarray(p * n, (p + 1) * n)
        : Array.prototype.slice.call(src, p * n, (p + 1) * n),
    );
  return out;
}

function joinPlanes(parts: Float32Array[], n: number): Float32Array {
  const out = new Float32Array(n * parts.length);
  parts.forEach((p, i) => out.set(p, i * n));
  return out;
}

/**
 * Separable Gaussian blur of `planes` planes of width×height, renormalised at the frame (the taps that
 * fall outside are left out and the rest reweighted), into a new array. σ ≤ 0 returns a copy.
 * (maskedBlur.ts's blur over every pixel.)
 */
export function gaussianBlur(
  src: ArrayLike<number>,
  width: number,
  height: number,
  planes: number,
  sigma: number,
): Float32Array {
  const n = width * height;
  if (!(sigma > 0)) return Float32Array.from({ length: n * planes }, (_, i) => src[i]);
  return joinPlanes(maskedBlur(splitPlanes(src, n, planes), width, height, null, sigma), n);
}

/** Normalising weight below which maskedLowPass counts a pixel as out of the used pixels' reach. */
const LOW_PASS_MIN_WEIGHT = 1e-3;

/**
 * Low-pass of `planes` planes over the pixels where `use` is 1 only (normalised convolution: G(v·use) /
 * G(use)), so that unknown pixels do not bleed into it. Where no used pixel is within reach (G(use) ≤
 * 1e-3), the value is the plain low-pass. (maskedBlur.ts with outside 'plain'.)
 */
export function maskedLowPass(
  src: ArrayLike<number>,
  use: Uint8Array,
  width: number,
  height: number,
  planes: number,
  sigma: number,
): Float32Array {
  const n = width * height;
  return joinPlanes(
    maskedBlur(splitPlanes(src, n, planes), width, height, use, sigma, {
      outside: 'plain',
      minWeight: LOW_PASS_MIN_WEIGHT,
    }),
    n,
  );
}

/** Rec. 601 luma of a planar RGB array. */
export function lumaPlane(data: ArrayLike<number>, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.299 * data[i] + 0.587 * data[n + i] + 0.114 * data[2 * n + i];
  return out;
}

/** A crop's planar RGB values and its hole (every hole pixel of the mask inside the crop), as arrays. */
export function cropPlanes(
  image: RgbImage,
  mask: Mask,
  rect: Rect,
): { data: Float32Array; hole: Uint8Array } {
  const { width: W, height: H } = image;
  const n = rect.width * rect.height;
  const data = new Float32Array(3 * n);
  const hole = new Uint8Array(n);
  for (let y = 0; y < rect.height; y++)
    for (let x = 0; x < rect.width; x++) {
      const i = (rect.y + y) * W + rect.x + x,
        j = y * rect.width + x;
      hole[j] = mask.data[i];
      for (let c = 0; c < 3; c++) data[c * n + j] = image.data[c * W * H + i];
    }
  return { data, hole };
}

/**
 * The ring of a component within a crop: known pixels (hole 0) at a distance in [inner, outer] from the
 * component's own pixels (`own`, 1 on the component). Distances are Euclidean, between pixel centres.
 */
export function ringOf(
  own: Uint8Array,
  hole: Uint8Array,
  width: number,
  height: number,
  inner: number,
  outer: number,
): Uint8Array {
  const dist = distanceTransform(own, width, height);
  const ring = new Uint8Array(width * height);
  for (let i = 0; i < ring.length; i++) ring[i] = !hole[i] && dist[i] >= inner && dist[i] <= outer ? 1 : 0;
  return ring;
}

export type HoleKind = SurroundingsKind;

/** A hole's surroundings, classified, with the measures the decision came from. */
export interface HoleClass {
  box: Rect;
  pixels: number;
  kind: HoleKind;
  /** Which measure decided (app/common/stageInfo.ts SurroundingsBasis; words in app/contract). */
  basis: SurroundingsBasis;
  /** Why, in words (the measure that decided). */
  reason: string;
  /** Spread of the ring windows' mean colours relative to the colour variation within a window. */
  colourSpread: number;
  /** Standard deviation of log detail energy across the ring's windows. */
  energySpread: number;
  /** Strongest edges (99th percentile gradient) relative to the ring's typical (median) gradient. */
  edgeRatio: number;
  /** Share of the ring's large windows holding an edge at least half as strong as the strongest. */
  edgeShare: number;
  /** Number of ring windows measured (the fewer of the small and the large ones). */
  windows: number;
}

/** Thresholds of the decision (tuned on fixtures/images and ../shared/fixtures/images: stationarity.test.ts). */
export const STATIONARITY = {
  /** Above this colour spread (small windows) the ring crosses regions of different colour: an object. */
  colourSpread: 0.75,
  /** Above this spread of log detail energy (large windows) the ring mixes flat and detailed regions: an object. */
  energySpread: 0.6,
  /** Strong edges: the 99th percentile gradient above this many times the median... */
  edgeRatio: 9,
  /** ...held by fewer than this share of the large windows (isolated, not repeated like mortar lines). */
  edgeShare: 0.6,
};

/** Colour of a pixel in rough opponent axes (luma, red-green, yellow-blue), 0..1 units. */
function opponent(d: ArrayLike<number>, n: number, i: number, out: Float64Array): void {
  const r = d[i],
    g = d[n + i],
    b = d[2 * n + i];
  out[0] = 0.299 * r + 0.587 * g + 0.114 * b;
  out[1] = 0.5 * (r - g);
  out[2] = 0.25 * (r + g) - 0.5 * b;
}

interface WindowStats {
  /** Per window: mean opponent colour. */
  means: number[][];
  /** Per window: summed colour variance inside it. */
  within: number[];
  /** Per window: log mean detail energy. */
  energies: number[];
  /** Per window: strongest gradient. */
  peaks: number[];
}

/** Square windows of `side` every `step` px that lie at least half in the ring. */
function ringWindows(
  data: Float32Array,
  l: Float32Array,
  hp: Float32Array,
  ring: Uint8Array,
  hole: Uint8Array,
  w: number,
  h: number,
  side: number,
  step: number,
): WindowStats {
  const n = w * h;
  const out: WindowStats = { means: [], within: [], energies: [], peaks: [] };
  const col = new Float64Array(3);
  for (let y0 = 0; y0 + side <= h; y0 += step)
    for (let x0 = 0; x0 + side <= w; x0 += step) {
      let k = 0,
        e = 0,
        peak = 0;
      const s = [0, 0, 0],
        s2 = [0, 0, 0];
      for (let y = y0; y < y0 + side; y++)
        for (let x = x0; x < x0 + side; x++) {
          const i = y * w + x;
          if (!ring[i]) continue;
          opponent(data, n, i, col);
          for (let c = 0; c < 3; c++) {
            s[c] += col[c];
            s2[c] += col[c] * col[c];
          }
          e += hp[i] * hp[i];
          if (x + 1 < w && y + 1 < h && !hole[i + 1] && !hole[i + w])
            peak = Math.max(peak, Math.hypot(l[i + 1] - l[i], l[i + w] - l[i]));
          k++;
        }
      if (k < 0.5 * side * side) continue;
      const m = s.map((v) => v / k);
      out.means.push(m);
      out.within.push(s2.reduce((a, v, c) => a + Math.max(0, v / k - m[c] * m[c]), 0));
      out.energies.push(Math.log(e / k + 1e-6));
      out.peaks.push(peak);
    }
  return out;
}

/**
 * Classify one hole's surroundings (see the file comment). `labels` and `component` come from
 * holeComponents. The ring is the known pixels up to half the hole's size away (32 to 64 px). Colour is
 * compared between small windows (half the ring's width: the window means of a texture agree, relative to
 * the variation inside a window), detail energy and edges between large ones (the ring's width, larger
 * than a brick, so a periodic texture's windows agree). Holes with too little known surroundings to
 * measure (fewer than 4 windows) are 'object': the cautious answer, which texture corrections leave alone.
 */
export function classifyHole(
  image: RgbImage,
  mask: Mask,
  labels: Int32Array,
  component: HoleComponent,
): HoleClass {
  assertSameSize(image, mask);
  const { width: W, height: H } = image;
  const size = Math.max(component.box.width, component.box.height);
  const outer = Math.round(Math.min(64, Math.max(32, 0.5 * size)));
  const rect = growBox(component.box, outer + 2, W, H);
  const { data, hole } = cropPlanes(image, mask, rect);
  const w = rect.width,
    h = rect.height,
    n = w * h;
  const own = new Uint8Array(n);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      own[y * w + x] = labels[(rect.y + y) * W + rect.x + x] === component.label ? 1 : 0;
  const ring = ringOf(own, hole, w, h, 1, outer);
  const known = Uint8Array.from(hole, (v) => 1 - v);
  // Detail: luma high-pass over known pixels (σ = 2).
  const l = lumaPlane(data, n);
  const low = maskedLowPass(l, known, w, h, 1, 2);
  const hp = new Float32Array(n);
  for (let i = 0; i < n; i++) hp[i] = l[i] - low[i];
  const grads: number[] = [];
  for (let y = 0; y < h - 1; y++)
    for (let x = 0; x < w - 1; x++) {
      const i = y * w + x;
      if (!ring[i] || hole[i + 1] || hole[i + w]) continue;
      grads.push(Math.hypot(l[i + 1] - l[i], l[i + w] - l[i]));
    }
  grads.sort((a, b) => a - b);
  const q = (f: number) =>
    grads.length ? grads[Math.min(grads.length - 1, Math.floor(f * grads.length))] : 0;
  const edgeRatio = q(0.99) / Math.max(q(0.5), 0.004);
  const small = ringWindows(data, l, hp, ring, hole, w, h, outer >> 1, outer >> 1);
  const large = ringWindows(data, l, hp, ring, hole, w, h, Math.round(1.5 * outer), outer >> 1);
  const windows = Math.min(small.means.length, large.means.length);
  const base = { box: component.box, pixels: component.pixels, windows };
  if (windows < 4) {
    return {
      ...base,
      kind: 'object',
      basis: 'few-windows',
      reason: `too few ring windows to measure (${windows})`,
      colourSpread: 0,
      energySpread: 0,
      edgeRatio,
      edgeShare: 0,
    };
  }
  const ns = small.means.length;
  const mean = [0, 1, 2].map((c) => small.means.reduce((a, m) => a + m[c], 0) / ns);
  const between = small.means.reduce((a, m) => a + m.reduce((b, v, c) => b + (v - mean[c]) ** 2, 0), 0) / ns;
  const inside = small.within.reduce((a, v) => a + v, 0) / ns;
  const colourSpread = Math.sqrt(between / Math.max(inside, 1e-5));
  const nl = large.energies.length;
  const eMean = large.energies.reduce((a, v) => a + v, 0) / nl;
  const energySpread = Math.sqrt(large.energies.reduce((a, v) => a + (v - eMean) ** 2, 0) / nl);
  const topPeak = large.peaks.reduce((a, v) => Math.max(a, v), 0);
  const edgeShare = large.peaks.filter((v) => v >= 0.5 * topPeak).length / nl;
  const r = (v: number) => Number(v.toFixed(3));
  const measures = {
    colourSpread: r(colourSpread),
    energySpread: r(energySpread),
    edgeRatio: r(edgeRatio),
    edgeShare: r(edgeShare),
  };
  const T = STATIONARITY;
  let reason: string;
  let kind: HoleKind = 'object';
  let basis: SurroundingsBasis;
  if (colourSpread > T.colourSpread) {
    basis = 'colour-spread';
    reason = `the ring's windows differ in colour (spread ${measures.colourSpread} > ${T.colourSpread})`;
  } else if (energySpread > T.energySpread) {
    basis = 'detail-spread';
    reason = `the ring's windows differ in detail (log-energy spread ${measures.energySpread} > ${T.energySpread})`;
  } else if (edgeRatio > T.edgeRatio && edgeShare < T.edgeShare) {
    basis = 'isolated-edges';
    reason = `strong isolated edges (edge ratio ${measures.edgeRatio} > ${T.edgeRatio}, in ${Math.round(100 * edgeShare)}% of the ring)`;
  } else {
    kind = 'texture';
    basis = 'alike';
    reason = `the ring looks alike everywhere (colour spread ${measures.colourSpread}, detail spread ${measures.energySpread}, edge ratio ${measures.edgeRatio} in ${Math.round(100 * edgeShare)}% of the ring)`;
  }
  return { ...base, kind, basis, reason, ...measures };
}

/** Every hole of the mask classified (holeComponents order). */
export function classifyHoles(image: RgbImage, mask: Mask): HoleClass[] {
  const { components, labels } = holeComponents(mask);
  return components.map((c) => classifyHole(image, mask, labels, c));
}
