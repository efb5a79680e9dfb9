import { describe, expect, it } from 'vitest';
import {
  addBorderGradient,
  addFidelityGradient,
  addTvGradient,
  createProblem,
  energyTerms,
  orientationAdjoint,
  regionColors,
  type ColorProblem,
  type Weights,
} from './energy';
import { chooseReference, referenceSamples } from './reference';
import { buildRegion } from './region';
import { createRng, randomDirections } from './rng';
import { addExactSwGradient } from './slicedWasserstein';
import { solveRabinPeyre } from './solver';
import { defectInHole, texturedImage } from '../../testing/colorScenes';
import { rectMask } from '../../testing/masks';

/** A 20x16 image with an irregular hole (a rectangle and a notch), its ring reference, and a perturbed w. */
function setup(seed = 2): { problem: ColorProblem; w: Float32Array } {
  const truth = texturedImage(20, 16, seed);
  const mask = rectMask(20, 16, 5, 4, 15, 12);
  mask.data[3 * 20 + 8] = 1;
  mask.data[7 * 20 + 4] = 1;
  const image = defectInHole(truth, mask, [0.05, -0.03, 0.02]);
  const region = buildRegion(image, mask, 'lab');
  const ref = chooseReference(mask, null, undefined, 3);
  const problem = createProblem(region, referenceSamples(image, ref.pixels, 'lab', createRng(1)));
  const rng = createRng(seed + 10);
  const w = region.u.slice();
  for (let c = 0; c < 3; c++) for (let k = 0; k < region.n; k++) w[c * region.stride + k] += 3 * rng.normal();
  return { problem, w };
}

const only = (term: keyof Weights, value: number): Weights => ({
  lambdaL: 0,
  lambdaLS: 0,
  lambdaR: 0,
  lambdaS: 0,
  lambdaB: 0,
  [term]: value,
});

/** Central differences of one term's energy at a few coordinates, against the given gradient. */
function checkGradient(
  problem: ColorProblem,
  w: Float32Array,
  weights: Weights,
  grad: Float64Array,
  dirs: Float64Array,
  K: number,
): void {
  const { n, stride } = problem.region;
  const rng = createRng(77);
  for (let trial = 0; trial < 12; trial++) {
    const k = Math.floor(rng.next() * n);
    const c = Math.floor(rng.next() * 3);
    const j = c * stride + k;
    const x0 = w[j];
    const plus = w.slice();
    const minus = w.slice();
    // small enough that no two projections swap ranks in between (SW² is piecewise quadratic)
    plus[j] = x0 + 2e-4;
    minus[j] = x0 - 2e-4;
    const delta = plus[j] - minus[j]; // what float32 could hold
    const fd =
      (energyTerms(problem, plus, weights, dirs, K).total -
        energyTerms(problem, minus, weights, dirs, K).total) /
      delta;
    expect(Math.abs(fd - grad[j])).toBeLessThan(1e-4 * Math.max(1, Math.abs(grad[j])));
  }
}

describe('gradients of the energy terms match finite differences', () => {
  const K = 6;
  const dirs = new Float64Array(3 * K);
  randomDirections(createRng(4), K, dirs);

  it('fidelity λ_L/2 ‖w − u‖²', () => {
    const { problem, w } = setup();
    const grad = new Float64Array(3 * problem.region.stride);
    addFidelityGradient(problem.region, w, 0.7, grad);
    checkGradient(problem, w, only('lambdaL', 0.7), grad, dirs, K);
  });

  it('gradient orientation −λ_LS Σ⟨∇w, ∇u/‖∇u‖⟩ (a constant gradient)', () => {
    const { problem, w } = setup();
    const a = orientationAdjoint(problem);
    const grad = Float64Array.from(a, (x) => -0.3 * x);
    checkGradient(problem, w, only('lambdaLS', 0.3), grad, dirs, K);
  });

  it('total variation λ_R TV(w), where differentiable', () => {
    const { problem, w } = setup();
    const grad = new Float64Array(3 * problem.region.stride);
    addTvGradient(problem.region, w, 0.4, grad);
    checkGradient(problem, w, only('lambdaR', 0.4), grad, dirs, K);
  });

  it('sliced Wasserstein λ_S/2 SW²([w], [v]) through sorted projections (n ≠ m)', () => {
    const { problem, w } = setup();
    expect(problem.v.n).not.toBe(problem.region.n);
    const grad = new Float64Array(3 * problem.region.stride);
    addExactSwGradient(regionColors(problem.region, w), problem.v, dirs, K, 1.5, grad);
    checkGradient(problem, w, only('lambdaS', 1.5), grad, dirs, K);
  });

  it('border λ_B/2 Σ ‖w_i − o_j‖²', () => {
    const { problem, w } = setup();
    const grad = new Float64Array(3 * problem.region.stride);
    addBorderGradient(problem.region, w, 0.9, grad);
    checkGradient(problem, w, only('lambdaB', 0.9), grad, dirs, K);
  });
});

describe('proximal gradient descent', () => {
  const K = 5;
  const dirs = new Float64Array(3 * K);
  randomDirections(createRng(8), K, dirs);

  it.each([
    ['without TV', { lambdaL: 0.01, lambdaLS: 0.005, lambdaR: 0, lambdaS: 1, lambdaB: 0.1 }, 1e-7],
    ['with TV', { lambdaL: 0.05, lambdaLS: 0.01, lambdaR: 0.2, lambdaS: 1, lambdaB: 0.3 }, 1e-5],
  ])('never increases the energy for a fixed set of directions (%s)', async (_, weights, tol) => {
    const { problem } = setup(3);
    const energies: number[] = [energyTerms(problem, problem.region.u, weights, dirs, K).total];
    await solveRabinPeyre(problem, {
      weights,
      directions: K,
      iterations: 25,
      step: 1,
      seed: 1,
      quantiles: 'exact',
      fixedDirections: dirs,
      tvIterations: 150,
      onIteration: (_it, w) => energies.push(energyTerms(problem, w, weights, dirs, K).total),
    });
    for (let i = 1; i < energies.length; i++)
      expect(energies[i]).toBeLessThanOrEqual(energies[i - 1] + tol * Math.abs(energies[i - 1]));
    expect(energies.at(-1)!).toBeLessThan(0.5 * energies[0]);
  });
});
