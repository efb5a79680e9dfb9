import { afterEach, describe, expect, it } from 'vitest';
import { JsKernels, type KernelInput, type SlicedKernels } from './kernels';
import { createRng, randomDirections } from './rng';
import { boundingBox, QuantileTables, type Colors } from './slicedWasserstein';
import { WasmKernels } from './wasm/wasmKernels';

function colors(n: number, seed: number, centre: number[], spread: number): Colors {
  const stride = Math.ceil(n / 4) * 4;
  const data = new Float32Array(3 * stride);
  const rng = createRng(seed);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++) data[c * stride + i] = centre[c] + spread * rng.normal();
  return { n, stride, data };
}

function input(n: number, m: number, K: number, bins: number): KernelInput {
  const u = colors(n, 1, [50, 10, -20], 12);
  const h = new Float32Array(3 * u.stride);
  const rng = createRng(2);
  for (let i = 0; i < h.length; i++) h[i] = rng.normal();
  const outCount = Uint8Array.from({ length: n }, () => Math.floor(rng.next() * 5));
  return { u, h, outCount, v: colors(m, 3, [60, -5, 5], 15), K, bins };
}

const open: SlicedKernels[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((k) => k.close()));
});

describe('WebAssembly SIMD kernels against the TypeScript reference', () => {
  it.each([1, 2])(
    'count and update agree on %i thread(s), with a partial last group of 4',
    async (threads) => {
      const n = 1003;
      const K = 7;
      const bins = 256;
      const inp = input(n, 517, K, bins);
      const js = new JsKernels(inp);
      const wasm = WasmKernels.create(inp, threads);
      expect(wasm).not.toBeNull();
      open.push(js, wasm!);
      const dirs = new Float64Array(3 * K);
      randomDirections(createRng(4), K, dirs);
      const tables = new QuantileTables(bins, K);
      tables.setRanges(dirs, K, boundingBox(inp.u), boundingBox(inp.v));
      js.setDirections(dirs, K, tables);
      wasm!.setDirections(dirs, K, tables);

      for (const [step, phase] of [
        [1, 0],
        [3, 1],
        [5, 0],
      ]) {
        const a = await js.count(step, phase);
        const b = await wasm!.count(step, phase);
        expect(b).toBe(a);
        let moved = 0;
        for (let k = 0; k < K; k++) {
          let ta = 0;
          let tb = 0;
          for (let j = 0; j < bins + 2; j++) {
            ta += js.histW[k * (bins + 2) + j];
            tb += wasm!.histW[k * (bins + 2) + j];
            moved += Math.abs(js.histW[k * (bins + 2) + j] - wasm!.histW[k * (bins + 2) + j]);
          }
          expect(ta).toBe(a);
          expect(tb).toBe(a);
        }
        // float32 against float64 positions: a point exactly on a bin edge may land on either side
        expect(moved).toBeLessThanOrEqual(2);
        expect(Array.from(wasm!.histV.subarray(0, K * (bins + 2))).reduce((s, x) => s + x, 0)).toBe(517 * K);
      }

      await js.count(1, 0);
      for (let k = 0; k < K; k++) tables.tabulate(k, js.histW, n, js.histV, 517, 0.08, js.table);
      wasm!.table.set(js.table);
      const boxJs = new Float64Array(6);
      const boxWasm = new Float64Array(6);
      for (let rep = 0; rep < 3; rep++) {
        await js.update(0.7, 0.05, 0.02, boxJs);
        await wasm!.update(0.7, 0.05, 0.02, boxWasm);
      }
      const s = inp.u.stride;
      let worst = 0;
      for (let c = 0; c < 3; c++)
        for (let i = 0; i < s; i++) worst = Math.max(worst, Math.abs(js.w[c * s + i] - wasm!.w[c * s + i]));
      expect(worst).toBeLessThan(2e-3);
      for (let c = 0; c < 6; c++) expect(boxWasm[c]).toBeCloseTo(boxJs[c], 2);
      // the padding repeats the last pixel
      for (let c = 0; c < 3; c++) expect(wasm!.w[c * s + s - 1]).toBe(wasm!.w[c * s + n - 1]);
    },
  );
});
