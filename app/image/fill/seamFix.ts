/**
 * The seam fix, written once: the hole's values are corrected so that they meet the known pixels around
 * the hole without a step, the correction spreading smoothly into the hole. It is gradient-domain editing
 * (Pérez, Gangnet and Blake, "Poisson Image Editing", 2003): the hole's new values u minimise
 *   Σ over neighbouring pixel pairs (p, q) touching the unknowns of ((u_p − u_q) − v_pq)²
 * with u fixed at the known pixels (Dirichlet; the frame's edge is free). Two uses:
 *
 * - holeGrid + solveHole: the system on any set of unknowns, for a caller with its own guidance field v
 *   (block matching pastes blocks whose sources give v, poisson.ts);
 * - fixSeam: the guidance is the hole's own differences, so u = the hole + a membrane (harmonic in the
 *   hole) whose value across the hole's edge is the mismatch there (known pixel − hole pixel). Options
 *   say what the stages need beyond that: `alongEdge` averages the mismatch along the edge at a scale
 *   (texture: a line crossing the edge is then not taken for a step; colour: the mismatch of single
 *   pixels is noise), `fade` lets the correction die out with the distance to the edge (colour: the
 *   transfer already moved the interior, only the edge is to be fixed).
 *
 * The systems are the 5-point Laplacian on the unknowns, solved by conjugate gradients preconditioned
 * with a multigrid V-cycle (multigrid.ts).
 */
import { throwIfAborted } from '../../common/errors';
import type { Rect } from '../../common/params';
import { maskedBlur } from '../maskedBlur';
import { distanceToKnown } from '../morphology';
import { DX, DY, solveGrid, type GridLevel, type MultigridOptions, type SolveResult } from './multigrid';

/**
 * The unknowns' grid: the cells of `box` (in a W x H frame) where `unknown` (box-sized, row by row) is
 * set, numbered red ((x + y) even in the box) first as multigrid.ts needs; every 4-neighbour inside the
 * frame counts in the diagonal, an unknown one is also coupled with weight 1, any other one is a Dirichlet
 * value (the caller puts it into the right-hand side). null when there is no unknown.
 * Every connected group of unknowns must touch a Dirichlet neighbour (else the system is singular).
 */
export function holeGrid(unknown: Uint8Array, box: Rect, W: number, H: number): GridLevel | null {
  const { x: bx, y: by, width: bw, height: bh } = box;
  const index = new Int32Array(bw * bh).fill(-1);
  let count = 0;
  let red = 0;
  for (let colour = 0; colour < 2; colour++) {
    for (let y = 0; y < bh; y++)
      for (let x = (y + colour) & 1; x < bw; x += 2) if (unknown[y * bw + x]) index[y * bw + x] = count++;
    if (colour === 0) red = count;
  }
  if (count === 0) return null;
  const pos = new Int32Array(count);
  for (let i = 0; i < bw * bh; i++) if (index[i] >= 0) pos[index[i]] = i;
  const nb = new Int32Array(4 * count).fill(-1);
  const w = new Float32Array(4 * count);
  const diag = new Float64Array(count);
  for (let p = 0; p < count; p++) {
    const rx = pos[p] % bw;
    const ry = (pos[p] - rx) / bw;
    for (let d = 0; d < 4; d++) {
      const qx = bx + rx + DX[d];
      const qy = by + ry + DY[d];
      if (qx < 0 || qy < 0 || qx >= W || qy >= H) continue; // the frame's edge: no constraint
      diag[p]++;
      const inBox = qx >= bx && qy >= by && qx < bx + bw && qy < by + bh;
      const q = inBox ? index[(qy - by) * bw + qx - bx] : -1;
      if (q >= 0) {
        nb[4 * p + d] = q;
        w[4 * p + d] = 1;
      }
    }
  }
  return { count, red, gw: bw, gh: bh, pos, nb, w, diag };
}

export interface SolveHoleOptions {
  /** Stop when every channel's residual norm is at most this fraction of its right-hand side's. */
  tolerance: number;
  maxIterations: number;
  /** The V-cycle's smoothing and over-correction (multigrid.ts' defaults otherwise). */
  multigrid?: MultigridOptions;
  signal?: AbortSignal;
}

/**
 * Solves holeGrid's system for R, G and B (interleaved, 3 per unknown) in `x` (initial guess in, solution
 * out), checking the signal and yielding to the event loop after every iteration.
 * @throws StudioError CANCELLED when the signal fires.
 */
export function solveHole(
  grid: GridLevel,
  rhs: Float64Array,
  x: Float64Array,
  opts: SolveHoleOptions,
): Promise<SolveResult> {
  return solveGrid(grid, rhs, x, {
    tolerance: opts.tolerance,
    maxIterations: opts.maxIterations,
    ...opts.multigrid,
    onIteration: async () => {
      throwIfAborted(opts.signal);
      await new Promise((res) => setImmediate(res));
    },
  });
}

export interface SeamFixOptions {
  /** σ (px) of a Gaussian average of the mismatch along the hole's edge; 0 or absent: none. */
  alongEdge?: number;
  /**
   * The correction is multiplied by exp(−(d − 1) / fade), d the chamfer distance to the nearest known
   * pixel (1 on the edge), and left out where that is below 1e-3; absent: no fade.
   */
  fade?: number;
  /**
   * Solve the membrane on cells of this many pixels a side, read back bilinearly (absent or 1: on the
   * pixels, exactly). For large holes whose correction is smooth at that scale: cell² times fewer unknowns.
   */
  cell?: number;
  /** Clamp the corrected values to 0..1 (values that are sRGB). */
  clamp?: boolean;
  /** Relative residual the membrane is solved to (default 1e-4: far under an 8-bit step). */
  tolerance?: number;
  signal?: AbortSignal;
}

const SEAM_TOLERANCE = 1e-4;
const SEAM_MAX_ITERATIONS = 50;
/** The fade's cut: beyond it the correction is left out. */
const FADE_FLOOR = 1e-3;

/**
 * The seam's correction for `planes` (3 planes of W x H; the hole's pixels and the known pixels next to
 * them are read): 3 planes of W x H, 0 outside the hole, or null when no hole pixel has a known neighbour.
 * A part of the hole that does not touch a known pixel gets no correction.
 * @throws StudioError CANCELLED when the signal fires.
 */
export async function seamCorrection(
  planes: Float32Array,
  hole: Uint8Array,
  W: number,
  H: number,
  opts: SeamFixOptions = {},
): Promise<Float32Array | null> {
  const n = W * H;
  throwIfAborted(opts.signal);
  // The mismatch of each hole pixel on the edge: the mean over its known neighbours of known − hole.
  const edge = new Float32Array(n);
  const mismatch = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const known = new Uint8Array(n); // neighbours in the frame that are known, per edge pixel
  const stack: number[] = [];
  const reached = new Uint8Array(n);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!hole[i]) continue;
      let k = 0;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let d = 0; d < 4; d++) {
        const qx = x + DX[d];
        const qy = y + DY[d];
        if (qx < 0 || qy < 0 || qx >= W || qy >= H) continue;
        const j = qy * W + qx;
        if (hole[j]) continue;
        k++;
        s0 += planes[j] - planes[i];
        s1 += planes[n + j] - planes[n + i];
        s2 += planes[2 * n + j] - planes[2 * n + i];
      }
      if (!k) continue;
      edge[i] = 1;
      known[i] = k;
      mismatch[0][i] = s0 / k;
      mismatch[1][i] = s1 / k;
      mismatch[2][i] = s2 / k;
      reached[i] = 1;
      stack.push(i);
    }
  if (!stack.length) return null;
  // The unknowns: the hole pixels connected to the edge (a part with no known neighbour stays as it is).
  while (stack.length) {
    const i = stack.pop()!;
    const x = i % W;
    const y = (i - x) / W;
    for (let d = 0; d < 4; d++) {
      const qx = x + DX[d];
      const qy = y + DY[d];
      if (qx < 0 || qy < 0 || qx >= W || qy >= H) continue;
      const j = qy * W + qx;
      if (hole[j] && !reached[j]) {
        reached[j] = 1;
        stack.push(j);
      }
    }
  }
  const m =
    opts.alongEdge && opts.alongEdge > 0 ? maskedBlur(mismatch, W, H, edge, opts.alongEdge) : mismatch;
  const solve = {
    tolerance: opts.tolerance ?? SEAM_TOLERANCE,
    maxIterations: SEAM_MAX_ITERATIONS,
    signal: opts.signal,
  };
  const value =
    opts.cell && opts.cell > 1
      ? await cellMembrane(m, edge, W, H, Math.round(opts.cell), solve)
      : await pixelMembrane(m, known, reached, W, H, solve);
  const fadeWidth = opts.fade;
  const dist = fadeWidth !== undefined ? distanceToKnown(hole, W, H) : null;
  const out = new Float32Array(3 * n);
  const v = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    if (!reached[i]) continue;
    let f = 1;
    if (dist) {
      f = Math.exp(-(dist[i] - 1) / fadeWidth!);
      if (f < FADE_FLOOR) continue;
      if (f > 1) f = 1;
    }
    value(i, v);
    out[i] = f * v[0];
    out[n + i] = f * v[1];
    out[2 * n + i] = f * v[2];
  }
  return out;
}

/** The membrane's value (3 channels) at a hole pixel, into `out`. */
type Membrane = (i: number, out: number[]) => void;

/**
 * The membrane on the pixels: harmonic on the hole's pixels, equal to the mismatch m of each edge pixel
 * across that pixel's known neighbours.
 */
async function pixelMembrane(
  m: Float32Array[],
  known: Uint8Array,
  reached: Uint8Array,
  W: number,
  H: number,
  solve: SolveHoleOptions,
): Promise<Membrane> {
  const grid = holeGrid(reached, { x: 0, y: 0, width: W, height: H }, W, H)!;
  // Right-hand side: each known neighbour of an edge pixel holds the membrane's value there, the mismatch.
  const rhs = new Float64Array(3 * grid.count);
  const index = new Int32Array(W * H).fill(-1);
  for (let p = 0; p < grid.count; p++) {
    const i = grid.pos[p];
    index[i] = p;
    const k = known[i];
    if (!k) continue;
    rhs[3 * p] = k * m[0][i];
    rhs[3 * p + 1] = k * m[1][i];
    rhs[3 * p + 2] = k * m[2][i];
  }
  const u = new Float64Array(3 * grid.count);
  await solveHole(grid, rhs, u, solve);
  return (i, out) => {
    const p = 3 * index[i];
    out[0] = u[p];
    out[1] = u[p + 1];
    out[2] = u[p + 2];
  };
}

/**
 * The membrane on cells of `cell` x `cell` pixels, read back bilinearly between the cells' centres: the
 * cells holding edge pixels take the mean of their mismatch, every other cell of the frame is harmonic.
 * For large holes whose correction is smooth at the cells' scale (colour): the solve has cell² times
 * fewer unknowns.
 */
async function cellMembrane(
  m: Float32Array[],
  edge: Float32Array,
  W: number,
  H: number,
  cell: number,
  solve: SolveHoleOptions,
): Promise<Membrane> {
  const CW = Math.ceil(W / cell);
  const CH = Math.ceil(H / cell);
  const cn = CW * CH;
  const data = [new Float64Array(cn), new Float64Array(cn), new Float64Array(cn)];
  const count = new Float64Array(cn);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!edge[i]) continue;
      const c = ((y / cell) | 0) * CW + ((x / cell) | 0);
      count[c]++;
      for (let k = 0; k < 3; k++) data[k][c] += m[k][i];
    }
  const unknown = new Uint8Array(cn);
  for (let c = 0; c < cn; c++) {
    if (count[c] > 0) for (let k = 0; k < 3; k++) data[k][c] /= count[c];
    else unknown[c] = 1;
  }
  // The cell grid is connected and holds a data cell, so every group of unknown cells touches one.
  const grid = holeGrid(unknown, { x: 0, y: 0, width: CW, height: CH }, CW, CH);
  const field = [Float64Array.from(data[0]), Float64Array.from(data[1]), Float64Array.from(data[2])];
  if (grid) {
    const rhs = new Float64Array(3 * grid.count);
    for (let p = 0; p < grid.count; p++) {
      const c = grid.pos[p];
      const cx = c % CW;
      const cy = (c - cx) / CW;
      for (let d = 0; d < 4; d++) {
        const qx = cx + DX[d];
        const qy = cy + DY[d];
        if (qx < 0 || qy < 0 || qx >= CW || qy >= CH) continue;
        const q = qy * CW + qx;
        if (unknown[q]) continue;
        for (let k = 0; k < 3; k++) rhs[3 * p + k] += data[k][q];
      }
    }
    const u = new Float64Array(3 * grid.count);
    await solveHole(grid, rhs, u, solve);
    for (let p = 0; p < grid.count; p++) for (let k = 0; k < 3; k++) field[k][grid.pos[p]] = u[3 * p + k];
  }
  const t: CellTaps = { c00: 0, c01: 0, c10: 0, c11: 0, ax: 0, ay: 0 };
  return (i, out) => {
    const x = i % W;
    cellTaps(x, (i - x) / W, cell, CW, CH, t);
    const { c00, c01, c10, c11, ax, ay } = t;
    for (let k = 0; k < 3; k++) {
      const F = field[k];
      out[k] = (1 - ay) * ((1 - ax) * F[c00] + ax * F[c01]) + ay * ((1 - ax) * F[c10] + ax * F[c11]);
    }
  };
}

/** The four cells around a pixel on a grid of cells, and its bilinear position between their centres. */
export interface CellTaps {
  c00: number;
  c01: number;
  c10: number;
  c11: number;
  /** Weight of the right (c01, c11) and of the lower (c10, c11) cells. */
  ax: number;
  ay: number;
}

/**
 * The cells (CW x CH, `cell` pixels a side, centres at (c + 0.5) · cell) around pixel (x, y) for a
 * bilinear read-back, clamped at the grid's edge; into `out`.
 */
export function cellTaps(x: number, y: number, cell: number, CW: number, CH: number, out: CellTaps): void {
  let fx = (x + 0.5) / cell - 0.5;
  let fy = (y + 0.5) / cell - 0.5;
  fx = fx < 0 ? 0 : fx > CW - 1 ? CW - 1 : fx;
  fy = fy < 0 ? 0 : fy > CH - 1 ? CH - 1 : fy;
  const cx = fx | 0;
  const cy = fy | 0;
  out.ax = fx - cx;
  out.ay = fy - cy;
  out.c00 = cy * CW + cx;
  out.c01 = cx + 1 < CW ? out.c00 + 1 : out.c00;
  out.c10 = cy + 1 < CH ? out.c00 + CW : out.c00;
  out.c11 = cx + 1 < CW ? out.c10 + 1 : out.c10;
}

/**
 * Corrects the hole's pixels of `planes` (3 planes of W x H) in place so that they meet the known pixels
 * around the hole without a step (see the file comment); known pixels are not written.
 * @returns whether anything was corrected (false: no hole pixel has a known neighbour).
 * @throws StudioError CANCELLED when the signal fires.
 */
export async function fixSeam(
  planes: Float32Array,
  hole: Uint8Array,
  W: number,
  H: number,
  opts: SeamFixOptions = {},
): Promise<boolean> {
  const h = await seamCorrection(planes, hole, W, H, opts);
  if (!h) return false;
  for (let i = 0; i < h.length; i++) {
    if (!hole[i % (W * H)]) continue;
    const v = planes[i] + h[i];
    planes[i] = opts.clamp ? (v < 0 ? 0 : v > 1 ? 1 : v) : v;
  }
  return true;
}
