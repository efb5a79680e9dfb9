/**
 * Proximal gradient descent on the Rabin–Peyré energy (energy.ts), at full resolution over the region.
 *
 * Splitting: the forward (gradient) step takes the sliced Wasserstein term and the orientation term
 * (linear, so a constant gradient); the backward (prox) step takes the fidelity and border terms, which
 * are diagonal quadratics with a closed-form prox, and TV (tvProx.ts, weighted by the same diagonal). So
 * the step is limited by the SW term alone, L = λ_S · λmax((1/K) Σ θθᵀ) + λ_L, τ = step / L, and a
 * strong border weight never slows the descent. With step <= 1 the energy does not increase for a fixed
 * set of directions (SW²/2 is a minimum of quadratics with Hessian <= L, one per rank assignment).
 *
 * Per iteration (histogram quantiles): count the projections of w (all pixels, or an evenly spread
 * sample of at most `sampleLimit` for the CDF of large regions) and of v on K new directions; tabulate
 * the displacement per bin (O(K · bins)); one fused pass over every pixel computes its displacement,
 * takes the step, applies the prox and tracks the bounding box (kernels.ts, WebAssembly SIMD threads);
 * with λ_R > 0 the TV prox follows, in the kernels too.
 */
import type { ColorProblem, Weights } from './energy';
import { orientationAdjoint, regionColors } from './energy';
import type { SlicedKernels } from './kernels';
import { createPacer } from './pacer';
import { createRng, directionSpread, randomDirections } from './rng';
import { addExactSwGradient, boundingBox, defaultBins, QuantileTables } from './slicedWasserstein';
import { selectKernels, type KernelChoice } from './selectKernels';
import { TvProx } from './tvProx';

export interface SolverTiming {
  /** Constant terms, kernels (threads), copies. */
  setupMs: number;
  /** Counting projections into histograms. */
  countMs: number;
  /** Building the quantile tables. */
  tableMs: number;
  /** The fused SW displacement + gradient step + diagonal prox pass (or the exact gradient in exact mode). */
  updateMs: number;
  /** TV prox (only with λ_R > 0). */
  tvMs: number;
  /** Time in onIteration (progress, previews) and yields to the event loop. */
  callbackMs: number;
}

export interface SolverOptions extends KernelChoice {
  weights: Weights;
  /** K: directions drawn per iteration (>= 1). */
  directions: number;
  iterations: number;
  /** Step as a fraction of 1/L (0 < step < 2; descent is guaranteed up to 1). */
  step: number;
  seed: number;
  signal?: AbortSignal;
  /** 'histogram' (default, O(n) a direction) or 'exact' (sorting; tests and checks). */
  quantiles?: 'histogram' | 'exact';
  /** Histogram bins per direction (default: defaultBins). */
  bins?: number;
  /** Most pixels counted for w's CDF each iteration (default 2^17; every pixel is always moved). */
  sampleLimit?: number;
  /** FGP iterations of the TV prox per outer iteration (default 2; the dual is warm-started). */
  tvIterations?: number;
  /** Use these K directions at every iteration instead of drawing new ones (tests). */
  fixedDirections?: Float64Array;
  /** Called after each iteration with the current w (planar, region.stride). */
  onIteration?: (iteration: number, w: Float32Array) => void;
  /** Filled with where the time went, when given. */
  timing?: SolverTiming;
}

export interface SolverResult {
  /** The recoloured region (planar, region.stride). */
  w: Float32Array;
  kernels: 'wasm-simd' | 'js' | 'exact';
  threads: number;
  /** Pixels counted for w's CDF per iteration. */
  sampled: number;
}

export function emptyTiming(): SolverTiming {
  return { setupMs: 0, countMs: 0, tableMs: 0, updateMs: 0, tvMs: 0, callbackMs: 0 };
}

function createKernels(
  problem: ColorProblem,
  h: Float32Array,
  opts: SolverOptions,
  bins: number,
): SlicedKernels {
  const { region, v } = problem;
  const u = regionColors(region, region.u);
  const grid = opts.weights.lambdaR > 0 ? { right: region.right, down: region.down } : undefined;
  return selectKernels({ u, h, outCount: region.outCount, v, K: opts.directions, bins, grid }, opts);
}

/**
 * Runs the solver from w = u.
 * @throws StudioError CANCELLED when the signal fires (checked between iterations).
 */
export async function solveRabinPeyre(problem: ColorProblem, opts: SolverOptions): Promise<SolverResult> {
  const t0 = performance.now();
  const timing = opts.timing ?? emptyTiming();
  const { region, v } = problem;
  const { n, stride } = region;
  const { lambdaL, lambdaLS, lambdaR, lambdaS, lambdaB } = opts.weights;
  const K = opts.directions;
  // h = λ_L u + λ_B Σ_j o_j + λ_LS ∇ᵀ(orientation): the constant part of the update.
  const h = new Float32Array(3 * stride);
  const ls = lambdaLS !== 0 ? orientationAdjoint(problem) : null;
  for (let j = 0; j < 3 * stride; j++)
    h[j] = lambdaL * region.u[j] + lambdaB * region.outSum[j] + (ls ? lambdaLS * ls[j] : 0);
  const exact = opts.quantiles === 'exact';
  const bins = opts.bins ?? defaultBins(region.n, v.n);
  const kernels = exact ? null : createKernels(problem, h, opts, bins);
  const w = kernels ? kernels.w : region.u.slice();
  const tables = new QuantileTables(bins, K);
  const grad = exact ? new Float64Array(3 * stride) : null;
  // The TV prox runs in the kernels; exact mode (no kernels) uses the TypeScript one.
  const tv = lambdaR > 0 && exact ? new TvProx(region) : null;
  const tvIterations = opts.tvIterations ?? 2;
  const dirs = new Float64Array(3 * K);
  const rng = createRng(opts.seed);
  const wColors = regionColors(region, w);
  const wBox = boundingBox(wColors);
  const vBox = boundingBox(v);
  const invD = new Float64Array(5);
  const groups = Math.ceil(n / 4);
  const step = Math.max(1, Math.floor(groups / ((opts.sampleLimit ?? 131072) / 4)));
  let sampled = 0;
  const pacer = createPacer(opts.signal);
  timing.setupMs += performance.now() - t0;

  try {
    for (let it = 0; it < opts.iterations; it++) {
      const ta = performance.now();
      if (opts.fixedDirections) dirs.set(opts.fixedDirections.subarray(0, 3 * K));
      else randomDirections(rng, K, dirs);
      const L = lambdaS * directionSpread(dirs, K) + lambdaL;
      const tau = opts.step / L;
      for (let c = 0; c <= 4; c++) invD[c] = 1 / (1 + tau * (lambdaL + lambdaB * c));
      let tb = ta;
      let tc = ta;
      if (kernels) {
        tables.setRanges(dirs, K, wBox, vBox);
        kernels.setDirections(dirs, K, tables);
        const phase = step > 1 ? Math.floor(rng.next() * step) : 0;
        sampled = await kernels.count(step, phase);
        tb = performance.now();
        const scale = (tau * lambdaS) / K;
        for (let k = 0; k < K; k++)
          tables.tabulate(k, kernels.histW, sampled, kernels.histV, v.n, scale, kernels.table);
        tc = performance.now();
        await kernels.update(tau, tau * lambdaL, tau * lambdaB, wBox);
      } else {
        grad!.fill(0);
        if (lambdaS > 0) addExactSwGradient(wColors, v, dirs, K, tau * lambdaS, grad!);
        tb = tc = performance.now();
        for (let c = 0; c < 3; c++)
          for (let k = 0; k < n; k++) {
            const j = c * stride + k;
            w[j] = (w[j] - grad![j] + tau * h[j]) * invD[region.outCount[k]];
          }
        sampled = n;
      }
      const td = performance.now();
      if (kernels) {
        if (lambdaR > 0)
          await kernels.tvProx(tau * lambdaR, tau * lambdaL, tau * lambdaB, tvIterations, wBox);
      } else {
        tv?.apply(w, tau * lambdaR, invD, tvIterations);
        boundingBox(wColors, wBox);
      }
      const te = performance.now();
      opts.onIteration?.(it, w);
      await pacer.tick();
      timing.countMs += tb - ta;
      timing.tableMs += tc - tb;
      timing.updateMs += td - tc;
      timing.tvMs += te - td;
      timing.callbackMs += performance.now() - te;
    }
    return {
      w: w.slice(0, 3 * stride),
      kernels: kernels ? kernels.kind : 'exact',
      threads: kernels ? kernels.threads : 1,
      sampled,
    };
  } finally {
    await kernels?.close();
  }
}
