/**
 * One image of `inpaint-studio run`, held as the codec's 8- or 16-bit samples rather than float planes.
 * When every stage reads only near the hole (Pipeline.localCrops: the embedded fill), only the holes'
 * neighbourhoods are converted to float, filled one after the other, and their hole pixels written back
 * into the samples, which are then encoded as they are: outside the hole the file's own samples, bit-exact.
 * A 32 MP photo then peaks at about a quarter of what a whole-image run holds. Otherwise (a model that
 * sees the whole image, an alpha channel, a 16-bit source written as 8-bit) the whole image is converted
 * and run as before.
 */
import { stageInfo, type LamaInfo } from '../common/stageInfo';
import { StudioError, asStudioError } from '../common/errors';
import { cropMask, cropSamples, pasteHoleIntoSamples } from '../image/crop';
import { interleavedToPlanar } from '../image/convert';
import { loadSamples } from '../image/load';
import { loadMask } from '../image/mask';
import { formatFromPath, outputBitDepth, saveImage, saveSamples, type SaveOptions } from '../image/save';
import type { Mask } from '../image/types';
import type { Pipeline, PipelineEvent, StageReport, StageRequest } from '../pipeline/run';

export interface ImageJob {
  image: string;
  mask: string;
  out: string;
}

export interface JobSettings {
  stages: readonly StageRequest[];
  seed: number;
  modelId?: string;
  /** The sampling area's file (white = may sample: app/image/sampling.ts); the run is then whole-image. */
  sampleMask?: string;
  save: Omit<SaveOptions, 'meta' | 'alpha' | 'format' | 'consumeImage'>;
  signal: AbortSignal;
  onEvent: (e: PipelineEvent) => void;
}

export interface JobResult {
  width: number;
  height: number;
  totalMs: number;
  stages: StageReport[];
  /** How many crops the run was made on (0: the whole image). */
  neighbourhoods: number;
}

/**
 * Loads, runs and writes one image (see the file comment).
 * @throws what loading, the pipeline and saving throw (IMAGE_DECODE, MASK_SIZE, CANCELLED, IMAGE_WRITE...)
 */
export async function runImageJob(job: ImageJob, pipeline: Pipeline, s: JobSettings): Promise<JobResult> {
  const decoded = await loadSamples(job.image);
  const { width, height, channels, meta } = decoded;
  const mask = await loadMask(job.mask, decoded);
  const sampling = s.sampleMask ? await loadSampleMask(s.sampleMask, decoded) : undefined;
  const format = formatFromPath(job.out);
  const depth = decoded.samples instanceof Uint16Array ? 16 : 8;
  const crops =
    // A sampling area may lie far from the hole, so a run with one sees the whole image.
    !sampling && channels === 3 && outputBitDepth(format, { meta, ...s.save }) === depth
      ? await pipeline.localCrops({ mask, stages: s.stages, seed: s.seed, modelId: s.modelId })
      : null;
  const run = { stages: s.stages, seed: s.seed, modelId: s.modelId, sampling };
  const opts = { signal: s.signal, onEvent: s.onEvent, consumeImage: true };

  if (!crops) {
    const { image, alpha } = interleavedToPlanar(decoded.samples, width, height, channels);
    const r = await pipeline.run({ ...run, image, mask }, opts);
    await saveImage(job.out, r.image, { ...s.save, alpha, meta, consumeImage: true });
    return { width, height, totalMs: r.totalMs, stages: r.stages, neighbourhoods: 0 };
  }

  const rgb = { samples: decoded.samples, width, height };
  let totalMs = 0;
  const reports: StageReport[][] = [];
  for (const crop of crops) {
    const r = await pipeline.run({ ...run, image: cropSamples(rgb, crop), mask: cropMask(mask, crop) }, opts);
    pasteHoleIntoSamples(rgb, r.image, r.mask as Mask, crop.x, crop.y);
    totalMs += r.totalMs;
    reports.push(r.stages.map((st) => shiftCrops(st, crop.x, crop.y)));
  }
  await saveSamples(job.out, decoded.samples, width, height, false, { ...s.save, meta });
  return { width, height, totalMs, stages: mergeReports(reports), neighbourhoods: crops.length };
}

/**
 * The --sample-mask file by the mask file rule (white or opaque = may sample).
 * @throws StudioError MASK_DECODE / MASK_SIZE as loadMask, the message naming --sample-mask
 */
async function loadSampleMask(file: string, size: { width: number; height: number }): Promise<Mask> {
  try {
    return await loadMask(file, size);
  } catch (e) {
    const err = asStudioError(e);
    throw new StudioError(err.code, `--sample-mask: ${err.message}`, { cause: e });
  }
}

/** A stage's report with the crops its info lists (lama's) moved from the neighbourhood's pixels to the image's. */
function shiftCrops(report: StageReport, dx: number, dy: number): StageReport {
  const info = stageInfo([report], 'lama');
  if (!info?.crops) return report;
  return { ...report, info: { ...info, crops: info.crops.map((c) => ({ ...c, x: c.x + dx, y: c.y + dy })) } };
}

/** One report per stage over every neighbourhood: times and crop lists added up, the first one's facts. */
function mergeReports(runs: StageReport[][]): StageReport[] {
  return runs[0].map((first, k) => {
    const all = runs.map((r) => r[k]);
    const merged = { ...first, ms: all.reduce((t, r) => t + r.ms, 0) };
    const lama = stageInfo([first], 'lama');
    if (!lama) return merged;
    const infos = all.map((r) => stageInfo([r], 'lama'));
    const info: LamaInfo = { ...lama };
    if (lama.crops) info.crops = infos.flatMap((i) => i?.crops ?? []);
    if (lama.neighbourhoods !== undefined)
      info.neighbourhoods = infos.reduce((n, i) => n + (i?.neighbourhoods ?? 0), 0);
    return { ...merged, info };
  });
}
