/**
 * The solver's hot loops as WebAssembly SIMD functions, four pixels at a time (f32x4): the update and the
 * count below, and the TV prox's two passes (buildTvPrimal, buildTvDual, further down). Colours are
 * planar (plane stride in bytes given), pixel ranges are multiples of 4. The update and the count read
 * per-direction records of 8 vectors (128 bytes, each value repeated in its 4 lanes so that one plain
 * load fetches it):
 * e0 e1 e2 c θ0 θ1 θ2 (f32) and an address (i32), where t = e · colour + c + 1/2 is the colour's position
 * in the direction's histogram, in bins (c carries the −1/2).
 *
 * The bin N = floor(t) comes without a float-to-int conversion: y = (t − 1/2) + 1.5·2²³ is rounded to an
 * integer whose bit pattern minus that of 1.5·2²³ is N, and y − 1.5·2²³ is N exactly (|t| < 2²²). N is
 * clamped to [−1, lastBin + 1]: the tables have a guard entry on each side.
 *
 * Both are built for a fixed number of directions K (records at dirs + 128 k, k < K), with the direction
 * loop unrolled.
 *
 * update(start, end, w, h, cnt, strideBytes, dirs, lastBin, box, tau, onePlusTl, tb): for each pixel
 *   d_k = Dc_k[N] + (t − N − 1/2) ΔD_k[N]     ((Dc, ΔD) pairs of f32 at record address + 8 N)
 *   w  ← (w − Σ_k θ_k d_k + τ h) / (1 + τλ_L + τλ_B cnt)
 * and stores the per-lane min and max of the new colours at box (6 v128: min r g b, max r g b).
 *
 * count(start, end, step, x, strideBytes, dirs, lastBin): for the groups of 4 points at start,
 * start + step, ... (whole groups below end), adds 1 to the i32 at record address + 4 N for each point
 * and direction.
 *
 * The same loops in TypeScript are in kernels.ts (the fallback, and the tests' reference).
 */
import { F32, FunctionBuilder, I32, OP, SIMD, V128 } from './encode';

/** 1.5 · 2²³: adding it rounds a float to an integer held in the low mantissa bits. */
const MAGIC = 12582912;
const MAGIC_BITS = 0x4b400000;

/**
 * Emits, for the colours in locals rgb and the record values in locals e (e0 e1 e2 c):
 * th = t − 1/2 into local th, the clamped bin N into local bin, and th − N into local frac (in [−1/2, 1/2)).
 */
function emitBin(
  f: FunctionBuilder,
  e: readonly number[],
  rgb: readonly number[],
  th: number,
  bin: number,
  frac: number,
  consts: { magic: number; magicBits: number; minBin: number; maxBin: number },
): void {
  f.get(e[0]).get(rgb[0]).simd(SIMD.f32x4Mul);
  f.get(e[1]).get(rgb[1]).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
  f.get(e[2]).get(rgb[2]).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
  f.get(e[3]).simd(SIMD.f32x4Add).tee(th);
  f.get(consts.magic).simd(SIMD.f32x4Add).tee(frac); // y, kept in frac for a moment
  f.get(consts.magicBits).simd(SIMD.i32x4Sub);
  f.get(consts.minBin).simd(SIMD.i32x4MaxS).get(consts.maxBin).simd(SIMD.i32x4MinS).set(bin);
  f.get(th).get(frac).get(consts.magic).simd(SIMD.f32x4Sub).simd(SIMD.f32x4Sub).set(frac);
}

/** Declares and sets the constant vectors emitBin needs. */
function binConstants(f: FunctionBuilder, lastBin: number) {
  const c = {
    magic: f.local(V128),
    magicBits: f.local(V128),
    minBin: f.local(V128),
    maxBin: f.local(V128),
  };
  f.v128f32(MAGIC).set(c.magic);
  f.i32(MAGIC_BITS).simd(SIMD.i32x4Splat).set(c.magicBits);
  f.i32(-1).simd(SIMD.i32x4Splat).set(c.minBin);
  f.get(lastBin).i32(1).op(OP.i32Add).simd(SIMD.i32x4Splat).set(c.maxBin);
  return c;
}

/** Pushes base + c * stride + i (the address of channel c at pixel byte offset i). */
function emitAddr(f: FunctionBuilder, base: number, c: number, stride: number, i: number): void {
  f.get(base).get(i).op(OP.i32Add);
  if (c > 0) f.get(stride).i32(c).op(OP.i32Mul).op(OP.i32Add);
}

/** Vectors of 4 pixels the update handles per pass (more in flight, fewer record loads). */
const UPDATE_GROUPS = 2;

/** The update function for K directions (the direction loop is unrolled: K is fixed per module). */
export function buildUpdate(K: number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32]);
  const [start, end, wP, hP, cntP, stride, dirsP, lastBin, boxP, tau, onePlusTl, tb] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
  ];
  const G = UPDATE_GROUPS;
  const i = f.local(I32);
  const stop = f.local(I32);
  const v = () => f.local(V128);
  // Per group: colours, accumulators, and the direction loop's temporaries.
  const grp = Array.from({ length: G }, () => ({
    plane: [v(), v(), v()],
    acc: [v(), v(), v()],
    th: v(),
    bin: v(),
    frac: v(),
    p0: v(),
    p1: v(),
  }));
  const e = [v(), v(), v(), v()];
  const [s, nv, tauV] = [v(), v(), v()];
  const mins = [v(), v(), v()];
  const maxs = [v(), v(), v()];
  const consts = binConstants(f, lastBin);

  f.get(tau).simd(SIMD.f32x4Splat).set(tauV);
  for (let c = 0; c < 3; c++) {
    f.v128f32(Infinity).set(mins[c]);
    f.v128f32(-Infinity).set(maxs[c]);
  }
  f.get(start).i32(2).op(OP.i32Shl).set(i);
  f.get(end).i32(2).op(OP.i32Shl).set(stop);

  const body = (groups: number) => {
    for (let q = 0; q < groups; q++)
      for (let c = 0; c < 3; c++) {
        emitAddr(f, wP, c, stride, i);
        f.simdMem(SIMD.load, 2, 16 * q).set(grp[q].plane[c]);
        f.v128f32(0).set(grp[q].acc[c]);
      }
    for (let k = 0; k < K; k++) {
      const rec = 128 * k;
      for (let j = 0; j < 4; j++)
        f.get(dirsP)
          .simdMem(SIMD.load, 4, rec + 16 * j)
          .set(e[j]);
      for (let q = 0; q < groups; q++) {
        const { plane, th, bin, frac } = grp[q];
        emitBin(f, e, plane, th, bin, frac, consts);
        // Address of the (Dc, ΔD) pair: record address + 8 N.
        f.get(bin).i32(3).simd(SIMD.i32x4Shl);
        f.get(dirsP)
          .simdMem(SIMD.load, 4, rec + 112)
          .simd(SIMD.i32x4Add)
          .set(bin);
      }
      for (let q = 0; q < groups; q++) {
        const { bin, p0, p1 } = grp[q];
        for (let lane = 0; lane < 4; lane++) {
          const dst = lane < 2 ? p0 : p1;
          f.get(bin).simdLane(SIMD.i32x4ExtractLane, lane);
          f.get(dst)
            .load64Lane(lane & 1)
            .set(dst);
        }
      }
      for (let c = 0; c < 3; c++)
        f.get(dirsP)
          .simdMem(SIMD.load, 4, rec + 64 + 16 * c)
          .set(e[c]);
      for (let q = 0; q < groups; q++) {
        const { frac, p0, p1, acc } = grp[q];
        // d = Dc + frac ΔD (kept in p0)
        f.get(p0).get(p1).shuffle([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]);
        f.get(p0).get(p1).shuffle([4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31]);
        f.get(frac).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(p0);
        for (let c = 0; c < 3; c++)
          f.get(acc[c]).get(e[c]).get(p0).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(acc[c]);
      }
    }
    for (let q = 0; q < groups; q++) {
      const { plane, acc } = grp[q];
      // s = 1 / (1 + τλ_L + τλ_B cnt)
      f.v128f32(1);
      f.get(onePlusTl).simd(SIMD.f32x4Splat);
      f.get(tb).simd(SIMD.f32x4Splat);
      f.get(cntP)
        .get(i)
        .op(OP.i32Add)
        .simdMem(SIMD.load, 2, 16 * q);
      f.simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).simd(SIMD.f32x4Div).set(s);
      for (let c = 0; c < 3; c++) {
        // w = (w − acc + τ h) s
        emitAddr(f, wP, c, stride, i);
        f.get(plane[c]).get(acc[c]).simd(SIMD.f32x4Sub);
        f.get(tauV);
        emitAddr(f, hP, c, stride, i);
        f.simdMem(SIMD.load, 2, 16 * q)
          .simd(SIMD.f32x4Mul)
          .simd(SIMD.f32x4Add);
        f.get(s).simd(SIMD.f32x4Mul).tee(nv);
        f.simdMem(SIMD.store, 2, 16 * q);
        f.get(nv).get(mins[c]).simd(SIMD.f32x4PMin).set(mins[c]);
        f.get(nv).get(maxs[c]).simd(SIMD.f32x4PMax).set(maxs[c]);
      }
    }
    f.get(i)
      .i32(16 * groups)
      .op(OP.i32Add)
      .set(i);
  };
  // while (i + 16 G <= stop) body(G); then while (i < stop) body(1)
  f.begin(OP.block);
  f.begin(OP.loop);
  f.get(i)
    .i32(16 * G)
    .op(OP.i32Add)
    .get(stop)
    .op(OP.i32GtS)
    .brIf(1);
  body(G);
  f.br(0);
  f.end();
  f.end();
  f.begin(OP.block);
  f.begin(OP.loop);
  f.get(i).get(stop).op(OP.i32GeU).brIf(1);
  body(1);
  f.br(0);
  f.end();
  f.end();
  for (let c = 0; c < 3; c++) {
    f.get(boxP)
      .get(mins[c])
      .simdMem(SIMD.store, 2, 16 * c);
    f.get(boxP)
      .get(maxs[c])
      .simdMem(SIMD.store, 2, 48 + 16 * c);
  }
  return f;
}

/** The count function for K directions (unrolled like the update). */
export function buildCount(K: number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32]);
  const [start, end, step, xP, stride, dirsP, lastBin] = [0, 1, 2, 3, 4, 5, 6];
  const i = f.local(I32);
  const stop = f.local(I32);
  const stepB = f.local(I32);
  const a = f.local(I32);
  const v = () => f.local(V128);
  const plane = [v(), v(), v()];
  const e = [v(), v(), v(), v()];
  const [th, bin, frac] = [v(), v(), v()];
  const consts = binConstants(f, lastBin);

  f.get(start).i32(2).op(OP.i32Shl).set(i);
  // The last whole group starts at end − 4.
  f.get(end).i32(4).op(OP.i32Sub).i32(2).op(OP.i32Shl).set(stop);
  f.get(step).i32(2).op(OP.i32Shl).set(stepB);

  f.begin(OP.block);
  f.begin(OP.loop);
  // while (i <= stop): signed, so that end < 4 stops at once
  f.get(i).get(stop).op(OP.i32GtS).brIf(1);
  for (let c = 0; c < 3; c++) {
    emitAddr(f, xP, c, stride, i);
    f.simdMem(SIMD.load, 2).set(plane[c]);
  }
  for (let k = 0; k < K; k++) {
    const rec = 128 * k;
    for (let j = 0; j < 4; j++)
      f.get(dirsP)
        .simdMem(SIMD.load, 4, rec + 16 * j)
        .set(e[j]);
    emitBin(f, e, plane, th, bin, frac, consts);
    f.get(bin).i32(2).simd(SIMD.i32x4Shl);
    f.get(dirsP)
      .simdMem(SIMD.load, 4, rec + 112)
      .simd(SIMD.i32x4Add)
      .set(bin);
    for (let lane = 0; lane < 4; lane++) {
      f.get(bin).simdLane(SIMD.i32x4ExtractLane, lane).tee(a);
      f.get(a).mem(OP.i32Load, 2).i32(1).op(OP.i32Add).mem(OP.i32Store, 2);
    }
  }
  f.get(i).get(stepB).op(OP.i32Add).set(i);
  f.br(0);
  f.end();
  f.end();
  return f;
}

/**
 * Planes of the TV prox (see tvProx.ts for the algorithm): x, and the dual variables p and r (6 planes
 * each: dx0 dx1 dx2 dy0 dy1 dy2), each plane 16 bytes after a zero guard, so that the left neighbour of
 * pixel 0 and an absent upper neighbour (byte offset −4) read 0. A dual component whose neighbour is
 * absent is 0 from the start and stays 0, so the adjoint needs no test:
 *   (∇ᵀq)_k = dx_{k−1} + dy_{up(k)} − dx_k − dy_k        (dx_{k−1} = 0 unless k − 1 has k on its right).
 *
 * tvPrimal(start, end, z, zStrideB, out, outStrideB, r, dStrideB, up, cnt, t, onePlusTl, tb, box):
 *   out_c = z_c − f (∇ᵀr)_c,   f = t / (1 + τλ_L + τλ_B cnt),
 * over pixels [start, end) (multiples of 4); up holds, per pixel, the byte offset of its upper neighbour
 * in a plane (−4 when absent); writes the per-lane min and max of out at box like update. out may be z.
 *
 * tvDual(start, end, x, xStrideB, rm, down, p, r, dStrideB, step, mom): per pixel,
 *   q = Π(r + step ∇x) (projection on the unit Frobenius ball), r ← q + mom (q − p), p ← q,
 * where rm is −1 (all bits) when the right neighbour is in the hole, else 0, and down the byte offset of
 * the lower neighbour in a plane (the pixel's own when absent, so that the difference is 0).
 */
export function buildTvPrimal(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, I32]);
  const [start, end, zP, zS, outP, outS, rP, dS, upP, cntP, t, onePlusTl, tb, boxP] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
  ];
  const i = f.local(I32);
  const stop = f.local(I32);
  const zc = [f.local(I32), f.local(I32), f.local(I32)];
  const oc = [f.local(I32), f.local(I32), f.local(I32)];
  const dc = Array.from({ length: 6 }, () => f.local(I32));
  const v = () => f.local(V128);
  const [fac, up, s, nv, tV, oneTl, tbV] = [v(), v(), v(), v(), v(), v(), v()];
  const mins = [v(), v(), v()];
  const maxs = [v(), v(), v()];
  for (let c = 0; c < 3; c++) {
    f.get(zP).get(zS).i32(c).op(OP.i32Mul).op(OP.i32Add).set(zc[c]);
    f.get(outP).get(outS).i32(c).op(OP.i32Mul).op(OP.i32Add).set(oc[c]);
    f.v128f32(Infinity).set(mins[c]);
    f.v128f32(-Infinity).set(maxs[c]);
  }
  for (let j = 0; j < 6; j++) f.get(rP).get(dS).i32(j).op(OP.i32Mul).op(OP.i32Add).set(dc[j]);
  f.get(t).simd(SIMD.f32x4Splat).set(tV);
  f.get(onePlusTl).simd(SIMD.f32x4Splat).set(oneTl);
  f.get(tb).simd(SIMD.f32x4Splat).set(tbV);
  f.get(start).i32(2).op(OP.i32Shl).set(i);
  f.get(end).i32(2).op(OP.i32Shl).set(stop);
  f.begin(OP.block);
  f.begin(OP.loop);
  f.get(i).get(stop).op(OP.i32GeU).brIf(1);
  // f = t / (1 + τλ_L + τλ_B cnt)
  f.get(tV).get(oneTl).get(tbV);
  f.get(cntP).get(i).op(OP.i32Add).simdMem(SIMD.load, 2);
  f.simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).simd(SIMD.f32x4Div).set(fac);
  f.get(upP).get(i).op(OP.i32Add).simdMem(SIMD.load, 2).set(up);
  for (let c = 0; c < 3; c++) {
    // s = dx_{k−1} − dx_k − dy_k + dy_up
    f.get(dc[c]).get(i).op(OP.i32Add).i32(4).op(OP.i32Sub).simdMem(SIMD.load, 2);
    f.get(dc[c]).get(i).op(OP.i32Add).simdMem(SIMD.load, 2).simd(SIMD.f32x4Sub);
    f.get(dc[3 + c])
      .get(i)
      .op(OP.i32Add)
      .simdMem(SIMD.load, 2)
      .simd(SIMD.f32x4Sub)
      .set(s);
    f.v128f32(0).set(nv);
    for (let lane = 0; lane < 4; lane++) {
      f.get(dc[3 + c])
        .get(up)
        .simdLane(SIMD.i32x4ExtractLane, lane)
        .op(OP.i32Add);
      f.get(nv).load32Lane(lane).set(nv);
    }
    f.get(s).get(nv).simd(SIMD.f32x4Add).set(s);
    // out_c = z_c − f s
    f.get(oc[c]).get(i).op(OP.i32Add);
    f.get(zc[c]).get(i).op(OP.i32Add).simdMem(SIMD.load, 2);
    f.get(fac).get(s).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub).tee(nv);
    f.simdMem(SIMD.store, 2);
    f.get(nv).get(mins[c]).simd(SIMD.f32x4PMin).set(mins[c]);
    f.get(nv).get(maxs[c]).simd(SIMD.f32x4PMax).set(maxs[c]);
  }
  f.get(i).i32(16).op(OP.i32Add).set(i);
  f.br(0);
  f.end();
  f.end();
  for (let c = 0; c < 3; c++) {
    f.get(boxP)
      .get(mins[c])
      .simdMem(SIMD.store, 2, 16 * c);
    f.get(boxP)
      .get(maxs[c])
      .simdMem(SIMD.store, 2, 48 + 16 * c);
  }
  return f;
}

/** The dual step of the TV prox (see buildTvPrimal). */
export function buildTvDual(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32, I32, I32, F32, F32]);
  const [start, end, xP, xS, rmP, downP, pP, rP, dS, step, mom] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const i = f.local(I32);
  const stop = f.local(I32);
  const xc = [f.local(I32), f.local(I32), f.local(I32)];
  const pc = Array.from({ length: 6 }, () => f.local(I32));
  const rc = Array.from({ length: 6 }, () => f.local(I32));
  const v = () => f.local(V128);
  const a = Array.from({ length: 6 }, () => v());
  const [m, dn, xk, g, n2, fac, stepV, momV, q] = [v(), v(), v(), v(), v(), v(), v(), v(), v()];
  for (let c = 0; c < 3; c++) f.get(xP).get(xS).i32(c).op(OP.i32Mul).op(OP.i32Add).set(xc[c]);
  for (let j = 0; j < 6; j++) {
    f.get(pP).get(dS).i32(j).op(OP.i32Mul).op(OP.i32Add).set(pc[j]);
    f.get(rP).get(dS).i32(j).op(OP.i32Mul).op(OP.i32Add).set(rc[j]);
  }
  f.get(step).simd(SIMD.f32x4Splat).set(stepV);
  f.get(mom).simd(SIMD.f32x4Splat).set(momV);
  f.get(start).i32(2).op(OP.i32Shl).set(i);
  f.get(end).i32(2).op(OP.i32Shl).set(stop);
  f.begin(OP.block);
  f.begin(OP.loop);
  f.get(i).get(stop).op(OP.i32GeU).brIf(1);
  f.get(rmP).get(i).op(OP.i32Add).simdMem(SIMD.load, 2).set(m);
  f.get(downP).get(i).op(OP.i32Add).simdMem(SIMD.load, 2).set(dn);
  f.v128f32(0).set(n2);
  for (let c = 0; c < 3; c++) {
    f.get(xc[c]).get(i).op(OP.i32Add).simdMem(SIMD.load, 2).set(xk);
    // a_c = r_c + step ((x_right − x) & rm)
    f.get(rc[c]).get(i).op(OP.i32Add).simdMem(SIMD.load, 2);
    f.get(stepV);
    f.get(xc[c]).get(i).op(OP.i32Add).simdMem(SIMD.load, 2, 4);
    f.get(xk).simd(SIMD.f32x4Sub).get(m).simd(SIMD.v128And);
    f.simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).tee(a[c]);
    f.get(a[c]).simd(SIMD.f32x4Mul).get(n2).simd(SIMD.f32x4Add).set(n2);
    // a_{3+c} = r_{3+c} + step (x_down − x)
    f.v128f32(0).set(g);
    for (let lane = 0; lane < 4; lane++) {
      f.get(xc[c]).get(dn).simdLane(SIMD.i32x4ExtractLane, lane).op(OP.i32Add);
      f.get(g).load32Lane(lane).set(g);
    }
    f.get(rc[3 + c])
      .get(i)
      .op(OP.i32Add)
      .simdMem(SIMD.load, 2);
    f.get(stepV).get(g).get(xk).simd(SIMD.f32x4Sub).simd(SIMD.f32x4Mul);
    f.simd(SIMD.f32x4Add).tee(a[3 + c]);
    f.get(a[3 + c])
      .simd(SIMD.f32x4Mul)
      .get(n2)
      .simd(SIMD.f32x4Add)
      .set(n2);
  }
  // fac = 1 / max(1, ‖a‖)
  f.v128f32(1);
  f.v128f32(1).get(n2).simd(SIMD.f32x4Sqrt).simd(SIMD.f32x4PMax);
  f.simd(SIMD.f32x4Div).set(fac);
  for (let j = 0; j < 6; j++) {
    // q = a fac;  r = q + mom (q − p);  p = q
    f.get(a[j]).get(fac).simd(SIMD.f32x4Mul).set(q);
    f.get(rc[j]).get(i).op(OP.i32Add);
    f.get(q).get(momV).get(q);
    f.get(pc[j]).get(i).op(OP.i32Add).simdMem(SIMD.load, 2);
    f.simd(SIMD.f32x4Sub).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
    f.simdMem(SIMD.store, 2);
    f.get(pc[j]).get(i).op(OP.i32Add).get(q).simdMem(SIMD.store, 2);
  }
  f.get(i).i32(16).op(OP.i32Add).set(i);
  f.br(0);
  f.end();
  f.end();
  return f;
}
