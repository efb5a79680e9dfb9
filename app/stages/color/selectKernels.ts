/**
 * Chooses the kernels for a run: WebAssembly SIMD on several threads for large regions, on one thread
 * for small ones, TypeScript where WebAssembly SIMD is missing (or when asked for).
 */
import { availableParallelism } from 'node:os';
import { JsKernels, type KernelInput, type SlicedKernels } from './kernels';
import { WasmKernels } from './wasm/wasmKernels';
import { StudioError } from '../../common/errors';

export interface KernelChoice {
  /** 'auto' (default): WebAssembly SIMD when available, else TypeScript; or force one. */
  kernels?: 'auto' | 'wasm' | 'js';
  /** Threads for the WebAssembly kernels (default: 1 below 64K pixels, else up to 4 cores). */
  threads?: number;
}

/** 1 thread below 64K pixels (a thread costs a few ms to start), else up to 4 cores. */
function defaultThreads(n: number): number {
  return n < 65536 ? 1 : Math.max(1, Math.min(4, availableParallelism()));
}

/** @throws StudioError INTERNAL when kernels = 'wasm' and WebAssembly SIMD is not available. */
export function selectKernels(input: KernelInput, choice: KernelChoice = {}): SlicedKernels {
  if (choice.kernels !== 'js') {
    const threads = choice.threads ?? defaultThreads(input.u.n);
    const k = WasmKernels.create(input, threads) ?? (threads > 1 ? WasmKernels.create(input, 1) : null);
    if (k) return k;
    if (choice.kernels === 'wasm')
      throw new StudioError('INTERNAL', 'WebAssembly SIMD is not available in this runtime');
  }
  return new JsKernels(input);
}
