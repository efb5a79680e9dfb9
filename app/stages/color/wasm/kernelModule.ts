/**
 * The solver's two hot loops as WebAssembly SIMD functions, four pixels at a time (f32x4). Colours are
 * planar (plane stride in bytes given), pixel ranges are multiples of 4. Both read per-direction records
 * of 8 vectors (128 bytes, each value repeated in its 4 lanes so that one plain load fetches it):
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
