/**
 * L-BFGS (Nocedal & Wright, Numerical Optimization, alg. 7.4/7.5) with a strong-Wolfe line search
 * (alg. 3.5/3.6, cubic interpolation with the safeguards PyTorch's torch.optim.LBFGS uses), for an
 * objective that is evaluated asynchronously (an ONNX Runtime run). State is in Float64Array; the
 * objective may return float32 gradients.
 */
import { throwIfAborted } from '../../common/errors';

export interface Evaluation {
  value: number;
  gradient: ArrayLike<number>;
}

export type Objective = (x: Float64Array) => Promise<Evaluation>;

export interface LbfgsOptions {
  /** Iterations (line searches) at most. */
  maxIterations: number;
  /** Objective evaluations at most. Default 1.25 × maxIterations + 5. */
  maxEvaluations?: number;
  /** Pairs (s, y) kept. Default 10. */
  history?: number;
  /** Stop when max |gradient| ≤ this. Default 1e-7. */
  gradientTolerance?: number;
  /** Stop when the value or the step changes by less than this. Default 1e-9. */
  changeTolerance?: number;
  /**
   * Largest change of any variable in the unit step (the line search may still extend it): keeps a
   * non-convex loss from jumping far from the start in one iteration. Default: no limit.
   */
  maxStep?: number;
  signal?: AbortSignal;
  /**
   * Called after each iteration (await it to yield, report progress, show a preview); returning true
   * stops the minimisation there (reason 'asked').
   */
  onIteration?(info: {
    iteration: number;
    value: number;
    evaluations: number;
    x: Float64Array;
  }): void | boolean | Promise<void | boolean>;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  /** Why it stopped. */
  /** 'asked': onIteration returned true. */
  reason: 'gradient' | 'change' | 'iterations' | 'evaluations' | 'line search' | 'asked';
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const maxAbs = (a: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

/** Minimiser of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to [lo, hi]; the midpoint when it has none. */
export function cubicMinimum(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  lo = Math.min(x1, x2),
  hi = Math.max(x1, x2),
): number {
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (d2sq >= 0) {
    const d2 = Math.sqrt(d2sq);
    const t =
      x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    if (Number.isFinite(t)) return Math.min(Math.max(t, lo), hi);
  }
  return (lo + hi) / 2;
}

interface Point {
  t: number;
  value: number;
  gradient: Float64Array;
  slope: number;
}

/**
 * Strong-Wolfe line search along d from x (value f0, slope s0 = g·d < 0), first trial step t.
 * Returns the accepted point (the best one found when it runs out of evaluations).
 */
async function lineSearch(
  f: Objective,
  x: Float64Array,
  d: Float64Array,
  t: number,
  f0: number,
  g0: Float64Array,
  s0: number,
  budget: number,
  tolChange: number,
): Promise<{ point: Point; evaluations: number }> {
  const c1 = 1e-4,
    c2 = 0.9;
  const trial = new Float64Array(x.length);
  let evaluations = 0;
  const at = async (step: number): Promise<Point> => {
    for (let i = 0; i < x.length; i++) trial[i] = x[i] + step * d[i];
    const e = await f(trial);
    evaluations++;
    const gradient = Float64Array.from(e.gradient);
    return { t: step, value: e.value, gradient, slope: dot(gradient, d) };
  };
  const dNorm = maxAbs(d);
  let prev: Point = { t: 0, value: f0, gradient: g0, slope: s0 };
  let cur = await at(t);
  // Bracketing phase: grow the step until [low, high] holds a point satisfying the conditions
  // (N&W alg. 3.5): `low` always has the lower value of the two ends.
  let low: Point | null = null;
  let high: Point | null = null;
  while (evaluations < budget) {
    if (cur.value > f0 + c1 * cur.t * s0 || (evaluations > 1 && cur.value >= prev.value)) {
      [low, high] = [prev, cur];
      break;
    }
    if (Math.abs(cur.slope) <= -c2 * s0) return { point: cur, evaluations };
    if (cur.slope >= 0) {
      [low, high] = [cur, prev];
      break;
    }
    const next = cubicMinimum(
      prev.t,
      prev.value,
      prev.slope,
      cur.t,
      cur.value,
      cur.slope,
      cur.t + 0.01 * (cur.t - prev.t),
      cur.t * 10,
    );
    prev = cur;
    cur = await at(next);
  }
  if (!low || !high) return { point: cur.value < f0 ? cur : prev, evaluations };
  // Zoom phase (alg. 3.6), with PyTorch's guard against steps creeping to one end.
  let insufficient = false;
  while (evaluations < budget) {
    const lo = Math.min(low.t, high.t),
      hi = Math.max(low.t, high.t);
    if ((hi - lo) * dNorm < tolChange) break;
    let next = cubicMinimum(low.t, low.value, low.slope, high.t, high.value, high.slope);
    const eps = 0.1 * (hi - lo);
    if (Math.min(hi - next, next - lo) < eps) {
      if (insufficient || next >= hi || next <= lo) {
        next = Math.abs(next - hi) < Math.abs(next - lo) ? hi - eps : lo + eps;
        insufficient = false;
      } else insufficient = true;
    } else insufficient = false;
    const p = await at(next);
    if (p.value > f0 + c1 * p.t * s0 || p.value >= low.value) {
      high = p;
    } else {
      if (Math.abs(p.slope) <= -c2 * s0) return { point: p, evaluations };
      if (p.slope * (high.t - low.t) >= 0) high = low;
      low = p;
    }
  }
  return { point: low.t > 0 && low.value < f0 ? low : { ...low, t: 0 }, evaluations };
}

/**
 * Minimises f from x0.
 * @throws StudioError CANCELLED when `signal` fires (checked between iterations)
 */
export async function minimize(f: Objective, x0: ArrayLike<number>, o: LbfgsOptions): Promise<LbfgsResult> {
  const m = o.history ?? 10;
  const gtol = o.gradientTolerance ?? 1e-7;
  const ctol = o.changeTolerance ?? 1e-9;
  const maxEval = o.maxEvaluations ?? Math.ceil(o.maxIterations * 1.25) + 5;
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  const first = await f(x);
  let value = first.value;
  let g: Float64Array = Float64Array.from(first.gradient);
  let evaluations = 1;
  const S: Float64Array[] = [],
    Y: Float64Array[] = [],
    rho: number[] = [];
  const d = new Float64Array(n);
  const alpha = new Float64Array(m);
  const done = (iterations: number, reason: LbfgsResult['reason']): LbfgsResult => ({
    x,
    value,
    iterations,
    evaluations,
    reason,
  });
  if (maxAbs(g) <= gtol) return done(0, 'gradient');
  for (let it = 1; it <= o.maxIterations; it++) {
    throwIfAborted(o.signal);
    // Two-loop recursion: d = −H·g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], d);
      for (let i = 0; i < n; i++) d[i] -= alpha[k] * Y[k][i];
    }
    const gamma = S.length
      ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1])
      : 1;
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], d);
      for (let i = 0; i < n; i++) d[i] += (alpha[k] - beta) * S[k][i];
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = dot(g, d);
    }
    if (o.maxStep !== undefined) {
      // A trust region on the unit step: no variable moves more than maxStep at t = 1.
      const big = maxAbs(d);
      if (big > o.maxStep) {
        const k = o.maxStep / big;
        for (let i = 0; i < n; i++) d[i] *= k;
        slope *= k;
      }
    }
    // First iteration: a step of at most 1 in the largest coordinate (the scale of H is unknown).
    const t0 = S.length ? 1 : Math.min(1, 1 / maxAbs(g));
    const ls = await lineSearch(f, x, d, t0, value, g, slope, maxEval - evaluations, ctol);
    evaluations += ls.evaluations;
    const p = ls.point;
    if (p.t === 0) return done(it, 'line search');
    const s = new Float64Array(n),
      y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = p.t * d[i];
      y[i] = p.gradient[i] - g[i];
    }
    const xNext = new Float64Array(n);
    for (let i = 0; i < n; i++) xNext[i] = x[i] + s[i];
    const change = Math.abs(p.value - value);
    x = xNext;
    value = p.value;
    g = p.gradient;
    const ys = dot(y, s);
    if (ys > 1e-10) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / ys);
    }
    if ((await o.onIteration?.({ iteration: it, value, evaluations, x })) === true) return done(it, 'asked');
    if (maxAbs(g) <= gtol) return done(it, 'gradient');
    if (change < ctol || maxAbs(s) < ctol) return done(it, 'change');
    if (evaluations >= maxEval) return done(it, 'evaluations');
  }
  return done(o.maxIterations, 'iterations');
}
