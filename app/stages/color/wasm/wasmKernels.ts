/**
 * The SlicedKernels on WebAssembly SIMD (kernelModule.ts), on `threads` threads: this one and
 * threads − 1 worker threads running the same compiled module on one shared memory, each on its own
 * share of the pixels. A worker is a few lines of plain JavaScript (evaluated, so it needs no TypeScript
 * loader) that waits on its control block in the shared memory (Atomics.wait), runs the function and
 * arguments written there, and signals when done; this thread starts the workers, does its own share
 * and waits for theirs (Atomics.wait, at most a few milliseconds). A postMessage round trip instead cost
 * 0.1 ms at rest and about 1 ms on a busy machine, 1200 times a run.
 *
 * Memory (byte offsets, 16-byte aligned): w, h (3 planes each), cnt (1 plane, f32), v (3 planes), the
 * displacement table, one w histogram per thread, v's histogram, the direction records (update, count
 * per thread, count of v), one box per thread and a spare one, one control block per worker (CONTROL
 * bytes: i32 sequence number, function, done sequence number, error flag, argument count; then 16 f64
 * arguments; then an error message, UTF-8); with the region grid (TV prox), its
 * neighbour planes (right mask, lower and upper neighbour offsets) and the TV planes x (3), p and r (6
 * each), every TV plane 16 bytes after a zero guard (kernelModule.ts).
 */
import { Worker } from 'node:worker_threads';
import { padColors, type KernelInput, type SlicedKernels } from '../kernels';
import { countRange } from '../kernels';
import type { Box, QuantileTables } from '../slicedWasserstein';
import { fgpMomenta } from '../tvProx';
import { encodeModule } from './encode';
import { buildCount, buildTvDual, buildTvPrimal, buildUpdate } from './kernelModule';
import { StudioError } from '../../../common/errors';

/** The functions of the module, by the number a control block names them with. */
const KERNEL_NAMES = ['update', 'count', 'tvPrimal', 'tvDual'] as const;
type KernelName = (typeof KERNEL_NAMES)[number];

/** Control block: 8 i32 (32 bytes), 16 f64 arguments (128 bytes), an error message (MESSAGE_BYTES). */
const MESSAGE_BYTES = 256;
const CONTROL = 32 + 128 + MESSAGE_BYTES;
/** Longest wait for a worker's share before giving up on it (its share takes milliseconds). */
const WAIT_LIMIT_MS = 60_000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, at, names, messageBytes } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const ctl = new Int32Array(memory.buffer, at, 8);
const args = new Float64Array(memory.buffer, at + 32, 16);
const message = new Uint8Array(memory.buffer, at + 160, messageBytes);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, 0, seen);
  const seq = Atomics.load(ctl, 0);
  if (seq === seen) continue;
  seen = seq;
  if (ctl[1] < 0) break;
  try {
    const a = [];
    for (let i = 0; i < ctl[4]; i++) a.push(args[i]);
    instance.exports[names[ctl[1]]](...a);
    ctl[3] = 0;
  } catch (e) {
    const bytes = new TextEncoder().encode(String((e && e.message) || e)).subarray(0, messageBytes - 1);
    message.fill(0);
    message.set(bytes);
    ctl[3] = 1;
  }
  Atomics.store(ctl, 2, seq);
  Atomics.notify(ctl, 2);
}
`;

const PAGE = 65536;
/**
 * Below this many sampled pixels the count runs on this thread alone: each hand-over to the workers is a
 * wait, and on a busy machine a wait for a descheduled thread costs more than the count it shares out.
 */
const PARALLEL_COUNT_MIN = 65536;
const align16 = (n: number) => Math.ceil(n / 16) * 16;

interface Layout {
  w: number;
  h: number;
  cnt: number;
  v: number;
  table: number;
  histW: number[];
  histV: number;
  updDirs: number;
  cntDirs: number[];
  vDirs: number;
  box: number[];
  spareBox: number;
  /** Control block of each worker (thread 1, 2, ...). */
  control: number[];
  /** TV prox (only with the grid): neighbour planes, then x, p, r (plane base addresses, after the guard). */
  tv: { rm: number; down: number; up: number; x: number; p: number; r: number; planeB: number } | null;
  bytes: number;
}

function layout(
  stride: number,
  vStride: number,
  K: number,
  B: number,
  threads: number,
  grid: boolean,
): Layout {
  let at = 0;
  const take = (bytes: number) => {
    const o = at;
    at += align16(bytes);
    return o;
  };
  const l: Layout = {
    w: take(12 * stride),
    h: take(12 * stride),
    cnt: take(4 * stride),
    v: take(12 * vStride),
    table: take(8 * K * (B + 2)),
    histW: Array.from({ length: threads }, () => take(4 * K * (B + 2))),
    histV: take(4 * K * (B + 2)),
    updDirs: take(128 * K),
    cntDirs: Array.from({ length: threads }, () => take(128 * K)),
    vDirs: take(128 * K),
    box: Array.from({ length: threads }, () => take(96)),
    spareBox: take(96),
    control: Array.from({ length: threads - 1 }, () => take(CONTROL)),
    tv: null,
    bytes: 0,
  };
  if (grid) {
    const planeB = 4 * (stride + 4);
    l.tv = {
      rm: take(4 * stride),
      down: take(4 * stride),
      up: take(4 * stride),
      x: take(3 * planeB) + 16,
      p: take(6 * planeB) + 16,
      r: take(6 * planeB) + 16,
      planeB,
    };
  }
  l.bytes = at;
  return l;
}

/** A worker thread driven through its control block (see the file comment). */
class WorkerHandle {
  private readonly worker: Worker;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly message: Uint8Array;
  private seq = 0;
  private failed: Error | null = null;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, at: number) {
    this.ctl = new Int32Array(memory.buffer, at, 8);
    this.args = new Float64Array(memory.buffer, at + 32, 16);
    this.message = new Uint8Array(memory.buffer, at + 160, MESSAGE_BYTES);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module, memory, at, names: KERNEL_NAMES, messageBytes: MESSAGE_BYTES },
    });
    this.worker.on('error', (e) => (this.failed = e));
    this.worker.on('exit', (code) => {
      this.failed ??= new Error(`colour kernel thread exited with code ${code}`);
    });
  }

  /** Starts fn(...args) on the worker. */
  start(fn: KernelName, args: readonly number[]): void {
    if (this.failed) throw this.failed;
    this.args.set(args);
    this.ctl[4] = args.length;
    this.ctl[1] = KERNEL_NAMES.indexOf(fn);
    Atomics.store(this.ctl, 0, ++this.seq);
    Atomics.notify(this.ctl, 0);
  }

  /**
   * Waits for the started call to finish.
   * @throws Error when it failed in the worker, or the worker does not answer within WAIT_LIMIT_MS.
   */
  finish(): void {
    const t0 = performance.now();
    while (Atomics.load(this.ctl, 2) !== this.seq) {
      Atomics.wait(this.ctl, 2, this.seq - 1, 100);
      if (performance.now() - t0 > WAIT_LIMIT_MS)
        throw this.failed ?? new Error('colour kernel thread does not answer');
    }
    if (this.ctl[3]) {
      const end = this.message.indexOf(0);
      const text = new TextDecoder().decode(this.message.slice(0, end < 0 ? undefined : end));
      throw new StudioError('INTERNAL', `colour kernel thread: ${text}`);
    }
  }

  async terminate(): Promise<void> {
    this.ctl[1] = -1;
    Atomics.store(this.ctl, 0, ++this.seq);
    Atomics.notify(this.ctl, 0);
    await this.worker.terminate();
  }
}

/** Whether this thread may block in Atomics.wait (Node's main thread may; a browser's may not). */
function canWait(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export class WasmKernels implements SlicedKernels {
  readonly kind = 'wasm-simd';
  readonly threads: number;
  readonly w: Float32Array;
  readonly table: Float32Array;
  readonly histW: Int32Array;
  readonly histV: Int32Array;
  private readonly n: number;
  private readonly stride: number;
  private readonly m: number;
  private readonly vStride: number;
  private readonly bins: number;
  private readonly builtK: number;
  private readonly L: Layout;
  private readonly exports: Record<KernelName, (...a: number[]) => void>;
  private readonly workers: WorkerHandle[];
  private readonly histWT: Int32Array[];
  private readonly v: Float32Array;
  private readonly boxes: Float32Array[];
  private readonly recF: Float32Array;
  private readonly recI: Int32Array;
  private dirs: Float64Array = new Float64Array(0);
  private K = 0;
  private tables: QuantileTables | null = null;

  private constructor(
    input: KernelInput,
    threads: number,
    memory: WebAssembly.Memory,
    module: WebAssembly.Module,
    L: Layout,
  ) {
    const { u, v, K, bins } = input;
    this.threads = threads;
    this.n = u.n;
    this.stride = u.stride;
    this.m = v.n;
    this.vStride = Math.ceil(v.n / 4) * 4;
    this.bins = bins;
    this.builtK = K;
    this.L = L;
    const buf = memory.buffer;
    this.w = new Float32Array(buf, L.w, 3 * u.stride);
    padColors(u, this.w, u.stride);
    const h = new Float32Array(buf, L.h, 3 * u.stride);
    padColors({ n: u.n, stride: u.stride, data: input.h }, h, u.stride);
    const cnt = new Float32Array(buf, L.cnt, u.stride);
    for (let i = 0; i < u.stride; i++) cnt[i] = input.outCount[Math.min(i, u.n - 1)];
    this.v = new Float32Array(buf, L.v, 3 * this.vStride);
    padColors(v, this.v, this.vStride);
    this.table = new Float32Array(buf, L.table, 2 * K * (bins + 2));
    this.histWT = L.histW.map((o) => new Int32Array(buf, o, K * (bins + 2)));
    this.histW = this.histWT[0];
    this.histV = new Int32Array(buf, L.histV, K * (bins + 2));
    this.boxes = L.box.map((o) => new Float32Array(buf, o, 24));
    if (L.tv && input.grid) {
      const { right, down } = input.grid;
      const rm = new Int32Array(buf, L.tv.rm, u.stride);
      const dn = new Int32Array(buf, L.tv.down, u.stride);
      const up = new Int32Array(buf, L.tv.up, u.stride).fill(-4);
      for (let k = 0; k < u.stride; k++) {
        const r = k < u.n ? right[k] : -1;
        const d = k < u.n ? down[k] : -1;
        rm[k] = r >= 0 ? -1 : 0;
        dn[k] = 4 * (d >= 0 ? d : k);
        if (d >= 0) up[d] = 4 * k;
      }
    }
    this.recF = new Float32Array(buf);
    this.recI = new Int32Array(buf);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.exports = instance.exports as unknown as WasmKernels['exports'];
    this.workers = L.control.map((at) => new WorkerHandle(module, memory, at));
  }

  /**
   * The WebAssembly kernels for this input on `threads` (>= 1) threads, or null where WebAssembly SIMD
   * (or, for threads > 1, shared memory) is not available or the memory cannot be had.
   */
  static create(input: KernelInput, threads: number): WasmKernels | null {
    const vStride = Math.ceil(input.v.n / 4) * 4;
    const L = layout(input.u.stride, vStride, input.K, input.bins, threads, !!input.grid);
    const pages = Math.ceil(L.bytes / PAGE) + 1;
    const shared = threads > 1;
    if (shared && !canWait()) return null;
    try {
      const bytes = encodeModule(
        [
          { name: 'update', fn: buildUpdate(input.K) },
          { name: 'count', fn: buildCount(input.K) },
          { name: 'tvPrimal', fn: buildTvPrimal() },
          { name: 'tvDual', fn: buildTvDual() },
        ],
        { pages, shared },
      );
      if (!WebAssembly.validate(bytes)) return null;
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
      return new WasmKernels(input, threads, memory, new WebAssembly.Module(bytes), L);
    } catch {
      return null;
    }
  }

  /** @throws Error when K differs from the K the kernels were built for. */
  setDirections(dirs: Float64Array, K: number, tables: QuantileTables): void {
    if (K !== this.builtK)
      throw new StudioError('INTERNAL', `These kernels take ${this.builtK} directions, not ${K}`);
    this.dirs = dirs;
    this.K = K;
    this.tables = tables;
    const B = this.bins;
    const write = (base: number, k: number, ih: number, lo: number, addr: number) => {
      const o = (base >> 2) + 32 * k;
      const x = dirs[3 * k],
        y = dirs[3 * k + 1],
        z = dirs[3 * k + 2];
      const values = [x * ih, y * ih, z * ih, -lo * ih - 0.5, x, y, z];
      for (let j = 0; j < 7; j++) this.recF.fill(values[j], o + 4 * j, o + 4 * j + 4);
      this.recI.fill(addr, o + 28, o + 32);
    };
    for (let k = 0; k < K; k++) {
      const ihW = tables.invHW[k];
      const loW = tables.loW[k];
      // Addresses of bin 0 (entry 1, after the guard).
      const e = k * (B + 2) + 1;
      write(this.L.updDirs, k, ihW, loW, this.L.table + 8 * e);
      this.L.cntDirs.forEach((base, t) => write(base, k, ihW, loW, this.L.histW[t] + 4 * e));
      write(this.L.vDirs, k, tables.invHV[k], tables.loV[k], this.L.histV + 4 * e);
    }
  }

  /** Runs fn with argsOf(t) on every thread (this one last) and waits for all. */
  private async onAllThreads(fn: KernelName, argsOf: (t: number) => number[]): Promise<void> {
    this.workers.forEach((wk, i) => wk.start(fn, argsOf(i + 1)));
    try {
      this.exports[fn](...argsOf(0));
    } finally {
      for (const wk of this.workers) wk.finish();
    }
  }

  async count(step: number, phase: number): Promise<number> {
    const { n, K, bins: B, threads: T } = this;
    const t = this.tables!;
    const size = K * (B + 2);
    for (const h of this.histWT) h.fill(0, 0, size);
    this.histV.fill(0, 0, size);
    const groups = Math.floor(n / 4); // whole groups; a partial last one is counted below
    const strideB = 4 * this.stride;
    const sampledGroups = phase < groups ? Math.floor((groups - 1 - phase) / step) + 1 : 0;
    const countV = () => {
      const vGroups = Math.floor(this.m / 4);
      this.exports.count(0, 4 * vGroups, 4, this.L.v, 4 * this.vStride, this.L.vDirs, B - 1);
      countRange(this.v, this.vStride, 4 * vGroups, this.m, this.dirs, K, t.loV, t.invHV, B, this.histV);
    };
    // Thread th of `of` counts the groups phase + th step, then every `of` step groups.
    const argsOf = (th: number, of: number) => [
      4 * (phase + th * step),
      4 * groups,
      4 * step * of,
      this.L.w,
      strideB,
      this.L.cntDirs[th],
      B - 1,
    ];
    if (4 * sampledGroups < PARALLEL_COUNT_MIN || T === 1) {
      // A small sample: a round trip to the workers would cost more than it saves.
      this.exports.count(...argsOf(0, 1));
      countV();
    } else {
      // The workers count their shares of w while this thread counts its share and v.
      this.workers.forEach((wk, i) => wk.start('count', argsOf(i + 1, T)));
      try {
        this.exports.count(...argsOf(0, T));
        countV();
      } finally {
        for (const wk of this.workers) wk.finish();
      }
      for (let th = 1; th < T; th++) {
        const src = this.histWT[th];
        for (let j = 0; j < size; j++) this.histW[j] += src[j];
      }
    }
    let counted = 4 * sampledGroups;
    if (n % 4 && (groups - phase) % step === 0 && groups >= phase) {
      countRange(this.w, this.stride, 4 * groups, n, this.dirs, K, t.loW, t.invHW, B, this.histW);
      counted += n - 4 * groups;
    }
    return counted;
  }

  async update(tau: number, tauL: number, tauB: number, box: Box): Promise<void> {
    const { bins: B, threads: T } = this;
    const g4 = this.stride / 4;
    await this.onAllThreads('update', (th) => [
      4 * Math.floor((g4 * th) / T),
      4 * Math.floor((g4 * (th + 1)) / T),
      this.L.w,
      this.L.h,
      this.L.cnt,
      4 * this.stride,
      this.L.updDirs,
      B - 1,
      this.L.box[th],
      tau,
      1 + tauL,
      tauB,
    ]);
    this.mergeBoxes(box);
  }

  /** The union of the threads' per-lane boxes. */
  private mergeBoxes(box: Box): void {
    for (let c = 0; c < 6; c++) box[c] = c < 3 ? Infinity : -Infinity;
    for (const b of this.boxes) {
      for (let lane = 0; lane < 4; lane++) {
        for (let c = 0; c < 3; c++) {
          const lo = b[4 * c + lane];
          const hi = b[12 + 4 * c + lane];
          if (lo < box[c]) box[c] = lo;
          if (hi > box[3 + c]) box[3 + c] = hi;
        }
      }
    }
  }

  /** Pixel ranges [from, to) of each thread over the first `end` pixels (end a multiple of 4). */
  private share(th: number, end: number): [number, number] {
    const g4 = end / 4;
    const T = this.threads;
    return [4 * Math.floor((g4 * th) / T), 4 * Math.floor((g4 * (th + 1)) / T)];
  }

  async tvProx(t: number, tauL: number, tauB: number, iterations: number, box: Box): Promise<void> {
    const tv = this.L.tv;
    if (!tv)
      throw new StudioError('INTERNAL', 'The kernels were built without the region grid the TV prox needs');
    const { n, stride } = this;
    const wS = 4 * stride;
    const { planeB } = tv;
    const primal = (
      from: number,
      to: number,
      z: number,
      zS: number,
      out: number,
      outS: number,
      box: number,
    ) => [from, to, z, zS, out, outS, tv.r, planeB, tv.up, this.L.cnt, t, 1 + tauL, tauB, box];
    const momenta = fgpMomenta(iterations);
    const step = 1 / (8 * t);
    for (let it = 0; it < iterations; it++) {
      // x = w − t D⁻¹ ∇ᵀr, then p = Π(r + ∇x / 8t), r = p + mom (p − p_old): the last step leaves r = p
      await this.onAllThreads('tvPrimal', (th) =>
        primal(...this.share(th, stride), this.L.w, wS, tv.x, planeB, this.L.box[th]),
      );
      const mom = it === iterations - 1 ? 0 : momenta[it];
      await this.onAllThreads('tvDual', (th) => [
        ...this.share(th, stride),
        tv.x,
        planeB,
        tv.rm,
        tv.down,
        tv.p,
        tv.r,
        planeB,
        step,
        mom,
      ]);
    }
    // w = w − t D⁻¹ ∇ᵀp in place, the box over the real pixels (a partial last group apart)
    const n4 = 4 * Math.floor(n / 4);
    await this.onAllThreads('tvPrimal', (th) =>
      primal(...this.share(th, n4), this.L.w, wS, this.L.w, wS, this.L.box[th]),
    );
    if (n4 < stride)
      this.exports.tvPrimal(...primal(n4, stride, this.L.w, wS, this.L.w, wS, this.L.spareBox));
    this.mergeBoxes(box);
    const w = this.w;
    for (let k = n4; k < n; k++)
      for (let c = 0; c < 3; c++) {
        const x = w[c * stride + k];
        if (x < box[c]) box[c] = x;
        if (x > box[3 + c]) box[3 + c] = x;
      }
    this.syncPadding();
  }

  syncPadding(): void {
    const { w, n, stride } = this;
    for (let c = 0; c < 3; c++) w.fill(w[c * stride + n - 1], c * stride + n, c * stride + stride);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((wk) => wk.terminate()));
  }
}
