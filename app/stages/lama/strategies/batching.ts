/**
 * Batching the regions strategy's crops: which crops may share one model call, and how many.
 *
 * Crops share a call only when they pad to the same size (the model takes one tensor [N,C,H,W]): for
 * a fixed-size model every crop does (each is brought to its square), for a dynamic-size one only the
 * crops whose working size rounds up to the same multiple. Crops are never padded further to make a
 * batch: the model would see more mirrored padding than it sees alone, so a batched fill would no
 * longer be the fill the crop gets alone (and the extra pixels cost as much as real ones).
 *
 * A call's memory grows with the pixels it holds, so a batch is bounded by a pixel budget as well as
 * by lama.batchSize: the stage's own buffers for a crop come to about STAGE_BYTES_PER_PIXEL per
 * padded pixel (the crop and its hole at the working scale, their padded copies, the input tensor,
 * the output tensor, the output read back and cropped), and the model's activations grow in proportion
 * too, at a rate only the model knows (about 3 KB per pixel for big-LaMa's architecture, measured as
 * the peak RSS of the 512x512 stand-in in bench/results/lama.json, 1.2 GB against 0.2 GB for the
 * generated network). The budget is lama.resizeLimit squared: no batched call holds more pixels than
 * a single call of a dynamic-size model at the resize limit already may, so batching does not raise
 * the peak a run can reach (at the default 1024 px: four 512x512 crops; never less than one crop).
 */

/** What the stage allocates per padded pixel of a batched crop, besides the model's activations. */
export const STAGE_BYTES_PER_PIXEL = 80;

export interface BatchCandidate {
  /** The region's index (the order of the regions). */
  index: number;
  /** The size the engine receives for it (see paddedSize). */
  padded: { width: number; height: number };
}

/**
 * Groups the candidates into batches: by padded size (groups in the order of their first region,
 * regions in order within a group), each batch at most `maxItems` regions and `maxPixels` padded
 * pixels, but never empty (a crop larger than the budget is a batch of its own).
 * @param maxItems >= 1; @param maxPixels > 0
 * @returns the regions' indices, one array per engine call
 */
export function planBatches(
  candidates: readonly BatchCandidate[],
  maxItems: number,
  maxPixels: number,
): number[][] {
  const groups = new Map<string, BatchCandidate[]>();
  for (const c of candidates) {
    const key = `${c.padded.width}x${c.padded.height}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(c);
  }
  const batches: number[][] = [];
  for (const group of groups.values()) {
    let batch: number[] = [];
    let pixels = 0;
    for (const c of group) {
      const p = c.padded.width * c.padded.height;
      if (batch.length > 0 && (batch.length >= maxItems || pixels + p > maxPixels)) {
        batches.push(batch);
        batch = [];
        pixels = 0;
      }
      batch.push(c.index);
      pixels += p;
    }
    if (batch.length > 0) batches.push(batch);
  }
  return batches;
}

/** The pixel budget of one batched call for a resize limit (see the module comment). */
export function batchPixelBudget(resizeLimit: number): number {
  return resizeLimit * resizeLimit;
}

/** "1-4", "1, 3, 5" (1-based, for messages). */
export function describeIndices(indices: readonly number[]): string {
  const run = indices.every((v, k) => k === 0 || v === indices[k - 1] + 1);
  return run && indices.length > 2
    ? `${indices[0] + 1}–${indices.at(-1)! + 1}`
    : indices.map((i) => i + 1).join(', ');
}
