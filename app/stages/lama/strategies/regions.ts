/**
 * Region decomposition (report §7): the hole is split into regions (connected components, merged when
 * close), each filled in its own crop (its box plus a context margin, optionally restricted by a user
 * rectangle), and composited back with the feathered edge as soon as it is filled, so only the fills
 * of one engine call are held at a time. The multiscale strategy runs through here too, with a coarse
 * and a fine pass per crop, one call at a time.
 *
 * The regions strategy fills its crops in sequence, one engine call per region, or, when the engine
 * takes a batch (a model whose batch dimension is dynamic) and lama.batchSize > 1, in batches: the
 * crops that pad to the same size, up to batchSize of them and within a pixel budget (batching.ts),
 * go in one call, with progress and a cancellation check between calls. Compositing stays per region,
 * and the regions' parts of the hole do not overlap, so a batched run composites exactly what the
 * sequential one does from the same fills. A batched call the model fails (INFERENCE: a model that
 * declares a dynamic batch but cannot run one, or runs out of memory) is retried one region per call,
 * and the rest of the run goes sequentially, with a log line saying so.
 */
import { StudioError, throwIfAborted } from '../../../common/errors';
import type { Rect } from '../../../common/params';
import { createImage, type Mask, type RgbImage } from '../../../image/types';
import { compositePartInto } from '../composite';
import type { MultiscaleVariant } from '../params';
import { fitScale, paddedSize, workingSize } from '../sizing';
import { describeIndices, planBatches } from './batching';
import { holeRegions, type HoleRegion } from './connectedComponents';
import {
  canBatch,
  cropFillSource,
  fillCrop,
  prepareCrop,
  runFillerBatch,
  type CropFill,
  type Filler,
} from './fillCrop';
import { multiscaleCrop } from './multiscale';
import { regionCrop } from './regionCrop';

export interface RegionJob {
  region: HoleRegion;
  crop: Rect;
}

/**
 * The regions of a hole and their crops.
 * @param mergeDistance >= 0 px; @param marginFactor >= 0; @param context the user's context rectangle or null
 */
export function planRegions(
  hole: Mask,
  mergeDistance: number,
  marginFactor: number,
  context: Rect | null,
): RegionJob[] {
  return holeRegions(hole, mergeDistance).map((region) => ({
    region,
    crop: regionCrop(region.box, marginFactor, hole.width, hole.height, context),
  }));
}

export interface RegionFillOptions {
  strategy: 'regions' | 'multiscale';
  coarseScale: number;
  coarseFit: boolean;
  variant: MultiscaleVariant;
  crossover: number;
  feather: number;
  /**
   * regions: most regions one engine call fills (default 1: one call per region). More than one only
   * when the engine batches (canBatch); multiscale always runs one call per pass.
   */
  batchSize?: number;
  /** regions: most padded pixels one batched call holds (default unbounded; see batching.ts). */
  batchPixels?: number;
  /**
   * What the engine fills, when it is more than the hole: the hole and the known pixels the sampling area
   * leaves out (they must not feed the fill). Only `hole` is composited; default the hole itself.
   */
  fillHole?: Mask;
  /**
   * Composite into these planes (the image's own, when the caller may overwrite it: StageInput.writable)
   * instead of into a copy of the image; the result's data is then this array.
   */
  into?: Float32Array;
  signal: AbortSignal;
  /** Progress after each engine call: calls done, calls planned, what runs next. */
  progress(step: number, total: number, message: string): void;
  log(message: string): void;
}

/** One crop as the stage reports it. */
export interface CropReport {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Scale of the (fine) pass. */
  scale: number;
  /** multiscale: scale of the coarse pass. */
  coarseScale?: number;
}

export interface RegionFillResult {
  image: RgbImage;
  /** One per region, in the regions' order. */
  crops: CropReport[];
  /** Engine calls made. */
  calls: number;
  /** regions: the number of regions each engine call filled, in call order (all 1 when sequential). */
  batches: number[];
}

/**
 * Fills every region and composites it into a copy of the image (or into opts.into).
 * @throws what the engine throws (INFERENCE, CANCELLED, ...)
 */
export async function fillRegions(
  image: RgbImage,
  hole: Mask,
  jobs: readonly RegionJob[],
  filler: Filler,
  opts: RegionFillOptions,
): Promise<RegionFillResult> {
  const { width: W, height: H } = image;
  // The engine fills `seen`; the composite writes only `hole`'s parts.
  const seen = opts.fillHole ?? hole;
  const multiscale = opts.strategy === 'multiscale';
  const fineCalls = opts.variant === 'plain' ? 2 : 1;
  const globalScale = fitScale(W, H, filler);
  const usesGlobal = (job: RegionJob) =>
    multiscale && opts.coarseFit && globalScale <= 0.9 * fitScale(job.crop.width, job.crop.height, filler);
  const needGlobal = jobs.some(usesGlobal);
  if (multiscale && opts.coarseFit && !needGlobal) {
    opts.log(
      'lama.coarseFit: every crop already fits the model at the whole image’s scale, so each coarse pass runs at lama.coarseScale instead',
    );
  }
  let total = needGlobal ? 1 : 0;
  for (const job of jobs) total += multiscale ? fineCalls + (usesGlobal(job) ? 0 : 1) : 1;
  let calls = 0;
  const step = (message: string) => {
    throwIfAborted(opts.signal);
    opts.progress(calls, total, message);
  };

  let global: CropFill | null = null;
  if (needGlobal) {
    const size = workingSize({ x: 0, y: 0, width: W, height: H }, globalScale);
    step(`Coarse pass over the whole image at ${size.width}x${size.height} (${filler.label})`);
    global = await fillCrop(
      image,
      seen,
      { x: 0, y: 0, width: W, height: H },
      globalScale,
      filler,
      opts.signal,
    );
    calls++;
  }

  const out = opts.into ?? image.data.slice();
  const crops: CropReport[] = new Array<CropReport>(jobs.length);
  const composite = (k: number, fill: CropFill, report: CropReport) => {
    report.scale = fill.scale;
    crops[k] = report;
    compositePartInto(out, hole, jobs[k].region, cropFillSource(fill), opts.feather);
  };

  if (!multiscale) {
    const r = await fillRegionCrops(image, seen, jobs, filler, opts, composite);
    opts.progress(r.calls, r.calls, `Filled ${jobs.length} region${jobs.length === 1 ? '' : 's'}`);
    return { image: createImage(W, H, out), crops, calls: r.calls, batches: r.batches };
  }

  for (let k = 0; k < jobs.length; k++) {
    const { crop } = jobs[k];
    const name = `Region ${k + 1}/${jobs.length} (${crop.width}x${crop.height} crop)`;
    const r = await multiscaleCrop(image, seen, crop, filler, {
      coarseScale: opts.coarseScale,
      variant: opts.variant,
      crossover: opts.crossover,
      global: usesGlobal(jobs[k]) ? global : null,
      signal: opts.signal,
      onCall: (what) => step(`${name}: ${what} (${filler.label})`),
    });
    calls += r.calls;
    throwIfAborted(opts.signal);
    composite(k, r, { ...crop, scale: r.scale, coarseScale: r.coarseScale });
  }
  opts.progress(calls, total, `Filled ${jobs.length} region${jobs.length === 1 ? '' : 's'}`);
  return { image: createImage(W, H, out), crops, calls, batches: [] };
}

/**
 * The regions strategy: every crop at the scale it fits the engine, one call per batch (a batch of
 * one is exactly the sequential fill), each region composited as soon as its call returns.
 * @param hole what the engine fills (RegionFillOptions.fillHole or the hole)
 */
async function fillRegionCrops(
  image: RgbImage,
  hole: Mask,
  jobs: readonly RegionJob[],
  filler: Filler,
  opts: RegionFillOptions,
  composite: (k: number, fill: CropFill, report: CropReport) => void,
): Promise<{ calls: number; batches: number[] }> {
  const plans = jobs.map(({ crop }, index) => {
    const scale = fitScale(crop.width, crop.height, filler);
    const size = workingSize(crop, scale);
    return { index, scale, size, padded: paddedSize(size.width, size.height, filler) };
  });
  const maxItems = Math.min(Math.max(1, Math.floor(opts.batchSize ?? 1)), filler.maxBatch ?? 1);
  let queue: number[][] =
    maxItems > 1 && canBatch(filler)
      ? planBatches(plans, maxItems, opts.batchPixels ?? Infinity)
      : plans.map((p) => [p.index]);
  const batches: number[] = [];
  let calls = 0;
  let total = queue.length;
  const name = (k: number) => {
    const { crop } = jobs[k];
    return `Region ${k + 1}/${jobs.length} (${crop.width}x${crop.height} crop)`;
  };
  while (queue.length > 0) {
    const batch = queue.shift()!;
    throwIfAborted(opts.signal);
    if (batch.length === 1) {
      const k = batch[0];
      const { crop } = jobs[k];
      const { scale, size } = plans[k];
      opts.progress(calls, total, `${name(k)}: filling at ${size.width}x${size.height} (${filler.label})`);
      const fill = await fillCrop(image, hole, crop, scale, filler, opts.signal);
      calls++;
      batches.push(1);
      throwIfAborted(opts.signal);
      composite(k, fill, { ...crop, scale });
      continue;
    }
    const { padded } = plans[batch[0]];
    opts.progress(
      calls,
      total,
      `Regions ${describeIndices(batch)}/${jobs.length}: ${batch.length} crops in one call at ${padded.width}x${padded.height} (${filler.label})`,
    );
    const inputs = batch.map((k) => prepareCrop(image, hole, jobs[k].crop, plans[k].scale, filler.dilate));
    let fills: RgbImage[];
    try {
      fills = await runFillerBatch(filler, inputs, opts.signal);
    } catch (e) {
      // Only the model failing on the batch falls back (INTERNAL would be a planning bug: rethrown).
      if (!(e instanceof StudioError && e.code === 'INFERENCE') || opts.signal.aborted) throw e;
      calls++;
      const rest = [batch, ...queue].flat();
      opts.log(
        `A batched call of ${batch.length} regions failed (${e instanceof Error ? e.message : String(e)}); filling the remaining ${rest.length} regions one per call`,
      );
      queue = rest.map((k) => [k]);
      total = calls + queue.length;
      continue;
    }
    calls++;
    batches.push(batch.length);
    throwIfAborted(opts.signal);
    batch.forEach((k, j) => {
      const { crop } = jobs[k];
      composite(
        k,
        { rect: crop, scale: plans[k].scale, image: fills[j] },
        { ...crop, scale: plans[k].scale },
      );
    });
  }
  return { calls, batches };
}
