/**
 * The colour stage: corrects the colours of the filled hole so that they match a reference region, at
 * full resolution, leaving every pixel outside the hole bit for bit as it was. Methods: the regularised
 * sliced-Wasserstein transfer of Rabin and Peyré with a border-continuity term (default), and the
 * Reinhard and Pitié baselines (baselines.ts). See params.ts for the parameters and their units.
 *
 * Per hole (or group of holes): the region and the reference (reference.ts; the automatic ring limited
 * to the colours plausible for the hole, plausible.ts), the method, then, whatever the method, the
 * guided smoothing of the colour change and the seam correction (postprocess.ts).
 */
import { throwIfAborted } from '../../common/errors';
import type { Rect } from '../../common/params';
import type { ColorHole, ColorInfo } from '../../common/stageInfo';
import { colourOverlap, holeEdgeShift, ringGeometry, ringWidthFor } from '../../image/holeRing';
import { maskBoundingBox } from '../../image/crop';
import { cloneImage, maskArea, type RgbImage } from '../../image/types';
import { defineStage, type StageContext, type StageInput, type StageOutput } from '../../pipeline/types';
import { pitie, reinhard } from './baselines';
import { SpaceConverter } from './colorSpace';
import { createProblem, type Weights } from './energy';
import { COLOR_PARAMS, type ColorParams } from './params';
import {
  chooseReference,
  MAX_REFERENCE_SAMPLES,
  referenceSamples,
  ringPixels,
  usableRect,
} from './reference';
import { holeGroups } from './holes';
import { plausibleRingSamples } from './plausible';
import { correctSeam, smoothChange } from './postprocess';
import { PreviewCanvas } from './preview';
import { buildRegion, writeRegionInto } from './region';
import { createRng } from './rng';
import { emptyTiming, solveRabinPeyre, type SolverResult } from './solver';

/**
 * Previews (preview.ts, at most 1024 pixels on the long side): at most one a second, after at least 10
 * iterations, and never more than a tenth of the run's time.
 */
const PREVIEW_EVERY_MS = 1000;
const PREVIEW_MIN_ITERATIONS = 10;
const PREVIEW_SHARE = 0.1;

/** Pixels counted per iteration for the CDFs of w (all holes together), and the least for one hole. */
const SAMPLE_LIMIT = 131072;
const SAMPLE_MIN = 16384;
/**
 * Reference samples of one hole: MAX_REFERENCE_SAMPLES shared out between the holes by size like the CDF
 * sample (each counted every iteration), at least this many.
 */
const REFERENCE_MIN = 8192;
/**
 * A hole whose colour shift across its edge (image/holeRing.ts) is at most max(MATCH_FLOOR ΔE,
 * color.matchFactor × the ring's own level) already has the colours of its surroundings: the stage
 * leaves it as it is (a correction there could only move a right fill away from itself).
 */
const MATCH_FLOOR = 2;
/**
 * The block-matching stage's reference is used only when its colours overlap those of the ring around
 * the holes by at least this much (Bhattacharyya coefficient of coarse CIELab histograms, 0..1), and
 * then together with the ring. Blocks matched against a blurry or bland fill can gather on another
 * object (Garden's green background beside its yellow stamens: overlap 0.3), and a region of only some
 * of the ring's colours (the orange suit beside the astronaut's patch, 0.88; the cat's other eye, 0.92)
 * moves the hole's colours to them: measured on the corrections bench, the ring alone did better there,
 * and within 0.1 ΔE on the textures (overlap 0.98..1). Below it, each hole's own ring serves.
 */
export const HANDED_MIN_OVERLAP = 0.95;

/**
 * Whether the reference rectangle handed on by block matching may serve: usable (inside the image, with
 * untouched pixels) and with colours that overlap the holes' ring (HANDED_MIN_OVERLAP; the ring as wide
 * as ringWidthFor(the holes' area), at least ringWidth). null when none was handed.
 */
export function handedReference(
  image: RgbImage,
  mask: StageInput['mask'],
  handed: Rect | undefined,
  ringWidth: number,
): { use: boolean; overlap: number } | null {
  if (!usableRect(handed, mask)) return null;
  const r = handed!;
  const inRect: number[] = [];
  for (let y = r.y; y < r.y + r.height; y++)
    for (let x = r.x; x < r.x + r.width; x++) {
      const i = y * mask.width + x;
      if (!mask.data[i]) inRect.push(i);
    }
  const ring = ringPixels(mask, Math.max(ringWidth, ringWidthFor(maskArea(mask))));
  const overlap = colourOverlap(image, inRect, ring);
  return { use: overlap >= HANDED_MIN_OVERLAP, overlap };
}

/** What the stage did with one hole (or group of small holes), for the info. */
type HoleReport = ColorHole;

/** Whether the hole's colours already continue its surroundings (see MATCH_FLOOR), with the numbers. */
function alreadyMatches(
  image: RgbImage,
  hole: StageInput['mask'],
  mask: StageInput['mask'],
  factor: number,
): { matches: boolean; shift: number; natural: number } {
  const { shift, natural } = holeEdgeShift(image, ringGeometry(hole, mask));
  const limit = Math.max(MATCH_FLOOR, factor * natural);
  return { matches: factor > 0 && shift <= limit, shift, natural };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

function weightsOf(params: ColorParams): Weights {
  return {
    lambdaL: params.lambdaL,
    lambdaLS: params.lambdaLS,
    lambdaR: params.lambdaR,
    lambdaS: params.lambdaS,
    lambdaB: params.lambdaB,
  };
}

/**
 * Progress for each iteration, numbered across the holes solved one after the other, with a preview at
 * most every `everyMs` and every PREVIEW_MIN_ITERATIONS iterations, spaced so that previews take at most
 * PREVIEW_SHARE of the time; the time spent on previews goes to timing.previewMs.
 */
export class ProgressReporter {
  private lastPreview = performance.now();
  private lastCost = 0;
  private sincePreview = 0;

  constructor(
    private readonly ctx: StageContext,
    private readonly total: number,
    private readonly label: string,
    private readonly timing: { previewMs: number },
    private readonly everyMs = PREVIEW_EVERY_MS,
  ) {}

  /** The per-iteration callback of one hole: its first step is offset + 1; preview renders the image. */
  hole(offset: number, preview: (w: Float32Array) => RgbImage): (iteration: number, w: Float32Array) => void {
    return (iteration, w) => {
      this.sincePreview++;
      const step = offset + iteration + 1;
      const now = performance.now();
      let image: RgbImage | undefined;
      const spacing = Math.max(this.everyMs, (this.lastCost * (1 - PREVIEW_SHARE)) / PREVIEW_SHARE);
      if (
        this.sincePreview >= PREVIEW_MIN_ITERATIONS &&
        now - this.lastPreview >= spacing &&
        step < this.total
      ) {
        image = preview(w);
        this.lastPreview = performance.now();
        this.lastCost = this.lastPreview - now;
        this.timing.previewMs += this.lastCost;
        this.sincePreview = 0;
      }
      this.ctx.progress({
        step,
        total: this.total,
        message: `${this.label}: iteration ${step} of ${this.total}`,
        preview: image,
      });
    };
  }
}

async function run(input: StageInput, params: ColorParams, ctx: StageContext): Promise<StageOutput> {
  const t0 = performance.now();
  const method = params.method;
  const space = params.colorSpace;
  const iterations = params.iterations;
  const ringWidth = params.ringWidth;
  // With the ring, each hole is matched to its own surroundings; a rectangle serves every hole.
  const rect = params.referenceRect;
  const handed = rect ? null : handedReference(input.image, input.mask, input.artifacts.reference, ringWidth);
  if (handed && !handed.use)
    ctx.log(
      `The block-matching reference's colours overlap the hole's surroundings by ${round2(handed.overlap)} (< ${HANDED_MIN_OVERLAP}); using the ring`,
    );
  const useHanded = handed?.use === true;
  const perHole = !rect && !useHanded && params.ringPerHole;
  const groups = perHole ? holeGroups(input.mask) : [input.mask];
  const whole = chooseReference(
    input.mask,
    rect,
    useHanded ? input.artifacts.reference : undefined,
    ringWidth,
    ctx.log,
    groups[0],
    input.sampling,
  );
  if (whole.source === 'blockmatch') {
    const ring = ringPixels(input.mask, ringWidth, input.mask, input.sampling);
    const set = new Set<number>(whole.pixels);
    for (const i of ring) set.add(i);
    whole.pixels = Int32Array.from(set).sort();
  }
  const out = cloneImage(input.image);
  const conv = new SpaceConverter(space);
  const holePixels = maskArea(input.mask);
  const rng = createRng(ctx.seed ^ 0x5bd1e995);
  const timing = emptyTiming();
  const extra = { previewMs: 0, setupMs: performance.now() - t0, writeMs: 0, postMs: 0 };
  const weighting = params.ringWeighting;
  const smoothing = params.changeSmoothing;
  const seamWidth = params.seamWidth;
  let weighted = false;
  const total = method === 'reinhard' ? groups.length : groups.length * iterations;
  const label =
    method === 'pitie'
      ? 'Pitié transfer'
      : method === 'reinhard'
        ? 'Reinhard transfer'
        : 'Rabin–Peyré transfer';
  const reporter = new ProgressReporter(ctx, total, label, extra);
  const matchFactor = params.matchFactor;
  const holes: HoleReport[] = [];
  const canvas = new PreviewCanvas(out, conv);
  let result: SolverResult | null = null;
  let refPixels = 0;
  let samples = 0;
  let pixels = 0;
  for (let g = 0; g < groups.length; g++) {
    const ts = performance.now();
    const box = maskBoundingBox(groups[g])!;
    // A user's rectangle is an explicit request: the stage corrects whatever the edge shows.
    const check = rect ? null : alreadyMatches(input.image, groups[g], input.mask, matchFactor);
    const numbers = check
      ? {
          shift: round2(check.shift),
          natural: round2(check.natural),
          limit: round2(Math.max(MATCH_FLOOR, matchFactor * check.natural)),
        }
      : {};
    if (check?.matches) {
      holes.push({
        box,
        pixels: maskArea(groups[g]),
        applied: false,
        ...numbers,
        reason: 'already-matches',
      });
      const step = method === 'reinhard' ? g + 1 : (g + 1) * iterations;
      ctx.progress({ step, total, message: `${label}: hole ${g + 1} of ${groups.length} already matches` });
      extra.setupMs += performance.now() - ts;
      continue;
    }
    holes.push({
      box,
      pixels: maskArea(groups[g]),
      applied: true,
      ...numbers,
      reason: check ? 'shift-corrected' : 'reference-rect',
    });
    // The first group's ring is `whole` already (chosen around groups[0]).
    const ref =
      g === 0
        ? whole
        : chooseReference(input.mask, null, undefined, ringWidth, ctx.log, groups[g], input.sampling);
    const region = buildRegion(input.image, groups[g], space, conv);
    const share = region.n / holePixels;
    const refLimit = Math.max(REFERENCE_MIN, Math.round(MAX_REFERENCE_SAMPLES * share));
    // Automatic references (the ring, block matching's choice) are weighted by plausibility; a user's
    // rectangle is taken as it is.
    const auto = ref.source !== 'rect' && weighting;
    const v = auto
      ? plausibleRingSamples(input.image, region, ref.pixels, space, rng, refLimit, conv).colors
      : referenceSamples(input.image, ref.pixels, space, rng, refLimit, conv);
    weighted ||= auto;
    const problem = createProblem(region, v);
    refPixels += ref.pixels.length;
    samples += v.n;
    pixels += region.n;
    extra.setupMs += performance.now() - ts;
    throwIfAborted(ctx.signal);

    const seed = (ctx.seed ^ 0x2545f491) + g;
    // The CDF sample is shared out between the holes by size, so that many holes cost no more than one.
    const sampleLimit = Math.max(SAMPLE_MIN, Math.round(SAMPLE_LIMIT * share));
    const onIteration = reporter.hole(g * iterations, (w) => canvas.preview(region, w));
    let w: Float32Array;
    if (method === 'reinhard') {
      w = reinhard(problem);
      ctx.progress({ step: g + 1, total, message: `${label}: hole ${g + 1} of ${groups.length}` });
    } else {
      result =
        method === 'pitie'
          ? await pitie(problem, { iterations, seed, signal: ctx.signal, onIteration, timing, sampleLimit })
          : await solveRabinPeyre(problem, {
              weights: weightsOf(params),
              directions: params.directions,
              iterations,
              step: params.step,
              seed,
              signal: ctx.signal,
              onIteration,
              timing,
              sampleLimit,
            });
      w = result.w;
    }
    throwIfAborted(ctx.signal);
    const tp = performance.now();
    if (smoothing > 0) smoothChange(region, w, smoothing, space);
    if (seamWidth > 0) await correctSeam(input.image, region, w, conv, seamWidth, ctx.signal);
    const tw = performance.now();
    extra.postMs += tw - tp;
    writeRegionInto(out, region, w, space, conv);
    canvas.commit(region, w);
    extra.writeMs += performance.now() - tw;
  }
  return {
    image: out,
    info: {
      method,
      colorSpace: space,
      reference: {
        source: whole.source,
        rect: whole.rect,
        holes: groups.length,
        pixels: refPixels,
        samples,
        weighted,
        ...(handed ? { handedOverlap: round2(handed.overlap), handedUsed: handed.use } : {}),
      },
      pixels,
      holes,
      iterations: method === 'reinhard' ? 0 : iterations,
      kernels: result?.kernels,
      threads: result?.threads,
      ms: {
        setup: Math.round(extra.setupMs),
        solve: Math.round(timing.setupMs + timing.countMs + timing.tableMs + timing.updateMs + timing.tvMs),
        count: Math.round(timing.countMs),
        tables: Math.round(timing.tableMs),
        update: Math.round(timing.updateMs),
        tv: Math.round(timing.tvMs),
        previews: Math.round(extra.previewMs),
        post: Math.round(extra.postMs),
        write: Math.round(extra.writeMs),
      },
    } satisfies ColorInfo,
  };
}

export const colorStage = defineStage({
  name: 'color',
  label: 'Colour correction',
  description:
    'Matches the colours of the filled hole to a reference region (the ring around each hole, the block-matching choice, or a rectangle) by regularised sliced-Wasserstein transfer, keeping edges continuous.',
  params: COLOR_PARAMS,
  run,
});
