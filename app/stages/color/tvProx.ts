/**
 * Total variation on the region's grid and its proximal operator.
 *
 * The gradient ∇w of a region pixel is the forward difference to its right and lower neighbours when they
 * are in the hole (0 otherwise: the hole's edge is a Neumann boundary; the border term couples it to the
 * outside). Per pixel it is a 3x2 matrix (colour channel x direction), stored as 6 values
 * [dx0, dx1, dx2, dy0, dy1, dy2] (interleaved, 6n); colours are planar (region.stride). TV is isotropic
 * in space and colour: Σ_i ‖∇w_i‖ (Frobenius norm).
 *
 * The prox solves, for the step τ of the outer solver, the weighted ROF problem
 *   argmin_x Σ_i D_i/2 ‖x_i − z_i‖² + t TV(x),   D_i >= 1, t = τ λ_R
 * (D carries the fidelity and border terms, which the solver puts into the prox too) by the fast
 * gradient projection of Beck and Teboulle (2009) on Chambolle's dual (2004):
 *   x(p) = z − t D⁻¹ ∇ᵀp,   p ← Π_{‖p_i‖<=1}(p + ∇x(p) / (8t)),
 * step 1/(8t) because ‖∇‖² <= 8 on a 4-neighbour grid and D⁻¹ <= 1. The dual variable is kept between
 * calls (warm start), so a few inner iterations per outer iteration suffice.
 */
import type { Region } from './region';

/** ∇w on the region grid: out (6n) as described in the file comment. */
export function regionGradient(
  region: Region,
  w: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
): void {
  const { n, stride: s, right, down } = region;
  for (let k = 0; k < n; k++) {
    const q = 6 * k;
    const r = right[k];
    const d = down[k];
    for (let c = 0; c < 3; c++) {
      const o = c * s;
      out[q + c] = r >= 0 ? w[o + r] - w[o + k] : 0;
      out[q + 3 + c] = d >= 0 ? w[o + d] - w[o + k] : 0;
    }
  }
}

/** ∇ᵀp (the adjoint of regionGradient; −div p): out (planar, 3 * stride) is overwritten. */
export function regionGradientAdjoint(
  region: Region,
  p: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
): void {
  const { n, stride: s, right, down } = region;
  out.fill(0, 0, 3 * s);
  for (let k = 0; k < n; k++) {
    const q = 6 * k;
    const r = right[k];
    const d = down[k];
    for (let c = 0; c < 3; c++) {
      const o = c * s;
      if (r >= 0) {
        out[o + k] -= p[q + c];
        out[o + r] += p[q + c];
      }
      if (d >= 0) {
        out[o + k] -= p[q + 3 + c];
        out[o + d] += p[q + 3 + c];
      }
    }
  }
}

/** TV(w) = Σ_i ‖∇w_i‖ (Frobenius) over the region grid. */
export function totalVariation(region: Region, w: Float32Array | Float64Array): number {
  const { n, stride: s, right, down } = region;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const r = right[k];
    const d = down[k];
    let q = 0;
    for (let c = 0; c < 3; c++) {
      const o = c * s;
      if (r >= 0) q += (w[o + r] - w[o + k]) ** 2;
      if (d >= 0) q += (w[o + d] - w[o + k]) ** 2;
    }
    sum += Math.sqrt(q);
  }
  return sum;
}

/** What the TV prox needs of a region: its size, neighbours and outside-neighbour counts. */
export type TvGrid = Pick<Region, 'n' | 'stride' | 'right' | 'down' | 'outCount'>;

/** FGP momentum after each of `iterations` dual steps (Beck and Teboulle's t_k sequence from t_1 = 1). */
export function fgpMomenta(iterations: number): number[] {
  const out: number[] = [];
  let tk = 1;
  for (let it = 0; it < iterations; it++) {
    const tNext = (1 + Math.sqrt(1 + 4 * tk * tk)) / 2;
    out.push((tk - 1) / tNext);
    tk = tNext;
  }
  return out;
}

/**
 * The weighted TV prox with its dual variable and scratch buffers (allocated once per run). Its loops are
 * written out on Float32Arrays (the generic functions above are for the energy and the tests). This is
 * the reference the WebAssembly version (wasm/kernelModule.ts, tvPrimal and tvDual) is tested against.
 */
export class TvProx {
  private readonly region: TvGrid;
  /** Dual variable (6n), kept between calls. */
  readonly p: Float32Array;
  private readonly pPrev: Float32Array;
  private readonly r: Float32Array;
  private readonly x: Float32Array;

  constructor(region: TvGrid) {
    this.region = region;
    const n = region.n;
    this.p = new Float32Array(6 * n);
    this.pPrev = new Float32Array(6 * n);
    this.r = new Float32Array(6 * n);
    this.x = new Float32Array(3 * region.stride);
  }

  /** x = z − t D⁻¹ ∇ᵀ dual. */
  private primal(z: Float32Array, dual: Float32Array, t: number, invD: Float64Array): void {
    const { n, stride: s, right, down, outCount } = this.region;
    const x = this.x;
    x.fill(0);
    for (let k = 0; k < n; k++) {
      const q = 6 * k;
      const r = right[k];
      const d = down[k];
      if (r >= 0) {
        x[k] -= dual[q];
        x[r] += dual[q];
        x[s + k] -= dual[q + 1];
        x[s + r] += dual[q + 1];
        x[2 * s + k] -= dual[q + 2];
        x[2 * s + r] += dual[q + 2];
      }
      if (d >= 0) {
        x[k] -= dual[q + 3];
        x[d] += dual[q + 3];
        x[s + k] -= dual[q + 4];
        x[s + d] += dual[q + 4];
        x[2 * s + k] -= dual[q + 5];
        x[2 * s + d] += dual[q + 5];
      }
    }
    for (let k = 0; k < n; k++) {
      const f = t * invD[outCount[k]];
      x[k] = z[k] - f * x[k];
      x[s + k] = z[s + k] - f * x[s + k];
      x[2 * s + k] = z[2 * s + k] - f * x[2 * s + k];
    }
  }

  /**
   * Replaces z (planar, 3 * stride) by argmin_x Σ D_i/2 ‖x_i − z_i‖² + t TV(x), D_i = 1 / invD[outCount_i],
   * with `iterations` (>= 1) FGP steps from the kept dual variable. t >= 0 (t = 0 leaves z as it is).
   */
  apply(z: Float32Array, t: number, invD: Float64Array, iterations: number): void {
    if (!(t > 0)) return;
    const { n, stride: s, right, down } = this.region;
    const { p, pPrev, r, x } = this;
    const step = 1 / (8 * t);
    r.set(p);
    const momenta = fgpMomenta(iterations);
    for (let it = 0; it < iterations; it++) {
      this.primal(z, r, t, invD);
      pPrev.set(p);
      // p = Π(r + ∇x / (8t)), per pixel onto the unit Frobenius ball
      for (let k = 0; k < n; k++) {
        const q = 6 * k;
        const rr = right[k];
        const dd = down[k];
        let a0 = r[q],
          a1 = r[q + 1],
          a2 = r[q + 2],
          b0 = r[q + 3],
          b1 = r[q + 4],
          b2 = r[q + 5];
        if (rr >= 0) {
          a0 += step * (x[rr] - x[k]);
          a1 += step * (x[s + rr] - x[s + k]);
          a2 += step * (x[2 * s + rr] - x[2 * s + k]);
        }
        if (dd >= 0) {
          b0 += step * (x[dd] - x[k]);
          b1 += step * (x[s + dd] - x[s + k]);
          b2 += step * (x[2 * s + dd] - x[2 * s + k]);
        }
        const norm2 = a0 * a0 + a1 * a1 + a2 * a2 + b0 * b0 + b1 * b1 + b2 * b2;
        const f = norm2 > 1 ? 1 / Math.sqrt(norm2) : 1;
        p[q] = a0 * f;
        p[q + 1] = a1 * f;
        p[q + 2] = a2 * f;
        p[q + 3] = b0 * f;
        p[q + 4] = b1 * f;
        p[q + 5] = b2 * f;
      }
      const mom = momenta[it];
      for (let j = 0; j < 6 * n; j++) r[j] = p[j] + mom * (p[j] - pPrev[j]);
    }
    this.primal(z, p, t, invD);
    for (let c = 0; c < 3; c++) z.set(x.subarray(c * s, c * s + n), c * s);
  }
}
