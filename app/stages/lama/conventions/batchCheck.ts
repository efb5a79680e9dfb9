/**
 * Whether a model that declares a symbolic batch really fills a batch as it fills each image alone:
 * two different test images (selfCheck.ts's scene and a variant), each run alone, then both in one
 * call. Many exports declare a symbolic batch that no one has run with more than one image (the
 * Carve LaMa among them), so the stage batches a model only once this check passed.
 */
import { StudioError } from '../../../common/errors';
import { selfCheckScene } from './selfCheck';
import type { InpaintAdapter } from './types';

/** Largest difference (0..1) allowed between a batched fill and the same image's single fill. */
export const BATCH_TOLERANCE = 2 / 255;
/** Side of the test images for a model that takes any size (a multiple of 32). */
export const BATCH_CHECK_SIZE = 64;

export interface BatchCheckResult {
  /** True when a batch of two gave the two single fills within BATCH_TOLERANCE. */
  capable: boolean;
  /** Largest difference found (0..1), or null when the batched call failed or was not made. */
  maxDiff: number | null;
  /** In words, for the stage's info. */
  reason: string;
}

/**
 * Runs the check: 3 model calls (2 single, 1 batch of 2) on the model's fixed size or BATCH_CHECK_SIZE.
 * @throws StudioError CANCELLED when the signal fires; INFERENCE when a single call fails.
 */
export async function verifyBatching(
  adapter: InpaintAdapter,
  signal?: AbortSignal,
): Promise<BatchCheckResult> {
  if (!adapter.dynamicBatch) {
    return {
      capable: false,
      maxDiff: null,
      reason: adapter.batchReason ?? `its batch dimension is fixed at ${adapter.batchDim}`,
    };
  }
  const size = adapter.fixedSize ?? BATCH_CHECK_SIZE;
  const scenes = [selfCheckScene(size, 0), selfCheckScene(size, 1)];
  const single = [];
  for (const s of scenes) single.push(await adapter.run(s.image, s.mask, signal));
  let batched;
  try {
    batched = await adapter.runBatch(
      scenes.map((s) => s.image),
      scenes.map((s) => s.mask),
      signal,
    );
  } catch (e) {
    if (e instanceof StudioError && e.code === 'CANCELLED') throw e;
    return {
      capable: false,
      maxDiff: null,
      reason: `a batch of two failed where single calls ran (${(e as Error).message})`,
    };
  }
  let maxDiff = 0;
  for (let k = 0; k < 2; k++) {
    const a = single[k].data;
    const b = batched[k].data;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]);
      if (!(d <= maxDiff)) maxDiff = Number.isNaN(d) ? Infinity : d;
    }
  }
  const capable = maxDiff <= BATCH_TOLERANCE;
  return {
    capable,
    maxDiff,
    reason: capable
      ? `a batch of two gave the single calls' fills (largest difference ${maxDiff.toFixed(4)})`
      : `a batch of two gave other fills than single calls (largest difference ${maxDiff.toFixed(4)}, more than ${BATCH_TOLERANCE.toFixed(4)})`,
  };
}
