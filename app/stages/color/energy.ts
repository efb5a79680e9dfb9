/**
 * The Rabin–Peyré colour energy over the region's pixels w (working units, planar with region.stride):
 *
 *   E(w) = Σ_i λ_L/2 ‖w_i − u_i‖²                      fidelity to the current image u
 *        − λ_LS Σ_i ⟨∇w_i, ∇u_i / ‖∇u_i‖⟩              keep u's gradient orientations
 *        + λ_R TV(w)                                    isotropic total variation (tvProx.ts)
 *        + λ_S/2 SW²([w], [v])                          colour distribution of the reference v
 *        + λ_B/2 Σ_{i on the edge} Σ_{j ∉ hole, j ~ i} ‖w_i − o_j‖²   continuity with the untouched o
 *
 * ∇ is the region grid's gradient (tvProx.ts); the orientation field is normalised per pixel over its
 * 3x2 matrix (0 where ‖∇u_i‖ < 1e-6); SW² is defined in slicedWasserstein.ts. The value and each term's
 * gradient are here for the tests, the solver's constants and the stage's report.
 */
import type { Region } from './region';
import { exactSwSquared, type Colors } from './slicedWasserstein';
import { regionGradient, regionGradientAdjoint, totalVariation } from './tvProx';

export interface Weights {
  /** Fidelity λ_L, 1/unit². */
  lambdaL: number;
  /** Gradient orientation λ_LS, 1/unit. */
  lambdaLS: number;
  /** Total variation λ_R, 1/unit. */
  lambdaR: number;
  /** Sliced Wasserstein λ_S, 1/unit². */
  lambdaS: number;
  /** Border continuity λ_B, 1/unit². */
  lambdaB: number;
}

/** A colour problem: the region, the reference samples v (working units) and u's orientation field. */
export interface ColorProblem {
  region: Region;
  v: Colors;
  /** ∇u_i / ‖∇u_i‖ (6n). */
  orientation: Float32Array;
}

/** The region's colours w as a Colors view. */
export function regionColors(region: Region, w: Float32Array): Colors {
  return { n: region.n, stride: region.stride, data: w };
}

/** ∇u / ‖∇u‖ per pixel (6n), 0 where the gradient vanishes. */
export function orientationField(region: Region): Float32Array {
  const g = new Float32Array(6 * region.n);
  regionGradient(region, region.u, g);
  for (let k = 0; k < region.n; k++) {
    const q = 6 * k;
    let s = 0;
    for (let j = 0; j < 6; j++) s += g[q + j] * g[q + j];
    const norm = Math.sqrt(s);
    const f = norm > 1e-6 ? 1 / norm : 0;
    for (let j = 0; j < 6; j++) g[q + j] *= f;
  }
  return g;
}

export function createProblem(region: Region, v: Colors): ColorProblem {
  return { region, v, orientation: orientationField(region) };
}

export interface EnergyTerms {
  fidelity: number;
  orientation: number;
  tv: number;
  sw: number;
  border: number;
  total: number;
}

/**
 * Each term of E(w) (already multiplied by its λ) and their sum, with the exact SW² over the K
 * directions in dirs.
 */
export function energyTerms(
  problem: ColorProblem,
  w: Float32Array,
  weights: Weights,
  dirs: Float64Array,
  K: number,
): EnergyTerms {
  const { region, v, orientation } = problem;
  const { n, stride: s, u, outCount, outSum, outSq } = region;
  let fid = 0;
  let border = 0;
  for (let k = 0; k < n; k++) {
    let ww = 0;
    let ws = 0;
    for (let c = 0; c < 3; c++) {
      const x = w[c * s + k];
      const d = x - u[c * s + k];
      fid += d * d;
      ww += x * x;
      ws += x * outSum[c * s + k];
    }
    if (outCount[k]) border += outCount[k] * ww - 2 * ws + outSq[k];
  }
  const g = new Float64Array(6 * n);
  regionGradient(region, w, g);
  let dot = 0;
  for (let j = 0; j < 6 * n; j++) dot += g[j] * orientation[j];
  const t = {
    fidelity: (weights.lambdaL / 2) * fid,
    orientation: -weights.lambdaLS * dot,
    tv: weights.lambdaR > 0 ? weights.lambdaR * totalVariation(region, w) : 0,
    sw: weights.lambdaS > 0 ? (weights.lambdaS / 2) * exactSwSquared(regionColors(region, w), v, dirs, K) : 0,
    border: (weights.lambdaB / 2) * border,
  };
  return { ...t, total: t.fidelity + t.orientation + t.tv + t.sw + t.border };
}

/** ∂/∂w of the fidelity term, added to grad (planar): λ_L (w − u). */
export function addFidelityGradient(
  region: Region,
  w: Float32Array,
  lambdaL: number,
  grad: Float64Array,
): void {
  const s = region.stride;
  for (let c = 0; c < 3; c++)
    for (let k = 0; k < region.n; k++) grad[c * s + k] += lambdaL * (w[c * s + k] - region.u[c * s + k]);
}

/**
 * ∇ᵀ of the orientation field (planar, 3 * stride): the orientation term's gradient is −λ_LS times this,
 * a constant (the term is linear in w).
 */
export function orientationAdjoint(problem: ColorProblem): Float32Array {
  const out = new Float32Array(3 * problem.region.stride);
  regionGradientAdjoint(problem.region, problem.orientation, out);
  return out;
}

/** ∂/∂w of the border term, added to grad (planar): λ_B (c_i w_i − Σ_j o_j), c_i outside neighbours. */
export function addBorderGradient(
  region: Region,
  w: Float32Array,
  lambdaB: number,
  grad: Float64Array,
): void {
  const { n, stride: s, outCount, outSum } = region;
  for (let k = 0; k < n; k++) {
    const cnt = outCount[k];
    if (!cnt) continue;
    for (let c = 0; c < 3; c++) grad[c * s + k] += lambdaB * (cnt * w[c * s + k] - outSum[c * s + k]);
  }
}

/** ∂/∂w of λ_R TV where it is differentiable (every ‖∇w_i‖ > 0), added to grad: λ_R ∇ᵀ(∇w/‖∇w‖). */
export function addTvGradient(region: Region, w: Float32Array, lambdaR: number, grad: Float64Array): void {
  const g = new Float64Array(6 * region.n);
  regionGradient(region, w, g);
  for (let k = 0; k < region.n; k++) {
    const q = 6 * k;
    let s = 0;
    for (let j = 0; j < 6; j++) s += g[q + j] * g[q + j];
    const f = s > 0 ? lambdaR / Math.sqrt(s) : 0;
    for (let j = 0; j < 6; j++) g[q + j] *= f;
  }
  const a = new Float64Array(3 * region.stride);
  regionGradientAdjoint(region, g, a);
  for (let j = 0; j < a.length; j++) grad[j] += a[j];
}
