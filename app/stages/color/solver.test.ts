import { describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors';
import { resolveParams } from '../../common/params';
import { srgbToLab } from './colorSpace';
import { createProblem, regionColors } from './energy';
import { COLOR_PARAMS } from './params';
import { chooseReference, referenceSamples } from './reference';
import { buildRegion } from './region';
import { createRng, randomDirections } from './rng';
import { exactSwSquared } from './slicedWasserstein';
import { solveRabinPeyre, type SolverOptions } from './solver';
import { totalVariation } from './tvProx';
import { colorStage } from './stage';
import { defectInHole, testContext, texturedImage } from '../../testing/colorScenes';
import { rectMask } from '../../testing/masks';

const W = 64;
const H = 48;
const truth = texturedImage(W, H, 7, 5.3); // stationary: the ring sees the hole's distribution
const mask = rectMask(W, H, 22, 14, 46, 34);
const input = defectInHole(truth, mask, [0.1, -0.06, 0.05], 0.35);

function problem() {
  const region = buildRegion(input, mask, 'lab');
  const ref = chooseReference(mask, null, undefined, 8);
  return createProblem(region, referenceSamples(input, ref.pixels, 'lab', createRng(1)));
}

const defaults: Omit<SolverOptions, 'seed'> = {
  weights: { lambdaL: 0.01, lambdaLS: 0.005, lambdaR: 0, lambdaS: 1, lambdaB: 0.1 },
  directions: 10,
  iterations: 200,
  step: 1,
};

/** Mean CIELab colour of the hole minus that of the truth's hole. */
function meanShift(img: typeof input): number[] {
  const n = W * H;
  const lab = new Float64Array(3);
  const s = [0, 0, 0];
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (!mask.data[i]) continue;
    srgbToLab(img.data[i], img.data[n + i], img.data[2 * n + i], lab, 0);
    const t = new Float64Array(3);
    srgbToLab(truth.data[i], truth.data[n + i], truth.data[2 * n + i], t, 0);
    for (let j = 0; j < 3; j++) s[j] += lab[j] - t[j];
    c++;
  }
  return s.map((x) => x / c);
}

/** Mean CIELab jump between hole pixels on the edge and their untouched 4-neighbours. */
function edgeJump(img: typeof input): number {
  const n = W * H;
  const a = new Float64Array(3);
  const b = new Float64Array(3);
  let s = 0;
  let c = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!mask.data[i]) continue;
      for (const j of [i - 1, i + 1, i - W, i + W]) {
        if (mask.data[j]) continue;
        srgbToLab(img.data[i], img.data[n + i], img.data[2 * n + i], a, 0);
        srgbToLab(img.data[j], img.data[n + j], img.data[2 * n + j], b, 0);
        s += Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
        c++;
      }
    }
  return s / c;
}

/** The stage with the solver's result as it is (no smoothing of the change, no seam correction). */
async function stage(params: Record<string, unknown>, seed = 1) {
  return (
    await colorStage.run(
      { image: input, original: input, mask, artifacts: {} },
      resolveParams(COLOR_PARAMS, { changeSmoothing: 0, seamWidth: 0, ...params }),
      testContext(seed),
    )
  ).image;
}

describe('Rabin–Peyré solver', () => {
  it('λ_S = 0 leaves the colour shift (report, Figure 14); λ_S = 1 removes most of it', async () => {
    const before = Math.hypot(...meanShift(input));
    expect(before).toBeGreaterThan(5);
    const without = Math.hypot(...meanShift(await stage({ lambdaS: 0 })));
    const withSw = Math.hypot(...meanShift(await stage({})));
    expect(without).toBeGreaterThan(0.8 * before);
    expect(withSw).toBeLessThan(0.3 * before);
  });

  it('moves the region’s colour distribution to the reference: the SW distance drops by at least 80%', async () => {
    const p = problem();
    const K = 48;
    const dirs = new Float64Array(3 * K);
    randomDirections(createRng(99), K, dirs);
    const before = Math.sqrt(exactSwSquared(regionColors(p.region, p.region.u), p.v, dirs, K));
    const { w } = await solveRabinPeyre(p, { ...defaults, seed: 3 });
    const after = Math.sqrt(exactSwSquared(regionColors(p.region, w), p.v, dirs, K));
    expect(after).toBeLessThan(0.2 * before);
  });

  it('the border term lowers the mean jump across the hole’s edge', async () => {
    const off = edgeJump(await stage({ lambdaB: 0 }));
    const on = edgeJump(await stage({ lambdaB: 1 }));
    expect(on).toBeLessThan(0.8 * off);
  });

  it('is deterministic for a seed, whatever the kernels’ thread count', async () => {
    const p = problem();
    const a = await solveRabinPeyre(p, { ...defaults, iterations: 30, seed: 5, threads: 1 });
    const b = await solveRabinPeyre(p, { ...defaults, iterations: 30, seed: 5, threads: 2 });
    const c = await solveRabinPeyre(p, { ...defaults, iterations: 30, seed: 6, threads: 1 });
    expect(a.kernels).toBe('wasm-simd');
    expect(b.threads).toBe(2);
    expect(b.w).toEqual(a.w);
    expect(c.w).not.toEqual(a.w);
  });

  it('with λ_R > 0 runs the TV prox in the WebAssembly kernels, in step with the TypeScript ones', async () => {
    const p = problem();
    const weights = { ...defaults.weights, lambdaR: 0.3 };
    // a few iterations: later, a pixel on a bin's edge (float32 against double) may land in the next bin
    // and the two runs drift apart by up to a unit, λ_R or not
    const opts = { ...defaults, weights, iterations: 5, seed: 4 };
    const wasm = await solveRabinPeyre(p, { ...opts, kernels: 'wasm', threads: 2 });
    const js = await solveRabinPeyre(p, { ...opts, kernels: 'js' });
    expect(wasm.kernels).toBe('wasm-simd');
    let worst = 0;
    for (let j = 0; j < wasm.w.length; j++) worst = Math.max(worst, Math.abs(wasm.w[j] - js.w[j]));
    expect(worst).toBeLessThan(5e-3);
    // and it flattens the region
    const longer = { ...opts, iterations: 40, kernels: 'wasm' as const };
    const tv = await solveRabinPeyre(p, longer);
    const flat = await solveRabinPeyre(p, { ...longer, weights: defaults.weights });
    expect(totalVariation(p.region, tv.w)).toBeLessThan(0.95 * totalVariation(p.region, flat.w));
  });

  it('stops with CANCELLED between iterations', async () => {
    const ac = new AbortController();
    let seen = 0;
    const run = solveRabinPeyre(problem(), {
      ...defaults,
      seed: 1,
      signal: ac.signal,
      onIteration: (it) => {
        seen = it;
        if (it === 3) ac.abort();
      },
    });
    await expect(run).rejects.toSatisfy((e: unknown) => e instanceof StudioError && e.code === 'CANCELLED');
    expect(seen).toBe(3);
  });
});
