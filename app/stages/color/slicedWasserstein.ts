/**
 * Sliced Wasserstein distance between the region's colours w (n points) and the reference samples v
 * (m points), and its gradient, through 1-D optimal transport along K directions θ_k of colour space.
 *
 * Definition used throughout the stage (so that it sums over pixels like the fidelity term, and equals
 * Rabin and Peyré's Σ_i |⟨w_σ(i) − v_τ(i), θ⟩|² when n = m):
 *   SW²(w, v) = (1/K) Σ_k n · W₂²(θ_k#[w], θ_k#[v]),   W₂² = ∫₀¹ (Q_w(t) − Q_v(t))² dt
 * with Q the quantile functions of the projected empirical measures. Its half-gradient at w_i is
 *   ∂(SW²/2)/∂w_i = (1/K) Σ_k θ_k (⟨w_i, θ_k⟩ − T_k(i)),
 * T_k(i) the target of i's rank r: n ∫_{r/n}^{(r+1)/n} Q_v (the mean of v's quantiles over that rank).
 *
 * Two ways to get T:
 * - exact: sort both projections (O(n log n) a direction); used in tests and for checking;
 * - histogram (QuantileTables): O(n + bins) a direction. The projections of w and v are counted in
 *   `bins` bins each (over their projected bounding boxes), the CDFs are taken piecewise linear within a
 *   bin, and T(p) = Q_v(F_w(p)) is tabulated at w's bin edges; the displacement d = p − T(p) is linear
 *   within a bin, so each pixel needs one table look-up (kernels.ts). Equal colours get equal targets,
 *   so the map is monotone along θ and never splits a flat area into noise.
 *
 * Colours are planar: channel c of point i at data[c * stride + i].
 */

/** Colours of a point set, planar: channel c of point i at data[c * stride + i], i < n. */
export interface Colors {
  n: number;
  stride: number;
  data: Float32Array;
}

/** Axis-aligned bounding box of a colour cloud: [min0, min1, min2, max0, max1, max2]. */
export type Box = Float64Array;

/** Bounding box of a colour set. */
export function boundingBox(x: Colors, out: Box = new Float64Array(6)): Box {
  const { n, stride, data } = x;
  for (let c = 0; c < 3; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    const o = c * stride;
    for (let i = 0; i < n; i++) {
      const v = data[o + i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    out[c] = lo;
    out[3 + c] = hi;
  }
  return out;
}

/**
 * Histogram bins per direction for n region pixels and m reference samples: 2 √max(n, m) to the nearest
 * power of two (in log), within 256..4096 (enough that a bin holds a few samples; more only costs time in
 * the tables and cache room in the update: 1024 bins already match the exact transport to 0.01 units,
 * slicedWasserstein.test.ts).
 */
export function defaultBins(n: number, m: number): number {
  const want = 2 * Math.sqrt(Math.max(n, m));
  return Math.min(4096, Math.max(256, 2 ** Math.round(Math.log2(want))));
}

/** Narrowest projected range binned: a flat cloud then falls mid-range and maps to the median. */
const MIN_SPAN = 1e-3;

/** Range [lo, hi] of the projections of a box on direction (x, y, z), slightly widened. */
export function projectedRange(
  box: Box,
  x: number,
  y: number,
  z: number,
  out: Float64Array,
  o: number,
): void {
  let lo =
    Math.min(x * box[0], x * box[3]) + Math.min(y * box[1], y * box[4]) + Math.min(z * box[2], z * box[5]);
  let hi =
    Math.max(x * box[0], x * box[3]) + Math.max(y * box[1], y * box[4]) + Math.max(z * box[2], z * box[5]);
  if (hi - lo < MIN_SPAN) {
    const mid = (lo + hi) / 2;
    lo = mid - MIN_SPAN / 2;
    hi = mid + MIN_SPAN / 2;
  }
  const pad = 1e-4 * (hi - lo);
  out[o] = lo - pad;
  out[o + 1] = hi + pad;
}

function project(x: Colors, dirs: Float64Array, k: number): Float64Array {
  const { n, stride: s, data } = x;
  const p = new Float64Array(n);
  const d0 = dirs[3 * k],
    d1 = dirs[3 * k + 1],
    d2 = dirs[3 * k + 2];
  for (let i = 0; i < n; i++) p[i] = d0 * data[i] + d1 * data[s + i] + d2 * data[2 * s + i];
  return p;
}

/** Indices 0..n-1 ordered by value, ties by index (deterministic). */
function argsort(p: Float64Array): Uint32Array {
  const idx = Array.from({ length: p.length }, (_, i) => i);
  idx.sort((a, b) => p[a] - p[b] || a - b);
  return Uint32Array.from(idx);
}

/** W₂² between the empirical measures of sorted a (n values) and sorted b (m values), exactly. */
function w2SquaredSorted(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const m = b.length;
  // Breakpoints r/n and j/m on the common grid of 1/(n m).
  const total = n * m;
  let pos = 0;
  let r = 0;
  let j = 0;
  let sum = 0;
  while (pos < total) {
    const nextR = (r + 1) * m;
    const nextJ = (j + 1) * n;
    const next = nextR < nextJ ? nextR : nextJ;
    const d = a[r] - b[j];
    sum += d * d * (next - pos);
    pos = next;
    if (next === nextR) r++;
    if (next === nextJ) j++;
  }
  return sum / total;
}

/** Exact SW²(w, v) for the K directions in dirs (see the file comment). O(K (n + m) log(n + m)). */
export function exactSwSquared(w: Colors, v: Colors, dirs: Float64Array, K: number): number {
  let s = 0;
  for (let k = 0; k < K; k++) {
    const a = project(w, dirs, k).sort();
    const b = project(v, dirs, k).sort();
    s += w.n * w2SquaredSorted(a, b);
  }
  return s / K;
}

/**
 * Exact targets for one direction: out[i] = n ∫ Q_v over point i's rank interval, given w's projections
 * p and v's sorted projections q.
 */
function exactTargets(p: Float64Array, q: Float64Array, out: Float64Array): void {
  const n = p.length;
  const m = q.length;
  const prefix = new Float64Array(m + 1);
  for (let j = 0; j < m; j++) prefix[j + 1] = prefix[j] + q[j];
  // ∫₀^t Q_v at t = r/n: (prefix[j] + (t m − j) q[j]) / m, j = floor(t m).
  const integral = (r: number) => {
    const tm = (r * m) / n;
    let j = Math.floor(tm);
    if (j >= m) j = m - 1;
    return (prefix[j] + (tm - j) * q[j]) / m;
  };
  const order = argsort(p);
  let prev = 0;
  for (let r = 0; r < n; r++) {
    const next = integral(r + 1);
    out[order[r]] = n * (next - prev);
    prev = next;
  }
}

/**
 * Adds scale · (1/K) Σ_k θ_k (⟨w_i, θ_k⟩ − T_k(i)) to grad (planar, w.stride), with exact targets: the
 * half-gradient of SW² times `scale`. O(K (n log n + m log m)).
 */
export function addExactSwGradient(
  w: Colors,
  v: Colors,
  dirs: Float64Array,
  K: number,
  scale: number,
  grad: Float32Array | Float64Array,
): void {
  const { n, stride: s } = w;
  const t = new Float64Array(n);
  for (let k = 0; k < K; k++) {
    const p = project(w, dirs, k);
    const q = project(v, dirs, k).sort();
    exactTargets(p, q, t);
    const d0 = dirs[3 * k],
      d1 = dirs[3 * k + 1],
      d2 = dirs[3 * k + 2];
    const c = scale / K;
    for (let i = 0; i < n; i++) {
      const d = c * (p[i] - t[i]);
      grad[i] += d0 * d;
      grad[s + i] += d1 * d;
      grad[2 * s + i] += d2 * d;
    }
  }
}

/**
 * O(n + bins) quantile matching from two histograms per direction. Histograms and tables have
 * bins + 2 entries per direction: a guard entry on each side (index 0 and bins + 1) around the bins 1..bins,
 * so that kernels may compute a bin one off the range without a bounds check (see wasm/kernelModule.ts).
 *
 * For direction k, w's projections are counted over [loW[k], loW[k] + bins / invHW[k]) and v's over their
 * own range. tabulate() writes, for w's bin N (entry N + 1), the pair (Dc, ΔD): the displacement
 * p − T(p) at the bin's centre and its change across the bin, times `scale`. A pixel at t bins
 * (t = (p − loW) invHW, N = floor t) moves by Dc + (t − N − 1/2) ΔD, which is the linear interpolation of
 * the displacement between the bin's edges.
 */
export class QuantileTables {
  readonly bins: number;
  /** Entries per direction in histograms and tables: bins + 2. */
  readonly span: number;
  /** Per direction: lower edge and bins per unit, for w (the kernels read these) and for v. */
  readonly loW: Float64Array;
  readonly invHW: Float64Array;
  readonly loV: Float64Array;
  readonly invHV: Float64Array;
  private readonly range: Float64Array;
  private readonly edgeT: Float64Array;

  /** bins: 16..65536 per direction; maxK: the most directions. */
  constructor(bins: number, maxK: number) {
    this.bins = bins;
    this.span = bins + 2;
    this.loW = new Float64Array(maxK);
    this.invHW = new Float64Array(maxK);
    this.loV = new Float64Array(maxK);
    this.invHV = new Float64Array(maxK);
    this.range = new Float64Array(2);
    this.edgeT = new Float64Array(bins + 1);
  }

  /** Sets the bin ranges of K directions from the bounding boxes of w and v. */
  setRanges(dirs: Float64Array, K: number, wBox: Box, vBox: Box): void {
    const B = this.bins;
    const r = this.range;
    for (let k = 0; k < K; k++) {
      const x = dirs[3 * k],
        y = dirs[3 * k + 1],
        z = dirs[3 * k + 2];
      projectedRange(wBox, x, y, z, r, 0);
      this.loW[k] = r[0];
      this.invHW[k] = B / (r[1] - r[0]);
      projectedRange(vBox, x, y, z, r, 0);
      this.loV[k] = r[0];
      this.invHV[k] = B / (r[1] - r[0]);
    }
  }

  /**
   * Writes direction k's displacement table (2 span floats at table[2 k span]) from w's histogram
   * (histW[k span ..], nW points counted) and v's (histV[k span ..], m points), times `scale`. Counts in
   * the guard entries are moved to the first and last bins first.
   */
  tabulate(
    k: number,
    histW: Int32Array,
    nW: number,
    histV: Int32Array,
    m: number,
    scale: number,
    table: Float32Array,
  ): void {
    const B = this.bins;
    const off = k * this.span;
    for (const h of [histW, histV]) {
      h[off + 1] += h[off];
      h[off + B] += h[off + B + 1];
      h[off] = h[off + B + 1] = 0;
    }
    const loW = this.loW[k];
    const hW = 1 / this.invHW[k];
    const loV = this.loV[k];
    const hV = 1 / this.invHV[k];
    const T = this.edgeT;
    // T at w's bin edges: Q_v(F_w(edge)), walking v's CDF forward (both are non-decreasing).
    let l = 0;
    let before = 0; // v samples in bins < l
    let cumW = 0;
    const ratio = m / nW;
    for (let b = 0; b <= B; b++) {
      const c = cumW * ratio; // the same rank in v's count
      while (l < B - 1 && (histV[off + 1 + l] === 0 || before + histV[off + 1 + l] < c)) {
        before += histV[off + 1 + l];
        l++;
      }
      const cnt = histV[off + 1 + l];
      let f = cnt > 0 ? (c - before) / cnt : 0;
      if (f < 0) f = 0;
      else if (f > 1) f = 1;
      T[b] = loV + (l + f) * hV;
      if (b < B) cumW += histW[off + 1 + b];
    }
    const base = 2 * off;
    let dPrev = scale * (loW - T[0]);
    for (let b = 0; b < B; b++) {
      const dNext = scale * (loW + (b + 1) * hW - T[b + 1]);
      const delta = dNext - dPrev;
      table[base + 2 * (b + 1)] = dPrev + delta / 2;
      table[base + 2 * (b + 1) + 1] = delta;
      dPrev = dNext;
    }
    // Guards: the first and last bins' lines, extended by one bin.
    table[base] = table[base + 2] - table[base + 3];
    table[base + 1] = table[base + 3];
    table[base + 2 * (B + 1)] = table[base + 2 * B] + table[base + 2 * B + 1];
    table[base + 2 * (B + 1) + 1] = table[base + 2 * B + 1];
  }
}
