/**
 * Gradient-domain (Poisson) pasting of the matched blocks (Pérez, Gangnet & Blake, "Poisson Image
 * Editing", 2003, with one guidance field per block): the hole's new values u minimise
 *   sum over neighbouring pixel pairs (p, q) touching the hole of ((u_p - u_q) - v_pq)^2
 * with u = the image at the known pixels. Inside a block, v_pq is its source's own difference; across a
 * seam between two blocks, the mean of the two sources' differences there; across the hole's border, the
 * block's source difference (seamless cloning). So every block keeps its texture, and the colour offsets
 * between blocks and against the known border are spread smoothly instead of showing as edges.
 * Solved per channel by conjugate gradients on the 5-point Laplacian, starting from the feathered paste
 * (close already, so a modest number of iterations removes the seams; the reached residual is reported).
 * Results are clamped to 0..1.
 */
import { throwIfAborted } from '../../common/errors';
import type { Mask, RgbImage } from '../../image/types';
import type { BlockMatch } from './match';

export interface PoissonResult {
  image: RgbImage;
  iterations: number;
  /** Final residual norm relative to the right-hand side's, worst channel. */
  relativeResidual: number;
}

export interface PoissonOptions {
  maxIterations?: number;
  /** Stop when the residual norm falls below this fraction of the right-hand side's. */
  tolerance?: number;
  signal?: AbortSignal;
}

/**
 * @param image the current image (sources are read from it; known pixels are the boundary values)
 * @param start the initial guess (the feathered paste), image's size
 * @throws StudioError CANCELLED when the signal fires (checked every few iterations).
 */
export async function poissonPaste(
  image: RgbImage,
  mask: Mask,
  matches: readonly BlockMatch[],
  start: RgbImage,
  opts: PoissonOptions = {},
): Promise<PoissonResult> {
  const maxIterations = opts.maxIterations ?? 150;
  const tolerance = opts.tolerance ?? 1e-3;
  const { width: W, height: H } = image;
  const n = W * H;
  const src = image.data;
  // Unknowns: the hole pixels of the mask blocks, numbered; each remembers its block (the last one).
  const index = new Int32Array(n).fill(-1);
  const pixels: number[] = [];
  const ownerOf: number[] = [];
  matches.forEach((m, k) => {
    for (let y = m.y; y < m.y + m.size; y++)
      for (let x = m.x; x < m.x + m.size; x++) {
        const i = y * W + x;
        if (!mask.data[i]) continue;
        if (index[i] < 0) {
          index[i] = pixels.length;
          pixels.push(i);
          ownerOf.push(k);
        } else ownerOf[index[i]] = k;
      }
  });
  const count = pixels.length;
  const out = start.data.slice();
  if (count === 0) return { image: { width: W, height: H, data: out }, iterations: 0, relativeResidual: 0 };

  // Value of block k's guidance image at pixel (x, y): its source's pixel, or the image itself.
  const guide = (k: number, x: number, y: number, c: number): number => {
    const m = matches[k];
    if (!m.source) return src[c * n + y * W + x];
    const sx = Math.min(W - 1, Math.max(0, x - m.x + m.source.x));
    const sy = Math.min(H - 1, Math.max(0, y - m.y + m.source.y));
    return src[c * n + sy * W + sx];
  };

  const neighbours = new Int32Array(4 * count).fill(-1);
  const diag = new Float64Array(count);
  const rhs = [new Float64Array(count), new Float64Array(count), new Float64Array(count)];
  const DX = [1, -1, 0, 0];
  const DY = [0, 0, 1, -1];
  for (let p = 0; p < count; p++) {
    const i = pixels[p];
    const x = i % W;
    const y = (i - x) / W;
    const kp = ownerOf[p];
    for (let d = 0; d < 4; d++) {
      const qx = x + DX[d];
      const qy = y + DY[d];
      if (qx < 0 || qy < 0 || qx >= W || qy >= H) continue; // the image border: no constraint
      const j = qy * W + qx;
      const q = index[j];
      diag[p]++;
      for (let c = 0; c < 3; c++) {
        let v = guide(kp, x, y, c) - guide(kp, qx, qy, c);
        if (q >= 0 && ownerOf[q] !== kp) {
          const kq = ownerOf[q];
          v = 0.5 * (v + guide(kq, x, y, c) - guide(kq, qx, qy, c));
        }
        rhs[c][p] += q >= 0 ? v : v + src[c * n + j];
      }
      if (q >= 0) neighbours[4 * p + d] = q;
    }
  }

  const apply = (xv: Float64Array, yv: Float64Array) => {
    for (let p = 0; p < count; p++) {
      let s = diag[p] * xv[p];
      const o = 4 * p;
      for (let d = 0; d < 4; d++) {
        const q = neighbours[o + d];
        if (q >= 0) s -= xv[q];
      }
      yv[p] = s;
    }
  };
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let p = 0; p < count; p++) s += a[p] * b[p];
    return s;
  };

  let iterations = 0;
  let worst = 0;
  const x = new Float64Array(count);
  const r = new Float64Array(count);
  const z = new Float64Array(count);
  const dir = new Float64Array(count);
  const Ad = new Float64Array(count);
  for (let c = 0; c < 3; c++) {
    const b = rhs[c];
    for (let p = 0; p < count; p++) x[p] = out[c * n + pixels[p]];
    apply(x, Ad);
    for (let p = 0; p < count; p++) r[p] = b[p] - Ad[p];
    const bNorm = Math.sqrt(dot(b, b)) || 1;
    // Jacobi-preconditioned conjugate gradients.
    for (let p = 0; p < count; p++) dir[p] = z[p] = r[p] / diag[p];
    let rz = dot(r, z);
    let it = 0;
    let rel = Math.sqrt(dot(r, r)) / bNorm;
    while (it < maxIterations && rel > tolerance) {
      apply(dir, Ad);
      const alpha = rz / dot(dir, Ad);
      for (let p = 0; p < count; p++) {
        x[p] += alpha * dir[p];
        r[p] -= alpha * Ad[p];
        z[p] = r[p] / diag[p];
      }
      const rzNext = dot(r, z);
      const beta = rzNext / rz;
      rz = rzNext;
      for (let p = 0; p < count; p++) dir[p] = z[p] + beta * dir[p];
      rel = Math.sqrt(dot(r, r)) / bNorm;
      it++;
      if (it % 10 === 0) {
        throwIfAborted(opts.signal);
        await new Promise((res) => setImmediate(res));
      }
    }
    iterations = Math.max(iterations, it);
    worst = Math.max(worst, rel);
    for (let p = 0; p < count; p++) out[c * n + pixels[p]] = x[p] < 0 ? 0 : x[p] > 1 ? 1 : x[p];
  }
  return { image: { width: W, height: H, data: out }, iterations, relativeResidual: worst };
}
