/**
 * `inpaint-studio run`: one image, or a folder of images (with one mask for all or a folder of masks
 * paired by file name). A bad file is reported and skipped; the others go on.
 */
import { describeStage } from '../contract/stageInfoText';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError, asStudioError, exitCodeFor } from '../common/errors';
import type { EngineServices } from '../host/services';
import { STAGES } from '../stages/registry';
import { checkBatchOut, checkNotInput, checkSingleOut } from './outTarget';
import { createReporter } from './reporter';
import { runImageJob } from './runNeighbourhoods';
import { buildStageRequests, ignoredSettings, parseStageList } from './stageFlags';

export interface RunFlags {
  image: string;
  mask: string;
  out: string;
  /** The sampling area's file (white = may sample), for every image of the run. */
  sampleMask?: string;
  stages: string;
  set: string[];
  json: boolean;
  model?: string;
  seed: number;
  quality?: number;
  colorProfile?: 'keep' | 'srgb';
  stripLocation?: boolean;
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff']);
const isDir = async (p: string) => (await stat(p).catch(() => null))?.isDirectory() ?? false;

interface Job {
  image: string;
  mask: string;
  out: string;
}

async function planJobs(flags: RunFlags): Promise<Job[]> {
  if (!(await stat(flags.image).catch(() => null))) {
    throw new StudioError('IMAGE_DECODE', `Cannot read ${flags.image}: no such file or folder`);
  }
  if (!(await isDir(flags.image))) {
    if (await isDir(flags.mask))
      throw new StudioError('MASK_DECODE', `--mask ${flags.mask} is a folder but --image is a single file`);
    await checkSingleOut(flags.out, flags.image, flags.mask);
    return [{ image: flags.image, mask: flags.mask, out: flags.out }];
  }
  const names = (await readdir(flags.image))
    .filter((n) => IMAGE_EXT.has(path.extname(n).toLowerCase()))
    .sort();
  if (names.length === 0)
    throw new StudioError(
      'IMAGE_DECODE',
      `The folder ${flags.image} holds no PNG, JPEG, WebP or TIFF images`,
    );
  await checkBatchOut(flags.out, flags.image, flags.mask);
  const maskDir = await isDir(flags.mask);
  const masks = maskDir ? await readdir(flags.mask) : [];
  return names.map((n) => {
    const stem = path.parse(n).name;
    const m = maskDir
      ? (masks.find((f) => path.parse(f).name === stem) ??
        masks.find((f) => path.parse(f).name === `${stem}-mask` || path.parse(f).name === `${stem}_mask`))
      : undefined;
    return {
      image: path.join(flags.image, n),
      mask: maskDir ? (m ? path.join(flags.mask, m) : path.join(flags.mask, `${stem}.png`)) : flags.mask,
      out: path.join(flags.out, n),
    };
  });
}

/** Runs the command; returns the process exit code. */
export async function runCommand(
  flags: RunFlags,
  services: EngineServices,
  signal: AbortSignal,
): Promise<number> {
  const reporter = createReporter(flags.json);
  const stageNames = parseStageList(flags.stages, STAGES);
  const stages = buildStageRequests(stageNames, flags.set, STAGES);
  for (const warning of ignoredSettings(stages, STAGES)) reporter.message(`warning: ${warning}`);
  const jobs = await planJobs(flags);
  if (jobs.length > 1 || (await isDir(flags.image))) {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(flags.out, { recursive: true });
  }
  const failures: { file: string; code: number }[] = [];
  for (const job of jobs) {
    try {
      await checkNotInput(job.out, job.image, job.mask);
      const result = await runImageJob(job, services.pipeline, {
        stages,
        seed: flags.seed,
        modelId: flags.model,
        sampleMask: flags.sampleMask,
        save: {
          quality: flags.quality,
          colorProfile: flags.colorProfile,
          stripLocation: flags.stripLocation,
        },
        signal,
        onEvent: (e) => reporter.event(e, jobs.length > 1 ? job.image : undefined),
      });
      reporter.done();
      const summary = {
        type: 'summary',
        ok: true,
        image: job.image,
        out: job.out,
        size: `${result.width}x${result.height}`,
        totalMs: Math.round(result.totalMs),
        stages: result.stages.map((s) => {
          // What the stage did in words (app/contract/stageInfoText.ts), beside its info.
          const text = describeStage(s.stage, s.info);
          return {
            stage: s.stage,
            ms: Math.round(s.ms),
            cached: s.cached,
            info: s.info,
            ...(text ? { text } : {}),
          };
        }),
      };
      if (flags.json) reporter.line(summary);
      else reporter.message(`Wrote ${job.out} (${summary.size}, ${summary.totalMs} ms)`);
    } catch (e) {
      reporter.done();
      const err = asStudioError(e);
      if (err.code === 'CANCELLED') throw err;
      failures.push({ file: job.image, code: exitCodeFor(err.code) });
      if (flags.json)
        reporter.line({ type: 'error', ok: false, image: job.image, code: err.code, message: err.message });
      else process.stderr.write(`error: ${job.image}: ${err.message}\n`);
      if (jobs.length === 1) return exitCodeFor(err.code);
    }
  }
  if (failures.length === 0) return 0;
  if (!flags.json) process.stderr.write(`${failures.length} of ${jobs.length} images failed\n`);
  const codes = new Set(failures.map((f) => f.code));
  return codes.size === 1 ? failures[0].code : 1;
}
