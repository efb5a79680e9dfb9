/**
 * Gradient-domain (Poisson) pasting of the matched blocks (Pérez, Gangnet & Blake, "Poisson Image
 * Editing", 2003, with one guidance field per block): the hole's new values u minimise
 *   sum over neighbouring pixel pairs (p, q) touching the hole of ((u_p - u_q) - v_pq)^2
 * with u = the image at the known pixels (Dirichlet boundary; the image's own border is free). Inside a
 * block, v_pq is its source's own difference; across a seam between two blocks, the mean of the two
 * sources' differences there; across the hole's border, the block's source difference (seamless
 * cloning). So every block keeps its texture, and the colour offsets between blocks and against the
 * known border are spread smoothly instead of showing as edges.
 *
 * The unknowns are the hole pixels only (numbered over the mask's bounding box); the normal equations
 * are the 5-point Laplacian on them, solved for R, G and B together by conjugate gradients
 * preconditioned with a multigrid V-cycle (app/image/fill: seamFix.ts' holeGrid and solveHole, multigrid.ts), from the feathered paste, until every
 * channel's residual norm is at most `tolerance` times its right-hand side's (default 1e-6: at 8 MP the
 * solution is then within 2e-5 of the exact one, far under an 8-bit step; poisson.test.ts checks it
 * against a direct solve).
 * Results are clamped to 0..1; pixels outside the hole are copied unchanged.
 */
import { maskBoundingBox } from '../../image/crop';
import type { Rect } from '../../common/params';
import type { Mask, RgbImage } from '../../image/types';
import type { BlockMatch } from './match';
import { DX, DY, type GridLevel, type MultigridOptions } from '../../image/fill/multigrid';
import { holeGrid, solveHole } from '../../image/fill/seamFix';

export interface PoissonResult {
  image: RgbImage;
  /** Conjugate-gradient iterations (one V-cycle each). */
  iterations: number;
  /** Final residual norm relative to the right-hand side's, worst channel. */
  relativeResidual: number;
  /** Unknowns per multigrid level, finest first (empty when nothing was solved). */
  levels: number[];
}

export interface PoissonOptions {
  /** Iterations at most (default 100; the default tolerance takes about 10). */
  maxIterations?: number;
  /** Stop when every channel's residual norm is at most this fraction of its right-hand side's. */
  tolerance?: number;
  /** Write the result into `start`'s pixels instead of a copy (saves an image's memory). */
  inPlace?: boolean;
  /** The V-cycle's smoothing and over-correction (app/image/fill/multigrid.ts' defaults otherwise). */
  multigrid?: MultigridOptions;
  signal?: AbortSignal;
}

export const POISSON_TOLERANCE = 1e-6;
export const POISSON_MAX_ITERATIONS = 100;

interface System {
  fine: GridLevel;
  /** Right-hand side and initial guess, 3 per unknown (R, G, B interleaved). */
  rhs: Float64Array;
  u: Float64Array;
  /** The box the unknowns are numbered over. */
  box: Rect;
}

/** The unknowns and the normal equations (see the file comment); null when there is no unknown. */
function assemble(
  image: RgbImage,
  mask: Mask,
  matches: readonly BlockMatch[],
  start: Float32Array,
  box: Rect,
): System | null {
  const { width: W, height: H } = image;
  const n = W * H;
  const src = image.data;
  const { x: bx, y: by, width: bw, height: bh } = box;
  // Owner of every hole pixel of the box: the last block covering it (-1: none; then it is a boundary
  // value like the known pixels).
  const owner = new Int32Array(bw * bh).fill(-1);
  matches.forEach((m, k) => {
    const x0 = Math.max(bx, m.x);
    const x1 = Math.min(bx + bw, m.x + m.size);
    for (let y = Math.max(by, m.y); y < Math.min(by + bh, m.y + m.size); y++)
      for (let x = x0; x < x1; x++) if (mask.data[y * W + x]) owner[(y - by) * bw + x - bx] = k;
  });
  // The unknowns and the Laplacian on them (numbered red first); block-less hole pixels are boundary values.
  const fine = holeGrid(
    Uint8Array.from(owner, (k) => (k >= 0 ? 1 : 0)),
    box,
    W,
    H,
  );
  if (!fine) return null;
  const { count, pos, nb } = fine;

  // Value of block k's guidance image at pixel (x, y): its source's pixel, or the image itself.
  const guide = (k: number, x: number, y: number, c: number): number => {
    const m = matches[k];
    if (!m.source) return src[c * n + y * W + x];
    const sx = Math.min(W - 1, Math.max(0, x - m.x + m.source.x));
    const sy = Math.min(H - 1, Math.max(0, y - m.y + m.source.y));
    return src[c * n + sy * W + sx];
  };

  const rhs = new Float64Array(3 * count);
  const u = new Float64Array(3 * count);
  for (let p = 0; p < count; p++) {
    const rx = pos[p] % bw;
    const ry = (pos[p] - rx) / bw;
    const x = bx + rx;
    const y = by + ry;
    const kp = owner[pos[p]];
    for (let c = 0; c < 3; c++) u[3 * p + c] = start[c * n + y * W + x];
    for (let d = 0; d < 4; d++) {
      const qx = x + DX[d];
      const qy = y + DY[d];
      if (qx < 0 || qy < 0 || qx >= W || qy >= H) continue; // the image border: no constraint
      const q = nb[4 * p + d];
      const kq = q >= 0 ? owner[pos[q]] : kp;
      for (let c = 0; c < 3; c++) {
        let v = guide(kp, x, y, c) - guide(kp, qx, qy, c);
        if (kq !== kp) v = 0.5 * (v + guide(kq, x, y, c) - guide(kq, qx, qy, c));
        rhs[3 * p + c] += q >= 0 ? v : v + src[c * n + qy * W + qx];
      }
    }
  }
  return { fine, rhs, u, box };
}

/**
 * @param image the current image (sources are read from it; known pixels are the boundary values)
 * @param start the initial guess (the feathered paste), image's size
 * @throws StudioError CANCELLED when the signal fires (checked every iteration).
 */
export async function poissonPaste(
  image: RgbImage,
  mask: Mask,
  matches: readonly BlockMatch[],
  start: RgbImage,
  opts: PoissonOptions = {},
): Promise<PoissonResult> {
  const { width: W, height: H } = image;
  const n = W * H;
  const out = opts.inPlace ? start.data : start.data.slice();
  const result = (iterations = 0, relativeResidual = 0, levels: number[] = []): PoissonResult => ({
    image: { width: W, height: H, data: out },
    iterations,
    relativeResidual,
    levels,
  });
  const box = maskBoundingBox(mask);
  const system = box && matches.length > 0 ? assemble(image, mask, matches, out, box) : null;
  if (!system) return result();
  const { fine, rhs, u } = system;
  const solved = await solveHole(fine, rhs, u, {
    tolerance: opts.tolerance ?? POISSON_TOLERANCE,
    maxIterations: opts.maxIterations ?? POISSON_MAX_ITERATIONS,
    multigrid: opts.multigrid,
    signal: opts.signal,
  });
  const { x: bx, y: by, width: bw } = system.box;
  const pos = fine.pos;
  for (let p = 0; p < fine.count; p++) {
    const rx = pos[p] % bw;
    const i = (by + (pos[p] - rx) / bw) * W + bx + rx;
    for (let c = 0; c < 3; c++) {
      const v = u[3 * p + c];
      out[c * n + i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return result(solved.iterations, solved.relativeResidual, solved.levels);
}
