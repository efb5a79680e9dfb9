import { describe, expect, it } from 'vitest';
import { buildRegion } from './region';
import { createRng } from './rng';
import { texturedImage } from '../../testing/colorScenes';
import { rectMask } from '../../testing/masks';
import { regionGradient, regionGradientAdjoint, totalVariation, TvProx } from './tvProx';

function scene() {
  const image = texturedImage(24, 20, 3);
  const mask = rectMask(24, 20, 4, 3, 19, 16);
  mask.data[3 * 24 + 19] = 1; // a pixel sticking out: a neighbour pair leaves the rectangle
  return buildRegion(image, mask, 'lab');
}

describe('region-grid gradient and TV prox', () => {
  it('gradient and adjoint are adjoint: ⟨∇w, p⟩ = ⟨w, ∇ᵀp⟩', () => {
    const region = scene();
    const rng = createRng(5);
    const w = new Float64Array(3 * region.stride);
    for (let c = 0; c < 3; c++) for (let k = 0; k < region.n; k++) w[c * region.stride + k] = rng.normal();
    const p = Float64Array.from({ length: 6 * region.n }, () => rng.normal());
    const g = new Float64Array(6 * region.n);
    regionGradient(region, w, g);
    const a = new Float64Array(3 * region.stride);
    regionGradientAdjoint(region, p, a);
    let lhs = 0;
    let rhs = 0;
    for (let j = 0; j < g.length; j++) lhs += g[j] * p[j];
    for (let j = 0; j < a.length; j++) rhs += w[j] * a[j];
    expect(lhs).toBeCloseTo(rhs, 9);
  });

  it('the prox result beats nearby points on ½Σ D‖x − z‖² + t TV(x), and t = 0 changes nothing', () => {
    const region = scene();
    const { n, stride: s } = region;
    const invD = Float64Array.from([1, 0.8, 0.6, 0.5, 0.4]);
    const t = 2;
    const z = region.u.slice();
    const objective = (x: Float32Array) => {
      let q = 0;
      for (let k = 0; k < n; k++) {
        const d = 1 / invD[region.outCount[k]];
        for (let c = 0; c < 3; c++) q += (d / 2) * (x[c * s + k] - z[c * s + k]) ** 2;
      }
      return q + t * totalVariation(region, x);
    };
    const x = z.slice();
    new TvProx(region).apply(x, t, invD, 400);
    const best = objective(x);
    expect(best).toBeLessThan(objective(z));
    const rng = createRng(9);
    for (let trial = 0; trial < 20; trial++) {
      const y = x.slice();
      for (let k = 0; k < n; k++) for (let c = 0; c < 3; c++) y[c * s + k] += 0.05 * rng.normal();
      expect(objective(y)).toBeGreaterThan(best - 1e-3);
    }
    const same = z.slice();
    new TvProx(region).apply(same, 0, invD, 5);
    expect(same).toEqual(z);
  });
});
