/**
 * The colour stage's baselines, for comparison and as fast previews, on the same region and reference:
 * - Reinhard et al., "Color Transfer between Images" (2001): per channel of the working space (CIELab by
 *   default), the region's mean and standard deviation are replaced by the reference's;
 * - Pitié, Kokaram and Dahyot, "N-dimensional probability density function transfer" (2005): iterative
 *   distribution transfer. Each iteration draws a random orthonormal basis of colour space and moves
 *   every pixel along the three axes by the 1-D optimal transport (quantile matching) of the region's
 *   projections to the reference's; no regularisation. It runs on the solver's kernels (kernels.ts), with
 *   step 1, no fidelity and the three orthogonal directions.
 */
import type { ColorProblem } from './energy';
import { regionColors } from './energy';
import { createPacer } from './pacer';
import { createRng, randomRotation } from './rng';
import { selectKernels, type KernelChoice } from './selectKernels';
import { boundingBox, defaultBins, QuantileTables, type Colors } from './slicedWasserstein';
import type { SolverResult, SolverTiming } from './solver';

function meanStd(x: Colors, c: number): [number, number] {
  const o = c * x.stride;
  let s = 0;
  for (let i = 0; i < x.n; i++) s += x.data[o + i];
  const mean = s / x.n;
  let q = 0;
  for (let i = 0; i < x.n; i++) q += (x.data[o + i] - mean) ** 2;
  return [mean, Math.sqrt(q / x.n)];
}

/**
 * Reinhard transfer of the region (planar, region.stride): w = (u − μ_u) σ_v / σ_u + μ_v per channel.
 * A channel with no spread in the region is only shifted.
 */
export function reinhard(problem: ColorProblem): Float32Array {
  const { region, v } = problem;
  const u = regionColors(region, region.u);
  const w = new Float32Array(3 * region.stride);
  for (let c = 0; c < 3; c++) {
    const [mu, su] = meanStd(u, c);
    const [mv, sv] = meanStd(v, c);
    const gain = su > 1e-6 ? sv / su : 1;
    const o = c * region.stride;
    for (let i = 0; i < region.n; i++) w[o + i] = (region.u[o + i] - mu) * gain + mv;
  }
  return w;
}

export interface PitieOptions extends KernelChoice {
  iterations: number;
  seed: number;
  signal?: AbortSignal;
  bins?: number;
  sampleLimit?: number;
  onIteration?: (iteration: number, w: Float32Array) => void;
  timing?: SolverTiming;
}

/**
 * Pitié's iterative distribution transfer of the region towards v.
 * @throws StudioError CANCELLED when the signal fires (checked between iterations).
 */
export async function pitie(problem: ColorProblem, opts: PitieOptions): Promise<SolverResult> {
  const { region, v } = problem;
  const { n } = region;
  const K = 3;
  const bins = opts.bins ?? defaultBins(region.n, v.n);
  const kernels = selectKernels(
    {
      u: regionColors(region, region.u),
      h: new Float32Array(3 * region.stride),
      outCount: new Uint8Array(n),
      v,
      K,
      bins,
    },
    opts,
  );
  const tables = new QuantileTables(bins, K);
  const dirs = new Float64Array(3 * K);
  const rng = createRng(opts.seed);
  const wBox = boundingBox(regionColors(region, kernels.w));
  const vBox = boundingBox(v);
  const step = Math.max(1, Math.floor(Math.ceil(n / 4) / ((opts.sampleLimit ?? 131072) / 4)));
  const pacer = createPacer(opts.signal);
  let sampled = n;
  try {
    for (let it = 0; it < opts.iterations; it++) {
      const ta = performance.now();
      randomRotation(rng, dirs);
      tables.setRanges(dirs, K, wBox, vBox);
      kernels.setDirections(dirs, K, tables);
      sampled = await kernels.count(step, step > 1 ? Math.floor(rng.next() * step) : 0);
      const tb = performance.now();
      // Full transport along each of the three orthogonal axes: scale 1.
      for (let k = 0; k < K; k++)
        tables.tabulate(k, kernels.histW, sampled, kernels.histV, v.n, 1, kernels.table);
      const tc = performance.now();
      await kernels.update(0, 0, 0, wBox);
      const td = performance.now();
      opts.onIteration?.(it, kernels.w);
      await pacer.tick();
      if (opts.timing) {
        opts.timing.countMs += tb - ta;
        opts.timing.tableMs += tc - tb;
        opts.timing.updateMs += td - tc;
        opts.timing.callbackMs += performance.now() - td;
      }
    }
    return { w: kernels.w.slice(), kernels: kernels.kind, threads: kernels.threads, sampled };
  } finally {
    await kernels.close();
  }
}
