/**
 * The solver's per-iteration work over the region (counting, the update, and with λ_R > 0 the TV prox),
 * behind one interface with two implementations:
 * - WebAssembly SIMD on one or more threads (wasm/wasmKernels.ts): the default, about 3.5 times faster
 *   per core than the TypeScript loops (bench/colorBench.ts), about 10 times for the TV prox;
 * - the plain TypeScript loops below (and tvProx.ts): the fallback where WebAssembly SIMD or shared memory
 *   is missing, and the reference the tests hold the WebAssembly kernels to.
 *
 * Both keep their own copies of the colours, planar with a plane stride rounded up to 4 pixels; the
 * padding pixels repeat the last real one, so they move exactly like it and never change a bounding box.
 */
import { boundingBox, type Box, type Colors, type QuantileTables } from './slicedWasserstein';
import { TvProx } from './tvProx';
import { StudioError } from '../../common/errors';

export interface KernelInput {
  /** The region's starting colours (becomes w) and its stride. */
  u: Colors;
  /** The constant part of the update (planar, u.stride): λ_L u + λ_B Σ o + λ_LS ∇ᵀn. */
  h: Float32Array;
  /** Outside-neighbour count per pixel (0..4). */
  outCount: Uint8Array;
  /** Reference samples. */
  v: Colors;
  /** Directions per iteration. */
  K: number;
  /** Histogram bins per direction. */
  bins: number;
  /**
   * The region's grid (region.right, region.down: the neighbour inside the hole or −1), given when the
   * TV prox will run (λ_R > 0); the kernels then hold its buffers too.
   */
  grid?: { right: Int32Array; down: Int32Array };
}

export interface SlicedKernels {
  readonly kind: 'wasm-simd' | 'js';
  readonly threads: number;
  /** The current colours (planar, stride = the input's), updated in place. */
  readonly w: Float32Array;
  /** Displacement tables (2 K (bins + 2)), written by QuantileTables.tabulate. */
  readonly table: Float32Array;
  /** Histograms of w's and v's projections (K (bins + 2) each, see QuantileTables), filled by count(). */
  readonly histW: Int32Array;
  readonly histV: Int32Array;
  /** Takes the K directions (unit vectors) and the tables' bin ranges for the next count() and update(). */
  setDirections(dirs: Float64Array, K: number, tables: QuantileTables): void;
  /**
   * Zeroes and fills histW with w's projections (the groups of 4 pixels step, 2 step, ... from group
   * `phase`; step = 1 counts every pixel) and histV with all of v's. Returns the number of w pixels counted.
   */
  count(step: number, phase: number): Promise<number>;
  /** One update pass (see wasm/kernelModule.ts); writes w's new bounding box into box. */
  update(tau: number, tauL: number, tauB: number, box: Box): Promise<void>;
  /**
   * Replaces w by the weighted TV prox argmin_x Σ D_i/2 ‖x_i − w_i‖² + t TV(x), D_i = 1 + tauL + tauB cnt_i,
   * with `iterations` (>= 1) warm-started FGP steps (tvProx.ts), and writes w's new bounding box into box.
   * Needs input.grid. t > 0.
   */
  tvProx(t: number, tauL: number, tauB: number, iterations: number, box: Box): Promise<void>;
  /** Repeats pixel n−1 of w in the padding, after w was changed outside update(). */
  syncPadding(): void;
  /** Frees threads; the kernels are unusable afterwards. */
  close(): Promise<void>;
}

/** Copies colours into a planar array of the given stride, repeating the last point in the padding. */
export function padColors(x: Colors, out: Float32Array, stride: number): void {
  for (let c = 0; c < 3; c++) {
    out.set(x.data.subarray(c * x.stride, c * x.stride + x.n), c * stride);
    out.fill(x.data[c * x.stride + x.n - 1], c * stride + x.n, c * stride + stride);
  }
}

/** The TypeScript kernels. */
export class JsKernels implements SlicedKernels {
  readonly kind = 'js';
  readonly threads = 1;
  readonly w: Float32Array;
  readonly table: Float32Array;
  readonly histW: Int32Array;
  readonly histV: Int32Array;
  private readonly n: number;
  private readonly stride: number;
  private readonly h: Float32Array;
  private readonly cnt: Uint8Array;
  private readonly v: Colors;
  private readonly bins: number;
  private dirs: Float64Array = new Float64Array(0);
  private K = 0;
  private tables: QuantileTables | null = null;
  private readonly tv: TvProx | null;
  private readonly invD = new Float64Array(5);

  constructor(input: KernelInput) {
    const { u, K, bins } = input;
    this.tv = input.grid
      ? new TvProx({ n: u.n, stride: u.stride, ...input.grid, outCount: input.outCount })
      : null;
    this.n = u.n;
    this.stride = u.stride;
    this.w = new Float32Array(3 * u.stride);
    padColors(u, this.w, u.stride);
    this.h = input.h;
    this.cnt = input.outCount;
    this.v = input.v;
    this.bins = bins;
    this.table = new Float32Array(2 * K * (bins + 2));
    this.histW = new Int32Array(K * (bins + 2));
    this.histV = new Int32Array(K * (bins + 2));
  }

  setDirections(dirs: Float64Array, K: number, tables: QuantileTables): void {
    this.dirs = dirs;
    this.K = K;
    this.tables = tables;
  }

  async count(step: number, phase: number): Promise<number> {
    const t = this.tables!;
    this.histW.fill(0);
    this.histV.fill(0);
    let counted = 0;
    for (let g = phase; 4 * g < this.n; g += step) {
      const end = Math.min(this.n, 4 * g + 4);
      countRange(this.w, this.stride, 4 * g, end, this.dirs, this.K, t.loW, t.invHW, this.bins, this.histW);
      counted += end - 4 * g;
    }
    countRange(
      this.v.data,
      this.v.stride,
      0,
      this.v.n,
      this.dirs,
      this.K,
      t.loV,
      t.invHV,
      this.bins,
      this.histV,
    );
    return counted;
  }

  async update(tau: number, tauL: number, tauB: number, box: Box): Promise<void> {
    const t = this.tables!;
    updateRange(
      this.w,
      this.stride,
      0,
      this.n,
      this.dirs,
      this.K,
      t.loW,
      t.invHW,
      this.bins,
      this.table,
      this.h,
      this.cnt,
      tau,
      tauL,
      tauB,
      box,
    );
    this.syncPadding();
  }

  async tvProx(t: number, tauL: number, tauB: number, iterations: number, box: Box): Promise<void> {
    if (!this.tv)
      throw new StudioError('INTERNAL', 'The kernels were built without the region grid the TV prox needs');
    for (let c = 0; c <= 4; c++) this.invD[c] = 1 / (1 + tauL + tauB * c);
    this.tv.apply(this.w, t, this.invD, iterations);
    this.syncPadding();
    boundingBox({ n: this.n, stride: this.stride, data: this.w }, box);
  }

  syncPadding(): void {
    const { w, n, stride } = this;
    for (let c = 0; c < 3; c++) w.fill(w[c * stride + n - 1], c * stride + n, c * stride + stride);
  }

  async close(): Promise<void> {}
}

/** Adds the bins of points [from, to) of x (planar, stride) on K directions to hist (K (B + 2), guarded). */
export function countRange(
  x: Float32Array,
  stride: number,
  from: number,
  to: number,
  dirs: Float64Array,
  K: number,
  lo: Float64Array,
  invH: Float64Array,
  B: number,
  hist: Int32Array,
): void {
  const last = B - 1;
  for (let k = 0, kb = 1; k < K; k++, kb += B + 2) {
    const d0 = dirs[3 * k],
      d1 = dirs[3 * k + 1],
      d2 = dirs[3 * k + 2];
    const l = lo[k],
      ih = invH[k];
    for (let i = from; i < to; i++) {
      const p = d0 * x[i] + d1 * x[stride + i] + d2 * x[2 * stride + i];
      let bi = Math.floor((p - l) * ih);
      if (bi < 0) bi = 0;
      else if (bi > last) bi = last;
      hist[kb + bi]++;
    }
  }
}

/**
 * The update of pixels [from, to) (see wasm/kernelModule.ts), in double precision; writes the bounding
 * box of the new colours into box.
 */
export function updateRange(
  w: Float32Array,
  s: number,
  from: number,
  to: number,
  dirs: Float64Array,
  K: number,
  lo: Float64Array,
  invH: Float64Array,
  B: number,
  table: Float32Array,
  h: Float32Array,
  cnt: Uint8Array,
  tau: number,
  tauL: number,
  tauB: number,
  box: Box,
): void {
  const last = B - 1;
  let a0 = Infinity,
    a1 = Infinity,
    a2 = Infinity,
    b0 = -Infinity,
    b1 = -Infinity,
    b2 = -Infinity;
  for (let i = from; i < to; i++) {
    const r = w[i],
      g = w[s + i],
      b = w[2 * s + i];
    let gr = 0,
      gg = 0,
      gb = 0;
    for (let k = 0, kb = 1; k < K; k++, kb += B + 2) {
      const d0 = dirs[3 * k],
        d1 = dirs[3 * k + 1],
        d2 = dirs[3 * k + 2];
      const t = (d0 * r + d1 * g + d2 * b - lo[k]) * invH[k];
      let bi = Math.floor(t);
      if (bi < 0) bi = 0;
      else if (bi > last) bi = last;
      const j = 2 * (kb + bi);
      const d = table[j] + (t - bi - 0.5) * table[j + 1];
      gr += d0 * d;
      gg += d1 * d;
      gb += d2 * d;
    }
    const f = 1 / (1 + tauL + tauB * cnt[i]);
    const nr = (r - gr + tau * h[i]) * f;
    const ng = (g - gg + tau * h[s + i]) * f;
    const nb = (b - gb + tau * h[2 * s + i]) * f;
    w[i] = nr;
    w[s + i] = ng;
    w[2 * s + i] = nb;
    if (nr < a0) a0 = nr;
    if (nr > b0) b0 = nr;
    if (ng < a1) a1 = ng;
    if (ng > b1) b1 = ng;
    if (nb < a2) a2 = nb;
    if (nb > b2) b2 = nb;
  }
  box[0] = a0;
  box[1] = a1;
  box[2] = a2;
  box[3] = b0;
  box[4] = b1;
  box[5] = b2;
}
