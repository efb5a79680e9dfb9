/**
 * Region decomposition (report §7): the hole is split into regions (connected components, merged when
 * close), each filled in its own crop (its box plus a context margin, optionally restricted by a user
 * rectangle), in sequence, and composited back with the feathered edge as soon as it is filled, so only
 * one region's fill is held at a time. The multiscale strategy runs through here too, with a coarse and a
 * fine pass per crop. Regions run one model call at a time: the adapters take batch 1.
 */
import { throwIfAborted } from '../../../common/errors';
import type { Rect } from '../../../common/params';
import { createImage, type Mask, type RgbImage } from '../../../image/types';
import { compositePartInto } from '../composite';
import type { MultiscaleVariant } from '../params';
import { fitScale, workingSize } from '../sizing';
import { holeRegions, type HoleRegion } from './connectedComponents';
import { cropFillSource, fillCrop, type CropFill, type Filler } from './fillCrop';
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
  crops: CropReport[];
  calls: number;
}

/**
 * Fills every region and composites it into a copy of the image.
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
      hole,
      { x: 0, y: 0, width: W, height: H },
      globalScale,
      filler,
      opts.signal,
    );
    calls++;
  }

  const out = image.data.slice();
  const crops: CropReport[] = [];
  for (let k = 0; k < jobs.length; k++) {
    const { region, crop } = jobs[k];
    const name = `Region ${k + 1}/${jobs.length} (${crop.width}x${crop.height} crop)`;
    let fill: CropFill;
    const report: CropReport = { ...crop, scale: 1 };
    if (multiscale) {
      const r = await multiscaleCrop(image, hole, crop, filler, {
        coarseScale: opts.coarseScale,
        variant: opts.variant,
        crossover: opts.crossover,
        global: usesGlobal(jobs[k]) ? global : null,
        signal: opts.signal,
        onCall: (what) => step(`${name}: ${what} (${filler.label})`),
      });
      calls += r.calls;
      fill = r;
      report.coarseScale = r.coarseScale;
    } else {
      const scale = fitScale(crop.width, crop.height, filler);
      const size = workingSize(crop, scale);
      step(`${name}: filling at ${size.width}x${size.height} (${filler.label})`);
      fill = await fillCrop(image, hole, crop, scale, filler, opts.signal);
      calls++;
    }
    report.scale = fill.scale;
    crops.push(report);
    throwIfAborted(opts.signal);
    compositePartInto(out, hole, region, cropFillSource(fill), opts.feather);
  }
  opts.progress(calls, total, `Filled ${jobs.length} region${jobs.length === 1 ? '' : 's'}`);
  return { image: createImage(W, H, out), crops, calls };
}
