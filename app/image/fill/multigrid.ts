/**
 * A multigrid-preconditioned conjugate-gradient solver for the systems of poisson.ts: symmetric positive
 * definite 5-point systems on an arbitrary subset of a grid (the hole's pixels), three right-hand sides
 * at once (R, G, B, interleaved: value 3p + c is cell p's channel c).
 *
 *   diag_p u_p - sum_d w_pd u_q(p,d) = b_p      (q(p,d): p's neighbour in direction d, when an unknown)
 *
 * Dirichlet values (known pixels) are already in b and in diag (a known neighbour counts in diag_p but
 * has no w), so the system is nonsingular as long as every connected group of cells touches one.
 *
 * The hierarchy (aggregation multigrid on the grid): level l + 1 has one cell per 2 x 2 square of level
 * l that holds at least one cell; prolongation P copies a coarse value to its (at most four) children,
 * restriction is P^T (the sum of the children's residuals), and the coarse operator is Galerkin's
 * P^T A P, which is again a 5-point operator: the weight between two coarse cells is the sum of the
 * weights of the fine pairs across their common edge, the diagonal the children's diagonals less twice
 * their internal weights. So the masked domain and its Dirichlet border are represented exactly on every
 * level, without any geometry. Coarsening stops at COARSEST cells or fewer (solved exactly by a dense
 * Cholesky factorisation) or when a level no longer shrinks (then symmetric Gauss-Seidel sweeps).
 *
 * One V-cycle: red-black Gauss-Seidel pre-smoothing (red then black cells; cells are numbered red first
 * so a colour is a range), the residual restricted, the coarse problem V-cycled, its correction
 * prolonged with an over-correction factor (piecewise-constant prolongation under-estimates smooth
 * errors; Braess 1995, Vaněk 1995), post-smoothing in the reverse order (black then red). The cycle is a
 * symmetric positive definite operator, so it preconditions conjugate gradients (Tatebe 1993 "MGCG"),
 * which converge in a number of iterations almost independent of the image size.
 */

/** Coarsest level solved by a dense factorisation when it holds at most this many cells (default). */
const COARSEST = 400;
/** A level that keeps more than this share of its cells stops the coarsening. */
const MIN_SHRINK = 0.8;
/** Sweeps of symmetric Gauss-Seidel on a coarsest level too large to factorise. */
const COARSE_SWEEPS = 30;

/** One level of the hierarchy. Cells [0, red) are red ((x + y) even), [red, count) black. */
export interface GridLevel {
  count: number;
  red: number;
  /** Grid width of this level (cell p lies at x = pos % gw, y = pos / gw). */
  gw: number;
  gh: number;
  pos: Int32Array;
  /** 4 per cell: +x, -x, +y, -y neighbour (index) or -1. */
  nb: Int32Array;
  /** 4 per cell: the coupling weight (> 0) to that neighbour. */
  w: Float32Array;
  diag: Float64Array;
}

interface Level extends GridLevel {
  invDiag: Float64Array;
  /** Cell of the next coarser level holding this cell (when there is one). */
  parent: Int32Array | null;
  /** Right-hand side, iterate and residual of this level's V-cycle (3 per cell; level 0 borrows). */
  b: Float64Array;
  x: Float64Array;
  r: Float64Array;
}

/** Grid direction steps in the order of GridLevel.nb. */
export const DX = [1, -1, 0, 0];
export const DY = [0, 0, 1, -1];

function withScratch(g: GridLevel, own: boolean): Level {
  const invDiag = new Float64Array(g.count);
  for (let p = 0; p < g.count; p++) invDiag[p] = 1 / g.diag[p];
  const empty = new Float64Array(0);
  return {
    ...g,
    invDiag,
    parent: null,
    b: own ? new Float64Array(3 * g.count) : empty,
    x: own ? new Float64Array(3 * g.count) : empty,
    r: new Float64Array(3 * g.count),
  };
}

/** The Galerkin coarse level of `f` (sets f.parent). */
function coarsen(f: Level): Level {
  const gw = (f.gw + 1) >> 1;
  const gh = (f.gh + 1) >> 1;
  const slot = new Int32Array(gw * gh).fill(-1);
  const parentPos = new Int32Array(f.count);
  for (let p = 0; p < f.count; p++) {
    const fp = f.pos[p];
    const x = fp % f.gw;
    const y = (fp - x) / f.gw;
    const cp = (y >> 1) * gw + (x >> 1);
    parentPos[p] = cp;
    slot[cp] = 0;
  }
  // Number the coarse cells red first, in grid order within a colour.
  let count = 0;
  for (let pass = 0; pass < 2; pass++)
    for (let y = 0; y < gh; y++)
      for (let x = (y + pass) & 1; x < gw; x += 2)
        if (slot[y * gw + x] === 0) slot[y * gw + x] = -2 - count++;
  let red = 0;
  const pos = new Int32Array(count);
  for (let i = 0; i < slot.length; i++)
    if (slot[i] <= -2) {
      const c = -2 - slot[i];
      slot[i] = c;
      pos[c] = i;
    }
  for (let c = 0; c < count; c++) {
    const x = pos[c] % gw;
    const y = (pos[c] - x) / gw;
    if (((x + y) & 1) === 0) red++;
  }
  const parent = new Int32Array(f.count);
  for (let p = 0; p < f.count; p++) parent[p] = slot[parentPos[p]];
  f.parent = parent;
  const nb = new Int32Array(4 * count).fill(-1);
  const w = new Float32Array(4 * count);
  const diag = new Float64Array(count);
  for (let p = 0; p < f.count; p++) {
    const I = parent[p];
    diag[I] += f.diag[p];
    for (let d = 0; d < 4; d++) {
      const q = f.nb[4 * p + d];
      if (q < 0) continue;
      const J = parent[q];
      const wq = f.w[4 * p + d];
      if (J === I)
        diag[I] -= wq; // each internal pair is met from both sides: twice in all
      else {
        nb[4 * I + d] = J;
        w[4 * I + d] += wq;
      }
    }
  }
  return withScratch({ count, red, gw, gh, pos, nb, w, diag }, true);
}

/** One Gauss-Seidel sweep over cells [lo, hi) (one colour: their neighbours are all of the other). */
function sweep(l: Level, b: Float64Array, x: Float64Array, lo: number, hi: number): void {
  const { nb, w, invDiag } = l;
  for (let p = lo; p < hi; p++) {
    const i = 3 * p;
    let s0 = b[i];
    let s1 = b[i + 1];
    let s2 = b[i + 2];
    for (let o = 4 * p, e = o + 4; o < e; o++) {
      const q = nb[o];
      if (q < 0) continue;
      const wq = w[o];
      const j = 3 * q;
      s0 += wq * x[j];
      s1 += wq * x[j + 1];
      s2 += wq * x[j + 2];
    }
    const inv = invDiag[p];
    x[i] = s0 * inv;
    x[i + 1] = s1 * inv;
    x[i + 2] = s2 * inv;
  }
}

/** out = b - A x (or A x when b is null). */
function residual(l: Level, b: Float64Array | null, x: Float64Array, out: Float64Array): void {
  const { nb, w, diag, count } = l;
  for (let p = 0; p < count; p++) {
    const i = 3 * p;
    const dp = diag[p];
    let s0 = dp * x[i];
    let s1 = dp * x[i + 1];
    let s2 = dp * x[i + 2];
    for (let o = 4 * p, e = o + 4; o < e; o++) {
      const q = nb[o];
      if (q < 0) continue;
      const wq = w[o];
      const j = 3 * q;
      s0 -= wq * x[j];
      s1 -= wq * x[j + 1];
      s2 -= wq * x[j + 2];
    }
    if (b) {
      out[i] = b[i] - s0;
      out[i + 1] = b[i + 1] - s1;
      out[i + 2] = b[i + 2] - s2;
    } else {
      out[i] = s0;
      out[i + 1] = s1;
      out[i + 2] = s2;
    }
  }
}

/** Dense Cholesky factor (lower, row-major) of a small level's matrix. */
function denseCholesky(l: Level): Float64Array {
  const n = l.count;
  const a = new Float64Array(n * n);
  for (let p = 0; p < n; p++) {
    a[p * n + p] = l.diag[p];
    for (let d = 0; d < 4; d++) {
      const q = l.nb[4 * p + d];
      if (q >= 0) a[p * n + q] -= l.w[4 * p + d];
    }
  }
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j];
    for (let k = 0; k < j; k++) s -= a[j * n + k] * a[j * n + k];
    const ljj = Math.sqrt(Math.max(s, 1e-300));
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j];
      for (let k = 0; k < j; k++) t -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = t / ljj;
    }
  }
  return a;
}

export interface MultigridOptions {
  /** Gauss-Seidel sweeps before and after the coarse correction (default 2 each). */
  sweeps?: number;
  /** Scale of the prolonged coarse correction (default 1.8). */
  overCorrection?: number;
  /** Coarsening stops at this many cells or fewer (default COARSEST; tests force deep hierarchies). */
  coarsest?: number;
}

/** The hierarchy and its V-cycle. */
export class Multigrid {
  readonly levels: Level[];
  private readonly factor: Float64Array | null;
  private readonly sweeps: number;
  private readonly omega: number;

  /** @param fine level 0 (cells red first; its arrays are used, not copied) */
  constructor(fine: GridLevel, opts: MultigridOptions = {}) {
    this.sweeps = opts.sweeps ?? 2;
    this.omega = opts.overCorrection ?? 1.8;
    const coarsest = Math.min(COARSEST, opts.coarsest ?? COARSEST);
    const levels: Level[] = [withScratch(fine, false)];
    for (;;) {
      const top = levels[levels.length - 1];
      if (top.count <= coarsest) break;
      const next = coarsen(top);
      if (next.count > MIN_SHRINK * top.count) {
        top.parent = null;
        break;
      }
      levels.push(next);
    }
    this.levels = levels;
    const last = levels[levels.length - 1];
    this.factor = last.count <= coarsest ? denseCholesky(last) : null;
  }

  /** z = M^-1 r: one V-cycle from zero for A z = r (z and r: 3 per fine cell). */
  apply(r: Float64Array, z: Float64Array): void {
    this.cycle(0, r, z);
  }

  private cycle(li: number, b: Float64Array, x: Float64Array): void {
    const l = this.levels[li];
    x.fill(0);
    if (li === this.levels.length - 1) {
      this.coarsest(l, b, x);
      return;
    }
    for (let s = 0; s < this.sweeps; s++) {
      sweep(l, b, x, 0, l.red);
      sweep(l, b, x, l.red, l.count);
    }
    residual(l, b, x, l.r);
    const c = this.levels[li + 1];
    const parent = l.parent!;
    c.b.fill(0);
    for (let p = 0; p < l.count; p++) {
      const I = 3 * parent[p];
      const i = 3 * p;
      c.b[I] += l.r[i];
      c.b[I + 1] += l.r[i + 1];
      c.b[I + 2] += l.r[i + 2];
    }
    this.cycle(li + 1, c.b, c.x);
    const omega = this.omega;
    for (let p = 0; p < l.count; p++) {
      const I = 3 * parent[p];
      const i = 3 * p;
      x[i] += omega * c.x[I];
      x[i + 1] += omega * c.x[I + 1];
      x[i + 2] += omega * c.x[I + 2];
    }
    for (let s = 0; s < this.sweeps; s++) {
      sweep(l, b, x, l.red, l.count);
      sweep(l, b, x, 0, l.red);
    }
  }

  private coarsest(l: Level, b: Float64Array, x: Float64Array): void {
    const L = this.factor;
    if (!L) {
      for (let s = 0; s < COARSE_SWEEPS; s++) {
        sweep(l, b, x, 0, l.red);
        sweep(l, b, x, l.red, l.count);
        sweep(l, b, x, l.red, l.count);
        sweep(l, b, x, 0, l.red);
      }
      return;
    }
    const n = l.count;
    const y = l.r;
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < n; i++) {
        let s = b[3 * i + c];
        for (let k = 0; k < i; k++) s -= L[i * n + k] * y[3 * k + c];
        y[3 * i + c] = s / L[i * n + i];
      }
      for (let i = n - 1; i >= 0; i--) {
        let s = y[3 * i + c];
        for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[3 * k + c];
        x[3 * i + c] = s / L[i * n + i];
      }
    }
  }

  /** out = A x on the fine level. */
  multiply(x: Float64Array, out: Float64Array): void {
    residual(this.levels[0], null, x, out);
  }
}

export interface SolveOptions extends MultigridOptions {
  /** Stop when every channel's residual norm is at most this fraction of its right-hand side's. */
  tolerance: number;
  /** Conjugate-gradient iterations at most. */
  maxIterations: number;
  /** Called after every iteration (may throw to stop, e.g. on cancellation); awaited. */
  onIteration?: () => Promise<void> | void;
}

export interface SolveResult {
  iterations: number;
  /** Final residual norm over the right-hand side's, worst channel. */
  relativeResidual: number;
  /** Cells per level, finest first. */
  levels: number[];
}

/**
 * Solves A x = b for the three interleaved channels by conjugate gradients preconditioned with one
 * V-cycle per iteration; x holds the initial guess and receives the solution.
 */
export async function solveGrid(
  fine: GridLevel,
  b: Float64Array,
  x: Float64Array,
  opts: SolveOptions,
): Promise<SolveResult> {
  let mg = new Multigrid(fine, opts);
  const n = 3 * fine.count;
  const r = new Float64Array(n);
  const z = new Float64Array(n);
  const d = new Float64Array(n);
  const q = new Float64Array(n);
  const levels = mg.levels.map((l) => l.count);
  mg.multiply(x, q);
  for (let i = 0; i < n; i++) r[i] = b[i] - q[i];
  const norms = (v: Float64Array, w: Float64Array) => {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i += 3) {
      s0 += v[i] * w[i];
      s1 += v[i + 1] * w[i + 1];
      s2 += v[i + 2] * w[i + 2];
    }
    return [s0, s1, s2];
  };
  const bNorm = norms(b, b).map((s) => Math.sqrt(s) || 1);
  const relative = () => Math.max(...norms(r, r).map((s, c) => Math.sqrt(s) / bNorm[c]));
  let rel = relative();
  if (rel <= opts.tolerance || n === 0) return { iterations: 0, relativeResidual: rel, levels };
  mg.apply(r, z);
  d.set(z);
  let rz = norms(r, z);
  let it = 0;
  let restarted = false;
  while (it < opts.maxIterations && rel > opts.tolerance) {
    mg.multiply(d, q);
    const dq = norms(d, q);
    const alpha = dq.map((v, c) => (v > 0 ? rz[c] / v : 0));
    const [a0, a1, a2] = alpha;
    for (let i = 0; i < n; i += 3) {
      x[i] += a0 * d[i];
      x[i + 1] += a1 * d[i + 1];
      x[i + 2] += a2 * d[i + 2];
      r[i] -= a0 * q[i];
      r[i + 1] -= a1 * q[i + 1];
      r[i + 2] -= a2 * q[i + 2];
    }
    it++;
    rel = relative();
    if (rel <= opts.tolerance) break;
    mg.apply(r, z);
    let next = norms(r, z);
    if (!restarted && next.some((v) => v < 0)) {
      // The over-corrected cycle is not positive definite for this domain: restart from here with the
      // plain one (always positive definite: symmetric smoothing, Galerkin coarse levels).
      restarted = true;
      mg = new Multigrid(fine, { ...opts, overCorrection: 1 });
      mg.apply(r, z);
      d.fill(0);
      next = norms(r, z);
    }
    const [b0, b1, b2] = next.map((v, c) => (rz[c] > 0 ? v / rz[c] : 0));
    rz = next;
    for (let i = 0; i < n; i += 3) {
      d[i] = z[i] + b0 * d[i];
      d[i + 1] = z[i + 1] + b1 * d[i + 1];
      d[i + 2] = z[i + 2] + b2 * d[i + 2];
    }
    await opts.onIteration?.();
  }
  return { iterations: it, relativeResidual: rel, levels };
}
