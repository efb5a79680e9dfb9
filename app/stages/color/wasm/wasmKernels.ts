/**
 * The SlicedKernels on WebAssembly SIMD (kernelModule.ts), on `threads` threads: this one and
 * threads − 1 worker threads running the same compiled module on one shared memory, each on its own
 * share of the pixels. A worker is a few lines of plain JavaScript (evaluated, so it needs no TypeScript
 * loader) that runs the function a message names and answers when done.
 *
 * Memory (byte offsets, 16-byte aligned): w, h (3 planes each), cnt (1 plane, f32), v (3 planes), the
 * displacement table, one w histogram per thread, v's histogram, the direction records (update, count
 * per thread, count of v) and one box per thread.
 */
import { Worker } from 'node:worker_threads';
import { padColors, type KernelInput, type SlicedKernels } from '../kernels';
import { countRange } from '../kernels';
import type { Box, QuantileTables } from '../slicedWasserstein';
import { encodeModule } from './encode';
import { buildCount, buildUpdate } from './kernelModule';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const instance = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } });
parentPort.on('message', (m) => {
  try {
    instance.exports[m.fn](...m.args);
    parentPort.postMessage({ ok: true });
  } catch (e) {
    parentPort.postMessage({ ok: false, message: String((e && e.message) || e) });
  }
});
`;

const PAGE = 65536;
/** Below this many sampled pixels the count runs on this thread alone. */
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
  bytes: number;
}

function layout(stride: number, vStride: number, K: number, B: number, threads: number): Layout {
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
    bytes: 0,
  };
  l.bytes = at;
  return l;
}

interface Call {
  fn: 'update' | 'count';
  args: number[];
}

class WorkerHandle {
  private readonly worker: Worker;
  private pending: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private failed: Error | null = null;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory } });
    this.worker.on('message', (m: { ok: boolean; message?: string }) => {
      const p = this.pending;
      this.pending = null;
      if (!p) return;
      if (m.ok) p.resolve();
      else p.reject(new Error(`colour kernel thread: ${m.message}`));
    });
    const fail = (e: Error) => {
      this.failed = e;
      this.pending?.reject(e);
      this.pending = null;
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      if (this.pending) fail(new Error(`colour kernel thread exited with code ${code}`));
    });
  }

  call(c: Call): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(c);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
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
  private readonly exports: { update: (...a: number[]) => void; count: (...a: number[]) => void };
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
    this.recF = new Float32Array(buf);
    this.recI = new Int32Array(buf);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.exports = instance.exports as unknown as WasmKernels['exports'];
    this.workers = Array.from({ length: threads - 1 }, () => new WorkerHandle(module, memory));
  }

  /**
   * The WebAssembly kernels for this input on `threads` (>= 1) threads, or null where WebAssembly SIMD
   * (or, for threads > 1, shared memory) is not available or the memory cannot be had.
   */
  static create(input: KernelInput, threads: number): WasmKernels | null {
    const vStride = Math.ceil(input.v.n / 4) * 4;
    const L = layout(input.u.stride, vStride, input.K, input.bins, threads);
    const pages = Math.ceil(L.bytes / PAGE) + 1;
    const shared = threads > 1;
    try {
      const bytes = encodeModule(
        [
          { name: 'update', fn: buildUpdate(input.K) },
          { name: 'count', fn: buildCount(input.K) },
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
    if (K !== this.builtK) throw new Error(`These kernels take ${this.builtK} directions, not ${K}`);
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
  private async onAllThreads(fn: 'update' | 'count', argsOf: (t: number) => number[]): Promise<void> {
    const pending = this.workers.map((wk, i) => wk.call({ fn, args: argsOf(i + 1) }));
    this.exports[fn](...argsOf(0));
    await Promise.all(pending);
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
    if (4 * sampledGroups < PARALLEL_COUNT_MIN || T === 1) {
      // A small sample: a round trip to the workers would cost more than it saves.
      this.exports.count(4 * phase, 4 * groups, 4 * step, this.L.w, strideB, this.L.cntDirs[0], B - 1);
    } else {
      await this.onAllThreads('count', (th) => [
        4 * (phase + th * step),
        4 * groups,
        4 * step * T,
        this.L.w,
        strideB,
        this.L.cntDirs[th],
        B - 1,
      ]);
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
    const vGroups = Math.floor(this.m / 4);
    this.exports.count(0, 4 * vGroups, 4, this.L.v, 4 * this.vStride, this.L.vDirs, B - 1);
    countRange(this.v, this.vStride, 4 * vGroups, this.m, this.dirs, K, t.loV, t.invHV, B, this.histV);
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

  syncPadding(): void {
    const { w, n, stride } = this;
    for (let c = 0; c < 3; c++) w.fill(w[c * stride + n - 1], c * stride + n, c * stride + stride);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((wk) => wk.terminate()));
  }
}
