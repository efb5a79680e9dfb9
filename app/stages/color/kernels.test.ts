import { afterEach, describe, expect, it } from 'vitest';
import { JsKernels, type KernelInput, type SlicedKernels } from './kernels';
import { buildRegion } from './region';
import { createRng, randomDirections } from './rng';
import { boundingBox, QuantileTables, type Colors } from './slicedWasserstein';
import { texturedImage } from '../../testing/colorScenes';
import { rectMask } from '../../testing/masks';
import { totalVariation } from './tvProx';
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

describe('the TV prox in WebAssembly against the TypeScript reference', () => {
  /** A hole of 2 rectangles joined by a pixel, and a notch: rows of uneven length, absent neighbours. */
  function tvInput(): { input: KernelInput; n: number } {
    const W = 40;
    const H = 30;
    const image = texturedImage(W, H, 5, 7);
    const mask = rectMask(W, H, 3, 2, 21, 17);
    for (let y = 12; y < 27; y++) for (let x = 22; x < 37; x++) mask.data[y * W + x] = 1;
    mask.data[16 * W + 21] = 1;
    for (let y = 5; y < 9; y++) for (let x = 8; x < 11; x++) mask.data[y * W + x] = 0;
    mask.data[26 * W + 36] = 0; // n not a multiple of 4
    const region = buildRegion(image, mask, 'lab');
    expect(region.n % 4).not.toBe(0);
    const u = { n: region.n, stride: region.stride, data: region.u };
    const input: KernelInput = {
      u,
      h: new Float32Array(3 * region.stride),
      outCount: region.outCount,
      v: u,
      K: 3,
      bins: 64,
      grid: { right: region.right, down: region.down },
    };
    return { input, n: region.n };
  }

  it.each([1, 2])('agrees over warm-started calls on %i thread(s), box included', async (threads) => {
    const { input, n } = tvInput();
    const js = new JsKernels(input);
    const wasm = WasmKernels.create(input, threads);
    expect(wasm).not.toBeNull();
    open.push(js, wasm!);
    const s = input.u.stride;
    const boxJs = new Float64Array(6);
    const boxWasm = new Float64Array(6);
    const grid = { n, stride: s, ...input.grid!, outCount: input.outCount };
    const tv0 = totalVariation(grid as never, js.w);
    for (const [t, iterations] of [
      [0.8, 2],
      [2.5, 3],
      [0.3, 1],
      [1.5, 4],
    ]) {
      await js.tvProx(t, 0.05, 0.2, iterations, boxJs);
      await wasm!.tvProx(t, 0.05, 0.2, iterations, boxWasm);
      let worst = 0;
      let moved = 0;
      for (let c = 0; c < 3; c++)
        for (let k = 0; k < s; k++) {
          worst = Math.max(worst, Math.abs(js.w[c * s + k] - wasm!.w[c * s + k]));
          moved = Math.max(moved, Math.abs(js.w[c * s + k] - input.u.data[c * s + k]));
        }
      // float32 arithmetic against double: far below the moves themselves (several units)
      expect(moved).toBeGreaterThan(1);
      expect(worst).toBeLessThan(2e-3);
      for (let c = 0; c < 6; c++) expect(boxWasm[c]).toBeCloseTo(boxJs[c], 3);
    }
    // the prox flattened the region, and the padding repeats the last pixel
    expect(totalVariation(grid as never, wasm!.w)).toBeLessThan(0.8 * tv0);
    for (let c = 0; c < 3; c++) expect(wasm!.w[c * s + s - 1]).toBe(wasm!.w[c * s + n - 1]);
  });

  it('refuses without the grid', async () => {
    const { input } = tvInput();
    const bare = { ...input, grid: undefined };
    const wasm = WasmKernels.create(bare, 1)!;
    const js = new JsKernels(bare);
    open.push(wasm, js);
    await expect(wasm.tvProx(1, 0, 0, 2, new Float64Array(6))).rejects.toThrow('region grid');
    await expect(js.tvProx(1, 0, 0, 2, new Float64Array(6))).rejects.toThrow('region grid');
  });
});
