/**
 * Two spatial steps after the colour transfer, on the region's colours w (working space, planar, region
 * stride), both outside the energy of energy.ts:
 *
 * - smoothChange: the colour change d = w − u is filtered by a guided filter (He, Sun and Tang, 2013)
 *   whose guide is u's first channel (CIELab L; the mean of R, G, B in the RGB space), over the hole's
 *   pixels only. This is the regularisation of the transport map of Rabin, Delon and Gousseau ("Removing
 *   artefacts from color and contrast modifications", 2011): transfers move pixels of nearly the same
 *   colour to different targets (a pixel of sky sent to a skin tone, grain where the map stretches), and
 *   the filter makes the change follow u's structure instead: an isolated change is averaged with its
 *   neighbours', a change that follows an edge of u stays sharp.
 * - correctSeam: the colour difference left across the hole's edge (each edge pixel's untouched
 *   neighbours minus itself, averaged over cells of SEAM_CELL pixels) is spread into the hole smoothly (a
 *   membrane on those cells, the seam fix of app/image/fill/seamFix), faded with the distance d to the edge (chamfer) as
 *   exp(−(d − 1) / width), and added, so that the edge of the hole does not show as an outline. The fade keeps the hole's interior as
 *   the transfer left it: when only the fill's interior was off, the transfer also moves the (right) edge,
 *   and an unfaded correction would undo the interior's correction along with it.
 */
import { cellTaps, seamCorrection, type CellTaps } from '../../image/fill/seamFix';
import type { RgbImage } from '../../image/types';
import type { SpaceConverter, WorkingSpace } from './colorSpace';
import type { Region } from './region';

/** The region's bounding box and, over it, the region index of each cell (−1 outside the hole). */
interface Grid {
  x0: number;
  y0: number;
  W: number;
  H: number;
  index: Int32Array;
}

/** The region's bounding box grown by `margin` (clipped to the image). */
function regionBox(region: Region, margin: number): { x0: number; y0: number; W: number; H: number } {
  const { n, pixels, width, height } = region;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let k = 0; k < n; k++) {
    const x = pixels[k] % width;
    const y = (pixels[k] - x) / width;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  x0 = Math.max(0, x0 - margin);
  y0 = Math.max(0, y0 - margin);
  x1 = Math.min(width - 1, x1 + margin);
  y1 = Math.min(height - 1, y1 + margin);
  return { x0, y0, W: x1 - x0 + 1, H: y1 - y0 + 1 };
}

/** The region's bounding box grown by `margin` (clipped to the image), with region indices. */
function regionGrid(region: Region, margin: number): Grid {
  const { n, pixels, width } = region;
  const { x0, y0, W, H } = regionBox(region, margin);
  const index = new Int32Array(W * H).fill(-1);
  for (let k = 0; k < n; k++) {
    const x = pixels[k] % width;
    const y = (pixels[k] - x) / width;
    index[(y - y0) * W + x - x0] = k;
  }
  return { x0, y0, W, H, index };
}

/**
 * Box sums of radius r (window 2r + 1, clipped at the borders) of src (W x H), into out; tmp is scratch of
 * the same size and acc of length W.
 */
function boxSum(
  src: Float32Array,
  W: number,
  H: number,
  r: number,
  out: Float32Array,
  tmp: Float32Array,
  acc: Float64Array,
): void {
  for (let y = 0; y < H; y++) {
    const row = y * W;
    let s = 0;
    for (let x = 0; x < r && x < W; x++) s += src[row + x];
    for (let x = 0; x < W; x++) {
      if (x + r < W) s += src[row + x + r];
      if (x - r - 1 >= 0) s -= src[row + x - r - 1];
      tmp[row + x] = s;
    }
  }
  acc.fill(0);
  for (let y = 0; y < r && y < H; y++) {
    const row = y * W;
    for (let x = 0; x < W; x++) acc[x] += tmp[row + x];
  }
  for (let y = 0; y < H; y++) {
    if (y + r < H) {
      const add = (y + r) * W;
      for (let x = 0; x < W; x++) acc[x] += tmp[add + x];
    }
    if (y - r - 1 >= 0) {
      const sub = (y - r - 1) * W;
      for (let x = 0; x < W; x++) acc[x] -= tmp[sub + x];
    }
    const row = y * W;
    for (let x = 0; x < W; x++) out[row + x] = acc[x];
  }
}

/** Guide units per CIELab L unit: the filter's ε is (EPS_L · scale)². */
const EPS_L = 2;
/** The fast guided filter's cells: radius / CELLS_PER_RADIUS pixels on a side (rounded, >= 1). */
const CELLS_PER_RADIUS = 1;

/**
 * Replaces w by u + GF(w − u) over the hole (see the file comment): radius in pixels (>= 1), the guide's
 * regularisation ε = (2 L units)². Pixels outside the hole are neither read nor written.
 *
 * The fast guided filter (He and Sun, 2015): the local statistics are pooled over cells of `sub` x `sub`
 * pixels (sub = radius / CELLS_PER_RADIUS, rounded), box-filtered at that scale (radius / sub cells), and the local
 * linear models a, b are read back per pixel by bilinear interpolation over the cells that hold hole
 * pixels; d = a I + b. Its cost is one pass over the hole plus the box filters on the cell grid.
 */
export function smoothChange(region: Region, w: Float32Array, radius: number, space: WorkingSpace): void {
  const { n, stride: s, u, pixels, width } = region;
  const { x0, y0, W, H } = regionBox(region, 0);
  const sub = Math.max(1, Math.round(radius / CELLS_PER_RADIUS));
  const r = Math.max(1, Math.round(radius / sub));
  const CW = Math.ceil(W / sub);
  const CH = Math.ceil(H / sub);
  const size = CW * CH;
  const eps = (EPS_L * (space === 'lab' ? 1 : 2.55)) ** 2;
  const lab = space === 'lab';
  // One pass: the guide, each pixel's cell, and the pooled sums per cell (count, I, I², d and I d per
  // channel, d = w − u).
  const G = new Float32Array(n);
  const cellOf = new Int32Array(n);
  const N = new Float32Array(size);
  const SI = new Float32Array(size);
  const SII = new Float32Array(size);
  const S = Array.from({ length: 6 }, () => new Float32Array(size));
  const [SD0, SD1, SD2, SID0, SID1, SID2] = S;
  for (let k = 0; k < n; k++) {
    const p = pixels[k];
    const y = (p / width) | 0;
    const c = (((y - y0) / sub) | 0) * CW + (((p - y * width - x0) / sub) | 0);
    cellOf[k] = c;
    const u0 = u[k];
    const u1 = u[s + k];
    const u2 = u[2 * s + k];
    const v = lab ? u0 : (u0 + u1 + u2) / 3;
    G[k] = v;
    const d0 = w[k] - u0;
    const d1 = w[s + k] - u1;
    const d2 = w[2 * s + k] - u2;
    N[c]++;
    SI[c] += v;
    SII[c] += v * v;
    SD0[c] += d0;
    SD1[c] += d1;
    SD2[c] += d2;
    SID0[c] += v * d0;
    SID1[c] += v * d1;
    SID2[c] += v * d2;
  }
  const tmp = new Float32Array(size);
  const acc = new Float64Array(CW);
  const box = (src: Float32Array) => {
    const out = new Float32Array(size);
    boxSum(src, CW, CH, r, out, tmp, acc);
    return out;
  };
  const bN = box(N);
  const mI = box(SI);
  const vI = box(SII);
  for (let c = 0; c < size; c++) {
    if (bN[c] > 0) {
      mI[c] /= bN[c];
      vI[c] = vI[c] / bN[c] - mI[c] * mI[c];
    }
  }
  // Per channel: the local model d ≈ a I + b per cell, then a and b averaged over the window (weighted by
  // the cells' pixel counts, as the pixels' windows would).
  const A: Float32Array[] = [];
  const B: Float32Array[] = [];
  for (let ch = 0; ch < 3; ch++) {
    const mD = box(S[ch]);
    const mID = box(S[3 + ch]);
    const wa = S[ch];
    const wb = S[3 + ch];
    for (let c = 0; c < size; c++) {
      if (N[c] === 0) {
        wa[c] = 0;
        wb[c] = 0;
        continue;
      }
      const md = mD[c] / bN[c];
      const a = (mID[c] / bN[c] - mI[c] * md) / (vI[c] + eps);
      wa[c] = a * N[c];
      wb[c] = (md - a * mI[c]) * N[c];
    }
    const a = box(wa);
    const b = box(wb);
    for (let c = 0; c < size; c++) {
      if (N[c] > 0) {
        a[c] /= bN[c];
        b[c] /= bN[c];
      }
    }
    A.push(a);
    B.push(b);
  }
  const [A0, A1, A2] = A;
  const [B0, B1, B2] = B;
  // Back to the pixels: bilinear over the neighbouring cell centres that hold hole pixels.
  const t: CellTaps = { c00: 0, c01: 0, c10: 0, c11: 0, ax: 0, ay: 0 };
  for (let k = 0; k < n; k++) {
    const p = pixels[k];
    const y = (p / width) | 0;
    cellTaps(p - y * width - x0, y - y0, sub, CW, CH, t);
    const { c00, c01, c10, c11, ax, ay } = t;
    let w00 = N[c00] > 0 ? (1 - ax) * (1 - ay) : 0;
    let w01 = N[c01] > 0 ? ax * (1 - ay) : 0;
    let w10 = N[c10] > 0 ? (1 - ax) * ay : 0;
    let w11 = N[c11] > 0 ? ax * ay : 0;
    const sum = w00 + w01 + w10 + w11;
    let c0 = c00;
    if (sum > 1e-6) {
      w00 /= sum;
      w01 /= sum;
      w10 /= sum;
      w11 /= sum;
    } else {
      // the interpolation's weight is all on cells without hole pixels: the pixel's own cell
      c0 = cellOf[k];
      w00 = 1;
      w01 = w10 = w11 = 0;
    }
    const v = G[k];
    const a0 = w00 * A0[c0] + w01 * A0[c01] + w10 * A0[c10] + w11 * A0[c11];
    const b0 = w00 * B0[c0] + w01 * B0[c01] + w10 * B0[c10] + w11 * B0[c11];
    const a1 = w00 * A1[c0] + w01 * A1[c01] + w10 * A1[c10] + w11 * A1[c11];
    const b1 = w00 * B1[c0] + w01 * B1[c01] + w10 * B1[c10] + w11 * B1[c11];
    const a2 = w00 * A2[c0] + w01 * A2[c01] + w10 * A2[c10] + w11 * A2[c11];
    const b2 = w00 * B2[c0] + w01 * B2[c01] + w10 * B2[c10] + w11 * B2[c11];
    w[k] = u[k] + a0 * v + b0;
    w[s + k] = u[s + k] + a1 * v + b1;
    w[2 * s + k] = u[2 * s + k] + a2 * v + b2;
  }
}

/**
 * Cell side (pixels) of the grid the seam's correction is solved on: the differences are averaged over a
 * cell (single pixels' are noise) and the correction is smooth at that scale; a solve on the pixels of a
 * large hole costs 16 times as much.
 */
const SEAM_CELL = 4;

/**
 * Adds to w the smooth correction of the differences across the hole's edge, faded over `width` pixels
 * (see the file comment; > 0), read from `image` (the untouched pixels) in the working space: the seam
 * fix of app/image/fill/seamFix on the region's box.
 * @throws StudioError CANCELLED when the signal fires.
 */
export async function correctSeam(
  image: RgbImage,
  region: Region,
  w: Float32Array,
  conv: SpaceConverter,
  width: number,
  signal?: AbortSignal,
): Promise<void> {
  const { stride: s } = region;
  const { x0, y0, W, H, index } = regionGrid(region, 1);
  const iw = region.width;
  const plane = image.width * image.height;
  const N = W * H;
  const planes = new Float32Array(3 * N);
  const hole = new Uint8Array(N);
  for (let j = 0; j < N; j++) {
    const k = index[j];
    if (k < 0) continue;
    hole[j] = 1;
    planes[j] = w[k];
    planes[N + j] = w[s + k];
    planes[2 * N + j] = w[2 * s + k];
  }
  // The untouched pixels next to the hole, in the working space (the grid's margin holds them all).
  const t = new Float64Array(3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const j = y * W + x;
      if (hole[j]) continue;
      const next =
        (x > 0 && hole[j - 1]) ||
        (x + 1 < W && hole[j + 1]) ||
        (y > 0 && hole[j - W]) ||
        (y + 1 < H && hole[j + W]);
      if (!next) continue;
      const i = (y0 + y) * iw + x0 + x;
      conv.toWorking(image.data[i], image.data[plane + i], image.data[2 * plane + i], t, 0);
      planes[j] = t[0];
      planes[N + j] = t[1];
      planes[2 * N + j] = t[2];
    }
  const h = await seamCorrection(planes, hole, W, H, { cell: SEAM_CELL, fade: width, signal });
  if (!h) return;
  for (let j = 0; j < N; j++) {
    const k = index[j];
    if (k < 0) continue;
    w[k] += h[j];
    w[s + k] += h[N + j];
    w[2 * s + k] += h[2 * N + j];
  }
}
