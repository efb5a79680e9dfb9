/**
 * Seeded random numbers for the colour stage (directions, rotations, reference subsampling), so a run is
 * deterministic for a given seed. mulberry32: 32-bit state, fast, good enough for drawing directions.
 */
import { mulberry32 } from '../../common/random';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed ^ 0x9e3779b9);
  return {
    next,
    normal() {
      const u = 1 - next(); // (0, 1]: log is finite
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}

/**
 * Fills out[0..3k) with k directions drawn uniformly on the unit sphere of colour space (normalised
 * Gaussian vectors).
 */
export function randomDirections(rng: Rng, k: number, out: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let x = 0;
    let y = 0;
    let z = 0;
    let n = 0;
    while (n < 1e-12) {
      x = rng.normal();
      y = rng.normal();
      z = rng.normal();
      n = Math.hypot(x, y, z);
    }
    out[3 * i] = x / n;
    out[3 * i + 1] = y / n;
    out[3 * i + 2] = z / n;
  }
}

/**
 * Fills out[0..9) with a random orthonormal basis of colour space (three directions, Gram–Schmidt on
 * Gaussian vectors): a uniformly random rotation up to the handedness, as Pitié's method draws them.
 */
export function randomRotation(rng: Rng, out: Float64Array): void {
  randomDirections(rng, 1, out);
  for (let k = 1; k < 3; k++) {
    for (;;) {
      let x = rng.normal();
      let y = rng.normal();
      let z = rng.normal();
      for (let j = 0; j < k; j++) {
        const d = x * out[3 * j] + y * out[3 * j + 1] + z * out[3 * j + 2];
        x -= d * out[3 * j];
        y -= d * out[3 * j + 1];
        z -= d * out[3 * j + 2];
      }
      const n = Math.hypot(x, y, z);
      if (n < 1e-6) continue;
      out[3 * k] = x / n;
      out[3 * k + 1] = y / n;
      out[3 * k + 2] = z / n;
      break;
    }
  }
}

/** Largest eigenvalue of (1/k) Σ θθᵀ over the k unit directions in dirs (in (0, 1]; 1 when k = 1). */
export function directionSpread(dirs: Float64Array, k: number): number {
  let a = 0,
    b = 0,
    c = 0,
    d = 0,
    e = 0,
    f = 0; // [[a d e] [d b f] [e f c]]
  for (let i = 0; i < k; i++) {
    const x = dirs[3 * i],
      y = dirs[3 * i + 1],
      z = dirs[3 * i + 2];
    a += x * x;
    b += y * y;
    c += z * z;
    d += x * y;
    e += x * z;
    f += y * z;
  }
  a /= k;
  b /= k;
  c /= k;
  d /= k;
  e /= k;
  f /= k;
  // Closed form for a symmetric 3x3 matrix (trigonometric method).
  const p1 = d * d + e * e + f * f;
  if (p1 < 1e-18) return Math.max(a, b, c);
  const q = (a + b + c) / 3;
  const p2 = (a - q) ** 2 + (b - q) ** 2 + (c - q) ** 2 + 2 * p1;
  const p = Math.sqrt(p2 / 6);
  const ba = (a - q) / p,
    bb = (b - q) / p,
    bc = (c - q) / p,
    bd = d / p,
    be = e / p,
    bf = f / p;
  const det = ba * (bb * bc - bf * bf) - bd * (bd * bc - bf * be) + be * (bd * bf - bb * be);
  const r = Math.max(-1, Math.min(1, det / 2));
  const phi = Math.acos(r) / 3;
  return q + 2 * p * Math.cos(phi);
}
