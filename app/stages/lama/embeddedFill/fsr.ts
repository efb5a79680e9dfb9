/**
 * Frequency-selective reconstruction (FSR): block-wise frequency-selective extrapolation after
 * Seiler & Kaup ("Complex-valued frequency selective extrapolation for fast image and video signal
 * extrapolation", IEEE SPL 2010) and Genser, Seiler & Kaup (the FSR of OpenCV contrib's xphoto
 * INPAINT_FSR_FAST: spectrally constrained selection, IWSSIP 2018; the iteration count from the block's
 * standard deviation, IWSSIP 2017).
 *
 * The image is split into blocks; each block that holds hole pixels is extrapolated from a 32 x 32
 * window around it (the block plus a border). Within the window the signal is modelled as a sparse sum
 * of the window's DFT basis functions, fitted to the known pixels under a weight
 *   w(n) = ρ^|n − centre| · m(n),  m = 1 known, ½ already reconstructed, 0 unknown,
 * so samples near the block count most (an isotropically decaying window). Each iteration picks the
 * basis function (with its complex conjugate, so the model stays real) whose projection removes the
 * most weighted residual energy, scaled by a frequency weight that favours low frequencies
 * (1 − |k|·√2/N), and adds γ times that projection to the model, γ < 1 compensating that the basis
 * functions are not orthogonal under the window (the orthogonality deficiency compensation). Adding a
 * basis function changes the weighted residual's spectrum by a shifted copy of the window's spectrum
 * (R_w(l) −= c·W(l − k)), so no transform is needed inside the loop.
 *
 * Blocks: 16 px where the known surroundings are smooth (luma σ below 0.014 in 0..1), else split into
 * 8 px blocks (σ below 0.030), else 4 px; ρ 0.80, 0.70, 0.66 for the three sizes. Larger blocks go
 * first; within a size, the block with the most weighted known support in its window goes next (a
 * priority queue, refreshed as neighbours are filled), so the fill grows inward from the hole's edge
 * and each block leans on what is already there. Luma and the two chroma channels (YCbCr) are
 * extrapolated separately; the iteration count is 1000 · σ of the channel's window, within 20..100.
 *
 * Memory: the output image (a copy of the input), one byte of state per pixel and per-block scratch.
 * Work grows with the number of blocks that touch the hole, not with the image.
 */
import { throwIfAborted } from '../../../common/errors';
import { cloneImage, type Mask, type RgbImage } from '../../../image/types';
import { checkFillInputs } from '../../../image/fill/holeGeometry';

export interface FsrOptions {
  signal?: AbortSignal;
  /** Called as blocks are done; step runs 1..total (total = the planned blocks). */
  onProgress?: (step: number, total: number) => void;
  /** Fill the hole of `image` itself and return it (the caller's own copy), not a copy. Default false. */
  inPlace?: boolean;
}

/** The reconstruction's constants (the FAST profile of the FSR papers' reference implementation). */
export const FSR = {
  /** Block sides, largest first, with the decay ρ of the weighting window and the window (DFT) side. */
  blockSizes: [16, 8, 4],
  rhos: [0.8, 0.7, 0.66],
  /**
   * 32 at every size, as in the reference. A 16 px window for the 4 px blocks is 3-8x faster but
   * continues less: bench/embeddedFillPhotos.ts's mean S rose from 5.15 to 5.50 (elephants 4.25 -> 4.83).
   */
  windows: [32, 32, 32],
  /** A block is split when the luma σ of its window's known pixels reaches this (per size but the last). */
  splitSigma: [0.014, 0.03],
  /** Weight of a pixel reconstructed by an earlier block, against 1 for a known one. */
  reconstructedWeight: 0.5,
  /** Orthogonality deficiency compensation γ. */
  gamma: 0.5,
  /** Iterations = iterConst · σ of the channel's window, within [minIter, maxIter]. */
  iterConst: 1000,
  minIter: 20,
  maxIter: 100,
} as const;

const STATE_WEIGHT = [0, FSR.reconstructedWeight, 1];
/** Pixel state in the working map. */
const UNKNOWN = 0;
const RECONSTRUCTED = 1;
const KNOWN = 2;

/**
 * The transforms and scratch for one window side N (a power of two): a radix-2 FFT, the squared
 * frequency weights of the half spectrum, and the arrays one block's extrapolation works in.
 */
class Spectral {
  readonly N: number;
  readonly NN: number;
  /** Columns of the half spectrum kept for the residual (a real signal's spectrum is Hermitian). */
  readonly HALF: number;
  private readonly bitrev: Uint16Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  /**
   * Squared frequency weight per half-spectrum entry (u row, v column): (1 − |k|·√2/N)², |k| the
   * wrapped distance from DC; 0 for the lower half of columns 0 and N/2 (they duplicate the upper half).
   */
  private readonly freqWeight2: Float64Array;
  /** Weight window and its spectrum. */
  readonly w: Float64Array;
  readonly Wre: Float64Array;
  readonly Wim: Float64Array;
  private readonly tre: Float64Array;
  private readonly tim: Float64Array;
  private readonly Rre: Float64Array;
  private readonly Rim: Float64Array;
  /** Per channel: the weighted residual's half spectrum at the start (Y, Cb, Cr). */
  readonly R0re: Float64Array[];
  readonly R0im: Float64Array[];
  /** Per channel: the model, as its selected basis functions (see extrapolate). */
  readonly models: Model[];
  /** Per channel: the window's values (0 where unknown). */
  readonly f: Float64Array[];
  /** e^{j2πt/N} for t = 0..N-1. */
  readonly cosT: Float64Array;
  readonly sinT: Float64Array;

  constructor(N: number) {
    this.N = N;
    const NN = (this.NN = N * N);
    const HALF = (this.HALF = N / 2 + 1);
    const log2 = Math.round(Math.log2(N));
    this.bitrev = new Uint16Array(N);
    for (let i = 0; i < N; i++) {
      let r = 0;
      for (let b = 0; b < log2; b++) r |= ((i >> b) & 1) << (log2 - 1 - b);
      this.bitrev[i] = r;
    }
    this.cos = new Float64Array(N / 2);
    this.sin = new Float64Array(N / 2);
    for (let i = 0; i < N / 2; i++) {
      this.cos[i] = Math.cos((2 * Math.PI * i) / N);
      this.sin[i] = Math.sin((2 * Math.PI * i) / N);
    }
    this.freqWeight2 = new Float64Array(N * HALF);
    for (let u = 0; u < N; u++)
      for (let v = 0; v < HALF; v++) {
        const du = Math.min(u, N - u),
          dv = Math.min(v, N - v);
        const fw = 1 - (Math.hypot(du, dv) * Math.SQRT2) / N;
        const duplicate = (v === 0 || v === N / 2) && u > N / 2;
        this.freqWeight2[u * HALF + v] = duplicate ? 0 : fw * fw;
      }
    this.w = new Float64Array(NN);
    this.Wre = new Float64Array(NN);
    this.Wim = new Float64Array(NN);
    this.tre = new Float64Array(NN);
    this.tim = new Float64Array(NN);
    this.Rre = new Float64Array(N * HALF);
    this.Rim = new Float64Array(N * HALF);
    const half = () => [0, 1, 2].map(() => new Float64Array(N * HALF));
    this.R0re = half();
    this.R0im = half();
    this.models = [0, 1, 2].map(() => new Model(FSR.maxIter));
    this.cosT = new Float64Array(N);
    this.sinT = new Float64Array(N);
    for (let t = 0; t < N; t++) {
      this.cosT[t] = Math.cos((2 * Math.PI * t) / N);
      this.sinT[t] = Math.sin((2 * Math.PI * t) / N);
    }
    this.f = [new Float64Array(NN), new Float64Array(NN), new Float64Array(NN)];
  }

  /** 1-D DFT in place on strided complex data; sign −1 forward (e^{−j…}), +1 the unscaled inverse. */
  private fft1(re: Float64Array, im: Float64Array, off: number, stride: number, sign: number): void {
    const N = this.N;
    for (let i = 0; i < N; i++) {
      const j = this.bitrev[i];
      if (j > i) {
        const a = off + i * stride,
          b = off + j * stride;
        let t = re[a];
        re[a] = re[b];
        re[b] = t;
        t = im[a];
        im[a] = im[b];
        im[b] = t;
      }
    }
    for (let size = 2; size <= N; size <<= 1) {
      const half = size >> 1;
      const step = N / size;
      for (let start = 0; start < N; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = this.cos[k * step],
            wi = sign * this.sin[k * step];
          const a = off + (start + k) * stride,
            b = a + half * stride;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }

  /** 2-D DFT of an N x N complex array (row-major), in place. */
  fft2(re: Float64Array, im: Float64Array, sign: number): void {
    const N = this.N;
    for (let r = 0; r < N; r++) this.fft1(re, im, r * N, 1, sign);
    for (let c = 0; c < N; c++) this.fft1(re, im, c, N, sign);
  }

  /**
   * The transforms one block needs, two real transforms per complex one: the weight w (its full
   * spectrum, into Wre/Wim) with the weighted luma, and the weighted Cb with the weighted Cr (their
   * half spectra, into R0re/R0im). Z = a + j·b gives A(k) = (Z(k) + Z̄(−k))/2, B(k) = (Z(k) − Z̄(−k))/2j.
   */
  transformBlock(): void {
    const { N, NN, HALF, w, f, tre, tim, Wre, Wim, R0re, R0im } = this;
    const MASK = N - 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < NN; i++) {
        const wi = w[i];
        tre[i] = pass === 0 ? wi : f[1][i] * wi;
        tim[i] = (pass === 0 ? f[0][i] : f[2][i]) * wi;
      }
      this.fft2(tre, tim, -1);
      const [aRe, aIm, bRe, bIm] =
        pass === 0 ? [null, null, R0re[0], R0im[0]] : [R0re[1], R0im[1], R0re[2], R0im[2]];
      for (let u = 0; u < N; u++) {
        const mu = ((N - u) & MASK) * N;
        for (let v = 0; v < (pass === 0 ? N : HALF); v++) {
          const k = u * N + v;
          const m = mu + ((N - v) & MASK);
          const zr = tre[k],
            zi = tim[k],
            mr = tre[m],
            mi = -tim[m];
          // A = (Z + conj Z(−k)) / 2, B = (Z − conj Z(−k)) / 2j
          const ar = 0.5 * (zr + mr),
            ai = 0.5 * (zi + mi);
          const br = 0.5 * (zi - mi),
            bi = -0.5 * (zr - mr);
          if (pass === 0) {
            Wre[k] = ar;
            Wim[k] = ai;
            if (v < HALF) {
              bRe![u * HALF + v] = br;
              bIm![u * HALF + v] = bi;
            }
          } else if (v < HALF) {
            aRe![u * HALF + v] = ar;
            aIm![u * HALF + v] = ai;
            bRe![u * HALF + v] = br;
            bIm![u * HALF + v] = bi;
          }
        }
      }
    }
  }

  /**
   * Fits the sparse model to channel c (transformBlock first) for `iters` iterations (a conjugate pair
   * counts two, as in the reference); the selected basis functions go to models[c].
   */
  extrapolate(c: number, iters: number): void {
    const { N, HALF, Wre, Wim, Rre, Rim, freqWeight2 } = this;
    const model = this.models[c];
    model.count = 0;
    Rre.set(this.R0re[c]);
    Rim.set(this.R0im[c]);

    const MASK = N - 1;
    const H2 = N / 2;
    const W0 = Wre[0];
    if (!(W0 > 0)) return;
    const scale = FSR.gamma / W0;
    const count = N * HALF;
    for (let it = 0; it < iters;) {
      // The basis function whose projection removes the most (frequency-weighted) residual energy.
      let best = 0,
        bestScore = -1;
      for (let i = 0; i < count; i++) {
        const score = (Rre[i] * Rre[i] + Rim[i] * Rim[i]) * freqWeight2[i];
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
      if (!(bestScore > 1e-24)) break;
      const ku = (best / HALF) | 0,
        kv = best - ku * HALF;
      const cr = Rre[best] * scale,
        ci = Rim[best] * scale;
      const selfConjugate = (ku === 0 || ku === H2) && (kv === 0 || kv === H2);
      model.add(ku, kv, selfConjugate ? cr : 2 * cr, selfConjugate ? ci : 2 * ci);
      if (selfConjugate) {
        // R(l) −= c·W(l − k)
        for (let u = 0; u < N; u++) {
          const a0 = ((u - ku) & MASK) * N;
          const r0 = u * HALF;
          for (let v = 0; v < HALF; v++) {
            const a = a0 + ((v - kv) & MASK);
            Rre[r0 + v] -= cr * Wre[a] - ci * Wim[a];
            Rim[r0 + v] -= cr * Wim[a] + ci * Wre[a];
          }
        }
        it += 1;
      } else {
        // R(l) −= c·W(l − k) + conj(c)·W(l + k)
        for (let u = 0; u < N; u++) {
          const a0 = ((u - ku) & MASK) * N;
          const b0 = ((u + ku) & MASK) * N;
          const r0 = u * HALF;
          for (let v = 0; v < HALF; v++) {
            const a = a0 + ((v - kv) & MASK);
            const b = b0 + ((v + kv) & MASK);
            Rre[r0 + v] -= cr * (Wre[a] + Wre[b]) - ci * (Wim[a] - Wim[b]);
            Rim[r0 + v] -= cr * (Wim[a] + Wim[b]) + ci * (Wre[a] - Wre[b]);
          }
        }
        it += 2;
      }
    }
  }

  /**
   * Channel c's model at window pixel (x, y): Σ Re(a·e^{j2π(ku·y + kv·x)/N}) over its basis functions,
   * a = c for a self-conjugate one and 2c for a pair (the pair's conjugate adds the complex conjugate).
   */
  evaluate(c: number, x: number, y: number): number {
    const m = this.models[c];
    const { cosT, sinT } = this;
    const MASK = this.N - 1;
    let g = 0;
    for (let i = 0; i < m.count; i++) {
      const t = (m.ku[i] * y + m.kv[i] * x) & MASK;
      g += m.re[i] * cosT[t] - m.im[i] * sinT[t];
    }
    return g;
  }
}

/** A channel's model: the basis functions selected, with their (doubled, for pairs) coefficients. */
class Model {
  count = 0;
  readonly ku: Int32Array;
  readonly kv: Int32Array;
  readonly re: Float64Array;
  readonly im: Float64Array;
  constructor(capacity: number) {
    this.ku = new Int32Array(capacity);
    this.kv = new Int32Array(capacity);
    this.re = new Float64Array(capacity);
    this.im = new Float64Array(capacity);
  }
  add(ku: number, kv: number, re: number, im: number): void {
    const i = this.count++;
    this.ku[i] = ku;
    this.kv[i] = kv;
    this.re[i] = re;
    this.im[i] = im;
  }
}

// --- Planning and block order ------------------------------------------------------------------------

interface Block {
  x: number;
  y: number;
  size: number;
}

/** Luma of pixel i of planes `d` (n per plane). */
function luma(d: Float32Array, n: number, i: number): number {
  return 0.299 * d[i] + 0.587 * d[n + i] + 0.114 * d[2 * n + i];
}

/** Whether the size x size block at (x, y) holds a hole pixel. */
function hasHole(mask: Mask, x: number, y: number, size: number): boolean {
  const { width: W, height: H } = mask;
  const x1 = Math.min(W, x + size),
    y1 = Math.min(H, y + size);
  for (let yy = y; yy < y1; yy++) {
    const row = yy * W;
    for (let xx = x; xx < x1; xx++) if (mask.data[row + xx]) return true;
  }
  return false;
}

/** Luma σ of the known pixels in the block's N x N window (NaN when none is known). */
function windowSigma(image: RgbImage, mask: Mask, b: Block, N: number): number {
  const { width: W, height: H } = image;
  const n = W * H;
  const border = (N - b.size) >> 1;
  const x0 = Math.max(0, b.x - border),
    y0 = Math.max(0, b.y - border);
  const x1 = Math.min(W, b.x - border + N),
    y1 = Math.min(H, b.y - border + N);
  let k = 0,
    s = 0,
    s2 = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const i = y * W + x;
      if (mask.data[i]) continue;
      const v = luma(image.data, n, i);
      s += v;
      s2 += v * v;
      k++;
    }
  if (k === 0) return NaN;
  const m = s / k;
  return Math.sqrt(Math.max(0, s2 / k - m * m));
}

/**
 * The blocks to extrapolate, by size level (16, 8, 4): a block is split when its window's known luma is
 * not smooth enough for its size (decided on the input, before any block is filled).
 */
export function planBlocks(image: RgbImage, mask: Mask, signal?: AbortSignal): Block[][] {
  const { width: W, height: H } = mask;
  const sizes = FSR.blockSizes;
  const levels: Block[][] = sizes.map(() => []);
  let todo: Block[] = [];
  const top = sizes[0];
  for (let y = 0; y < H; y += top) {
    throwIfAborted(signal);
    for (let x = 0; x < W; x += top) if (hasHole(mask, x, y, top)) todo.push({ x, y, size: top });
  }
  for (let l = 0; l < sizes.length; l++) {
    throwIfAborted(signal);
    const last = l === sizes.length - 1;
    const next: Block[] = [];
    for (const b of todo) {
      if (last || windowSigma(image, mask, b, FSR.windows[l]) < FSR.splitSigma[l]) {
        levels[l].push(b);
        continue;
      }
      const h = sizes[l + 1];
      for (let dy = 0; dy < b.size; dy += h)
        for (let dx = 0; dx < b.size; dx += h) {
          const x = b.x + dx,
            y = b.y + dy;
          if (x < W && y < H && hasHole(mask, x, y, h)) next.push({ x, y, size: h });
        }
    }
    todo = next;
  }
  return levels;
}

/** Max-heap of block indices by priority, with stale entries skipped by version. */
class BlockHeap {
  private keys: number[] = [];
  private ids: number[] = [];
  private vers: number[] = [];
  push(id: number, key: number, version: number): void {
    const k = this.keys,
      d = this.ids,
      v = this.vers;
    let i = k.length;
    k.push(key);
    d.push(id);
    v.push(version);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p] >= k[i]) break;
      [k[p], k[i]] = [k[i], k[p]];
      [d[p], d[i]] = [d[i], d[p]];
      [v[p], v[i]] = [v[i], v[p]];
      i = p;
    }
  }
  /** The top entry's id and version, removed; null when empty. */
  pop(): [number, number] | null {
    const k = this.keys,
      d = this.ids,
      v = this.vers;
    if (k.length === 0) return null;
    const top: [number, number] = [d[0], v[0]];
    const lk = k.pop()!,
      ld = d.pop()!,
      lv = v.pop()!;
    if (k.length > 0) {
      k[0] = lk;
      d[0] = ld;
      v[0] = lv;
      let i = 0;
      for (;;) {
        const a = 2 * i + 1,
          b = a + 1;
        let m = i;
        if (a < k.length && k[a] > k[m]) m = a;
        if (b < k.length && k[b] > k[m]) m = b;
        if (m === i) break;
        [k[m], k[i]] = [k[i], k[m]];
        [d[m], d[i]] = [d[i], d[m]];
        [v[m], v[i]] = [v[i], v[m]];
        i = m;
      }
    }
    return top;
  }
}

/** One block size's constants. */
interface Level {
  size: number;
  /** Window side, and the block's offset in it. */
  N: number;
  border: number;
  /** ρ^distance from the block's centre over the window (window-relative, row-major). */
  decay: Float64Array;
  spec: Spectral;
}

function makeLevel(l: number): Level {
  const size = FSR.blockSizes[l];
  const N = FSR.windows[l];
  const border = (N - size) >> 1;
  return { size, N, border, decay: decayTable(N, size, FSR.rhos[l]), spec: new Spectral(N) };
}

function decayTable(N: number, size: number, rho: number): Float64Array {
  const border = (N - size) >> 1;
  const c = border + size / 2;
  const t = new Float64Array(N * N);
  for (let y = 0; y < N; y++)
    for (let x = 0; x < N; x++) t[y * N + x] = Math.pow(rho, Math.hypot(y + 0.5 - c, x + 0.5 - c));
  return t;
}

// --- The fill ----------------------------------------------------------------------------------------

/**
 * Fills the hole by frequency-selective reconstruction.
 * @param image sRGB 0..1 planes
 * @param mask 1 = hole, the image's size
 * @returns a new image; pixels outside the hole are bit-exact copies of `image`; an empty mask returns a
 *   copy. Deterministic.
 * @throws StudioError MASK_SIZE (sizes differ), PARAM_INVALID (the mask covers everything), CANCELLED
 *   (the signal fired; checked before every block).
 */
export function fsrFill(image: RgbImage, mask: Mask, opts: FsrOptions = {}): RgbImage {
  const run = fsrRounds(image, mask, opts);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

/** fsrFill that gives the event loop a turn every few blocks. Same result, same throws. */
export async function fsrFillAsync(image: RgbImage, mask: Mask, opts: FsrOptions = {}): Promise<RgbImage> {
  const run = fsrRounds(image, mask, opts);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Blocks between yields (and progress reports). */
const BLOCKS_PER_ROUND = 24;

/** The fill as a generator that yields every BLOCKS_PER_ROUND blocks; returns the filled image. */
export function* fsrRounds(image: RgbImage, mask: Mask, opts: FsrOptions = {}): Generator<void, RgbImage> {
  const area = checkFillInputs(image, mask);
  const out = opts.inPlace ? image : cloneImage(image);
  if (area === 0) return out;
  throwIfAborted(opts.signal);
  const { width: W, height: H } = image;
  const n = W * H;
  const state = new Uint8Array(n);
  for (let i = 0; i < n; i++) state[i] = mask.data[i] ? UNKNOWN : KNOWN;
  const levels = planBlocks(image, mask, opts.signal);
  let total = levels.reduce((a, l) => a + l.length, 0);
  let done = 0;
  yield;
  const d = out.data;
  const last = levels.length - 1;
  for (let l = 0; l <= last; l++) {
    let blocks = levels[l];
    if (blocks.length === 0) continue;
    const level = makeLevel(l);
    const { size } = level;
    while (blocks.length > 0) {
      const deferred: Block[] = [];
      const filled: number[] = [];
      for (const b of orderedBlocks(blocks, level, state, W, H, deferred, filled)) {
        throwIfAborted(opts.signal);
        filled.length = 0;
        fillBlock(level, d, state, W, H, b, filled);
        done++;
        if (done % BLOCKS_PER_ROUND === 0) {
          opts.onProgress?.(done, total);
          yield;
        }
      }
      // Blocks with nothing known or reconstructed in their window (deep inside a large hole whose
      // surroundings went to a smaller size): the next size's blocks, or another round at the last size.
      if (deferred.length === 0) break;
      if (l < last) {
        const h = FSR.blockSizes[l + 1];
        for (const b of deferred)
          for (let dy = 0; dy < size; dy += h)
            for (let dx = 0; dx < size; dx += h) {
              const x = b.x + dx,
                y = b.y + dy;
              if (x < W && y < H && hasUnknown(state, W, H, x, y, h)) {
                levels[l + 1].push({ x, y, size: h });
                total++;
              }
            }
        total -= deferred.length;
        break;
      }
      if (deferred.length === blocks.length) break; // no progress: cannot happen while any pixel is known
      blocks = deferred;
    }
  }
  if (done % BLOCKS_PER_ROUND !== 0 || total === 0) opts.onProgress?.(done, total);
  return out;
}

/** Whether the size x size block at (x, y) holds a pixel still unknown. */
function hasUnknown(state: Uint8Array, W: number, H: number, x: number, y: number, size: number): boolean {
  const x1 = Math.min(W, x + size),
    y1 = Math.min(H, y + size);
  for (let yy = y; yy < y1; yy++)
    for (let xx = x; xx < x1; xx++) if (state[yy * W + xx] === UNKNOWN) return true;
  return false;
}

/**
 * The blocks of one size in the order they are filled: always the one whose window holds the most
 * weighted known or reconstructed support next. The support is kept per block and raised as the
 * neighbours' pixels are reconstructed (the caller leaves the pixel indices it reconstructed in
 * `filled` before asking for the next block). Blocks with no support at all when their turn comes go
 * to `deferred` instead.
 */
function* orderedBlocks(
  blocks: Block[],
  level: Level,
  state: Uint8Array,
  W: number,
  H: number,
  deferred: Block[],
  filled: number[],
): Generator<Block> {
  const { size, N, border, decay } = level;
  const support = new Float64Array(blocks.length);
  blocks.forEach((b, j) => {
    let num = 0;
    const ox = b.x - border,
      oy = b.y - border;
    for (let y = Math.max(0, -oy); y < N && oy + y < H; y++)
      for (let x = Math.max(0, -ox); x < N && ox + x < W; x++)
        num += STATE_WEIGHT[state[(oy + y) * W + ox + x]] * decay[y * N + x];
    support[j] = num;
  });
  const cols = Math.ceil(W / size);
  const index = new Map<number, number>();
  blocks.forEach((b, i) => index.set((b.y / size) * cols + b.x / size, i));
  const version = new Int32Array(blocks.length);
  const finished = new Uint8Array(blocks.length);
  const heap = new BlockHeap();
  blocks.forEach((_, i) => heap.push(i, support[i], 0));
  // Blocks whose window overlaps a block's core lie within this many blocks of it.
  const reach = Math.ceil(border / size);
  const gain = STATE_WEIGHT[RECONSTRUCTED];
  for (;;) {
    const top = heap.pop();
    if (!top) return;
    const [bi, ver] = top;
    if (finished[bi] || ver !== version[bi]) continue;
    finished[bi] = 1;
    const b = blocks[bi];
    if (!(support[bi] > 0)) {
      deferred.push(b);
      continue;
    }
    yield b;
    // The neighbours' windows gain the pixels just reconstructed.
    const bx = b.x / size,
      by = b.y / size;
    for (let dy = -reach; dy <= reach; dy++)
      for (let dx = -reach; dx <= reach; dx++) {
        if ((dx === 0 && dy === 0) || bx + dx < 0 || bx + dx >= cols) continue;
        const j = index.get((by + dy) * cols + bx + dx);
        if (j === undefined || finished[j]) continue;
        const ox = blocks[j].x - border,
          oy = blocks[j].y - border;
        let add = 0;
        for (const i of filled) {
          const x = (i % W) - ox,
            y = ((i / W) | 0) - oy;
          if (x >= 0 && x < N && y >= 0 && y < N) add += decay[y * N + x];
        }
        if (add === 0) continue;
        support[j] += gain * add;
        version[j]++;
        heap.push(j, support[j], version[j]);
      }
  }
}

/**
 * Extrapolates one block into `d` (its hole pixels only), marks them reconstructed and lists their
 * indices in `filled`.
 */
function fillBlock(
  level: Level,
  d: Float32Array,
  state: Uint8Array,
  W: number,
  H: number,
  b: Block,
  filled: number[],
): void {
  const { N, border, decay, spec } = level;
  const n = W * H;
  const ox = b.x - border,
    oy = b.y - border;
  const { w, f } = spec;
  const [fy, fcb, fcr] = f;
  // Window: weights and YCbCr values (0 where unknown or outside the image).
  const sum = [0, 0, 0],
    sum2 = [0, 0, 0];
  let count = 0;
  for (let y = 0; y < N; y++) {
    const iy = oy + y;
    for (let x = 0; x < N; x++) {
      const ix = ox + x;
      const k = y * N + x;
      const st = iy >= 0 && iy < H && ix >= 0 && ix < W ? state[iy * W + ix] : UNKNOWN;
      if (st === UNKNOWN) {
        w[k] = fy[k] = fcb[k] = fcr[k] = 0;
        continue;
      }
      const i = iy * W + ix;
      const r = d[i],
        g = d[n + i],
        bl = d[2 * n + i];
      const Y = 0.299 * r + 0.587 * g + 0.114 * bl;
      const cb = 0.564 * (bl - Y);
      const cr = 0.713 * (r - Y);
      w[k] = STATE_WEIGHT[st] * decay[k];
      fy[k] = Y;
      fcb[k] = cb;
      fcr[k] = cr;
      sum[0] += Y;
      sum[1] += cb;
      sum[2] += cr;
      sum2[0] += Y * Y;
      sum2[1] += cb * cb;
      sum2[2] += cr * cr;
      count++;
    }
  }
  if (count === 0) return; // orderedBlocks defers such blocks
  spec.transformBlock();
  for (let c = 0; c < 3; c++) {
    const m = sum[c] / count;
    const sigma = Math.sqrt(Math.max(0, sum2[c] / count - m * m));
    const iters = Math.min(FSR.maxIter, Math.max(FSR.minIter, Math.round(FSR.iterConst * sigma)));
    spec.extrapolate(c, iters);
  }
  const x1 = Math.min(W, b.x + b.size),
    y1 = Math.min(H, b.y + b.size);
  for (let y = b.y; y < y1; y++)
    for (let x = b.x; x < x1; x++) {
      const i = y * W + x;
      if (state[i] !== UNKNOWN) continue;
      const Y = spec.evaluate(0, x - ox, y - oy),
        cb = spec.evaluate(1, x - ox, y - oy),
        cr = spec.evaluate(2, x - ox, y - oy);
      const r = Y + cr / 0.713;
      const bl = Y + cb / 0.564;
      const g = (Y - 0.299 * r - 0.114 * bl) / 0.587;
      d[i] = r < 0 ? 0 : r > 1 ? 1 : r;
      d[n + i] = g < 0 ? 0 : g > 1 ? 1 : g;
      d[2 * n + i] = bl < 0 ? 0 : bl > 1 ? 1 : bl;
      state[i] = RECONSTRUCTED;
      filled.push(i);
    }
}
