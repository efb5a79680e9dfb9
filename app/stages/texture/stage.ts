/**
 * The texture stage: Gatys texture synthesis inside the hole (report §3) with the embedded random
 * multi-scale feature network or VGG19, made safe for a fill whose picture is right (issue 13):
 * - per hole, only holes whose surroundings are an even texture are corrected (app/image/stationarity.ts);
 *   a hole over an object or edge is left exactly as the fill drew it (unless `holes` is 'all');
 * - the start is the fill with the detail it lacks borrowed from matched known pixels (image analogies,
 *   app/image/detailTransfer.ts); the optimisation then matches the Gram matrices of an exemplar (a chosen
 *   rectangle, block matching's choice, or the hole's surroundings) in the detail band only, keeps the
 *   seam continuous (border term), and changes nothing outside the hole;
 * - the optimisation's change fades in over the hole's outer 4 px (no line along the edge), and
 * - afterwards the hole's σ 4 low-pass is put back to the start's (lowPass.ts): shapes, shading and colour
 *   cannot move, whatever the optimisation and the histogram corrections did.
 * "Copy structure" (patches copied from the exemplar, structure.ts) and starts other than the fill
 * replace the hole's content, as asked.
 */
import { throwIfAborted } from '../../common/errors';
import { transferDetail } from '../../image/detailTransfer';
import { classifyHoles, holeComponents } from '../../image/stationarity';
import { resizeImage } from '../../image/resize';
import { compositeInHole } from '../../image/fill/composite';
import { cloneImage, createMask, type RgbImage } from '../../image/types';
import { Random } from '../../graph/random';
import { defineStage, type StageContext, type StageInput, type StageOutput } from '../../pipeline/types';
import type { TextureHole, TextureInfo } from '../../common/stageInfo';
import { cropImage, cropMask, maskBoundingBox } from '../../image/crop';
import { meanGradientWhere } from '../../image/metrics';
import {
  detailRatio,
  detailSamples,
  exemplarGradient,
  holeDetailVariance,
  matchColours,
  matchDetail,
  variance,
} from './detail';
import type { FeatureNetwork } from './featureNetwork';
import { KEPT_SIGMA, fadeFromEdge, keepLowPass } from './lowPass';
import { TEXTURE_PARAMS, type TextureInit, type TextureParams } from './params';
import { copyStructure, structureShown } from './structure';
import { planExemplar, planWork, type ExemplarPlan, type WorkPlan } from './plan';
import { featureNetwork } from './networks';
import { synthesizePyramid } from './pyramid';
import { pooledSessions } from './sessions';
import { spectrumTarget, spectrumWindows } from './spectrum';
import { estimatedSpectrumTarget } from './spectrumEstimate';
import { SYNTHESIS_PHASES } from './synthesize';

/** The starting values of the hole (the rest of the crop is copied as is). */
function startImage(work: WorkPlan, ex: ExemplarPlan, init: TextureInit, seed: number): RgbImage {
  const start = cloneImage(work.image);
  if (init === 'previous') return start;
  const n = work.image.width * work.image.height;
  const hole = work.hole.data;
  const stats = (img: RgbImage, use: (i: number) => boolean) => {
    const m = img.width * img.height;
    return [0, 1, 2].map((c) => {
      let s = 0,
        s2 = 0,
        k = 0;
      for (let i = 0; i < m; i++)
        if (use(i)) {
          const v = img.data[c * m + i];
          s += v;
          s2 += v * v;
          k++;
        }
      const mean = k ? s / k : 0.5;
      return { mean, std: k ? Math.sqrt(Math.max(0, s2 / k - mean * mean)) : 0 };
    });
  };
  const rnd = new Random(seed);
  const st =
    init === 'mean'
      ? stats(work.image, (i) => hole[i] === 1)
      : stats(ex.image, (i) => !ex.valid || ex.valid[i] === 1);
  // Noise: one draw per pixel for all three channels (each scaled by its own spread), so the noise is
  // in brightness, not in hue: a luma-only optimisation could never remove colour noise.
  for (let i = 0; i < n; i++)
    if (hole[i]) {
      const z = init === 'noise' ? rnd.normal() : 0;
      for (let c = 0; c < 3; c++) {
        const v = init === 'masked' ? 0 : init === 'mean' ? st[c].mean : st[c].mean + st[c].std * z;
        start.data[c * n + i] = Math.min(1, Math.max(0, v));
      }
    }
  return start;
}

/** The input image with the crop's hole pixels taken from `crop` (scaled back when the stage worked smaller). */
function composite(input: StageInput, work: WorkPlan, crop: RgbImage): RgbImage {
  const full = work.scale < 1 ? resizeImage(crop, work.crop.width, work.crop.height) : crop;
  const { width: W, height: H } = input.image;
  const out = input.image.data.slice();
  const cw = work.crop.width,
    cn = cw * work.crop.height;
  for (let y = 0; y < work.crop.height; y++)
    for (let x = 0; x < cw; x++) {
      const i = (work.crop.y + y) * W + work.crop.x + x;
      if (!input.mask.data[i]) continue;
      for (let c = 0; c < 3; c++) out[c * W * H + i] = full.data[c * cn + y * cw + x];
    }
  return { width: W, height: H, data: out };
}

/** Largest exemplar (pixels) the copy at the image's resolution takes; a larger one is copied at the working size. */
const FULL_EXEMPLAR_PIXELS = 4_000_000;

/** The crop, its hole and the exemplar at the image's resolution, or null when the exemplar is too large. */
function fullResolution(input: StageInput, work: WorkPlan, params: TextureParams) {
  const image = cropImage(input.image, work.crop);
  const hole = cropMask(input.mask, work.crop);
  const chosen = params.exemplar ?? input.artifacts.exemplar ?? null;
  if (!chosen) {
    // The surroundings: the crop's known pixels (its margin already reaches past half the network's field).
    const area = input.sampling ? cropMask(input.sampling, work.crop) : null;
    const valid = Uint8Array.from(hole.data, (v, i) => (v || (area && !area.data[i]) ? 0 : 1));
    return { image, hole, exemplar: { image, valid } };
  }
  const ex = planExemplar(
    input.image,
    input.mask,
    { ...work, scale: 1 },
    params,
    input.artifacts,
    0,
    input.sampling,
  );
  if (ex.image.width * ex.image.height > FULL_EXEMPLAR_PIXELS) return null;
  return { image, hole, exemplar: ex };
}

/**
 * The input with the crop's hole from the full-resolution copy plus what the stage changed after it at
 * the working size (result − start, scaled up; resizeImage clamps to 0..1, so it travels as 0.5 + d/2).
 */
function compositeOver(input: StageInput, work: WorkPlan, copy: RgbImage, start: RgbImage, result: RgbImage) {
  const { width: w, height: h } = start;
  const added = new Float32Array(start.data.length);
  for (let i = 0; i < added.length; i++) added[i] = 0.5 + (result.data[i] - start.data[i]) / 2;
  const up = resizeImage({ width: w, height: h, data: added }, copy.width, copy.height);
  const full = cloneImage(copy);
  for (let i = 0; i < full.data.length; i++)
    full.data[i] = Math.min(1, Math.max(0, copy.data[i] + 2 * (up.data[i] - 0.5)));
  return composite(input, { ...work, scale: 1 }, full);
}

/** One hole's decision, as the stage info reports it (words: app/contract/stageInfoText.ts). */
type HoleDecision = TextureHole;

/** Progress that moves: a fixed total, and each report lets the event loop (and a cancel) through. */
function stepper(ctx: StageContext, total: number) {
  let step = 0;
  return {
    total,
    get step() {
      return step;
    },
    /** Reports `message` at `at` (never backwards, never past the total). */
    report(at: number, message: string, preview?: RgbImage) {
      step = Math.min(total, Math.max(step, at));
      ctx.progress({ step, total, message, ...(preview ? { preview } : {}) });
    },
    async yieldTo(at: number, message: string) {
      this.report(at, message);
      await new Promise((r) => setImmediate(r));
      throwIfAborted(ctx.signal);
    },
  };
}

async function run(input: StageInput, params: TextureParams, ctx: StageContext): Promise<StageOutput> {
  const { components, labels } = holeComponents(input.mask);
  if (!components.length) return { image: cloneImage(input.image), info: { skipped: 'no-hole' } };
  const iterations = params.iterations;
  const levels = params.levels;
  const init = params.init;
  const copy = init === 'previous' && params.structure === 'on';
  // The fill's picture is kept (only detail changes) unless the user asked to replace it: a structure
  // copy, or a start other than the fill.
  const keepPicture = init === 'previous' && !copy;
  const borrow = keepPicture && params.borrowDetail;
  const holesSlots = borrow ? components.length : 0;
  // Steps: network, classify, detail per hole, plan, then per level its phases and iterations.
  const levelSteps = SYNTHESIS_PHASES.length + iterations;
  const base = 3 + holesSlots;
  const steps = stepper(ctx, base + levels * levelSteps);
  // The network first: a missing VGG19 download is said whatever the holes are.
  await steps.yieldTo(0, 'texture: preparing the feature network');
  const net = await featureNetwork(params, ctx);
  await steps.yieldTo(1, 'texture: classifying the holes’ surroundings');
  const classes = classifyHoles(input.image, input.mask);
  const everyHole = params.holes === 'all';
  const holes: HoleDecision[] = classes.map((h) => {
    const take = everyHole || h.kind === 'texture';
    return {
      box: h.box,
      pixels: h.pixels,
      kind: h.kind,
      basis: h.basis,
      decision: take ? 'corrected' : 'left',
      reason: h.kind === 'texture' ? 'texture-surroundings' : take ? 'every-hole' : 'object-hole',
      measures: {
        colourSpread: h.colourSpread,
        energySpread: h.energySpread,
        edgeRatio: h.edgeRatio,
        edgeShare: h.edgeShare,
      },
    };
  });
  const selected = holes.map((h) => h.decision === 'corrected');
  if (!selected.some(Boolean)) {
    steps.report(steps.total, 'texture: no texture hole to correct');
    return { image: cloneImage(input.image), info: { holes } satisfies TextureInfo };
  }
  const mask = createMask(input.mask.width, input.mask.height);
  for (let i = 0; i < labels.length; i++) if (labels[i] && selected[labels[i] - 1]) mask.data[i] = 1;

  let image = input.image;
  if (borrow) {
    // Image analogies (app/image/detailTransfer.ts): per hole, the detail the fill lacks, from known
    // pixels matched on the blurred picture; the fill's low-pass stays. Holes of `mask` are numbered in
    // the same raster order as the input's, so hole k of the selection is the k-th selected hole.
    const chosen = holes.filter((h) => h.decision === 'corrected');
    for (let k = 0; k < chosen.length; k++) {
      await steps.yieldTo(2 + k, `texture: borrowing detail for hole ${k + 1}/${chosen.length}`);
      const t = transferDetail(image, mask, {
        seed: ctx.seed,
        signal: ctx.signal,
        apply: (i) => i === k,
        sampling: input.sampling,
      });
      image = t.image;
      const h = t.holes[k];
      chosen[k].detail = {
        applied: h.applied,
        reason: h.reason,
        ringLevel: h.ringLevel,
        fillLevel: h.fillLevel,
        resultLevel: h.resultLevel,
      };
    }
  }
  await steps.yieldTo(2 + holesSlots, 'texture: planning the crop and the exemplar');
  const src: StageInput = { ...input, image, mask };
  const corrected = await correct(src, params, ctx, net, steps, base, copy);
  let out = corrected.image;
  // The start's σ 4 low-pass back in the hole: the fill's picture, with what the borrowed detail's own
  // coarse part contributes (detailTransfer keeps the fill's σ 3 low-pass itself); the optimisation and
  // the histogram corrections then change only finer detail.
  if (keepPicture) {
    out = fadeFromEdge(out, image, mask);
    out = keepLowPass(out, image, mask, KEPT_SIGMA, 3, ctx.signal);
  }
  steps.report(steps.total, corrected.done);
  return {
    image: out,
    info: {
      ...corrected.info,
      holes,
      picture: keepPicture ? (borrow ? 'kept-with-detail' : 'kept') : copy ? 'replaced' : 'synthesised',
      ...(keepPicture ? { keptSigma: KEPT_SIGMA } : {}),
    },
  };
}

/** The texture correction of every hole of `input.mask` (the selected ones), from `base` on the progress. */
async function correct(
  input: StageInput,
  params: TextureParams,
  ctx: StageContext,
  net: FeatureNetwork,
  steps: ReturnType<typeof stepper>,
  base: number,
  copy: boolean,
): Promise<{ image: RgbImage; info: Omit<TextureInfo, 'holes'>; done: string }> {
  const maxSide = params.maxSide;
  const margin = params.margin || autoMargin(input, net.receptiveField, maxSide);
  const work = planWork(input.image, input.mask, margin, maxSide)!;
  const box = maskBoundingBox(input.mask)!;
  const neighbourhood = Math.max(Math.ceil(net.receptiveField / work.scale), Math.max(box.width, box.height));
  const ex = planExemplar(
    input.image,
    input.mask,
    work,
    params,
    input.artifacts,
    neighbourhood,
    input.sampling,
  );
  const init = params.init;
  const iterations = params.iterations;
  const levels = params.levels;
  const levelSteps = SYNTHESIS_PHASES.length + iterations;
  const exGradient = exemplarGradient(ex);
  let start = startImage(work, ex, init, ctx.seed);
  const startDetail = detailRatio(start, work.hole, exGradient);
  const shown = structureShown(start, work.hole, ex);
  // A flat start's coarse picture is a colour wash: keeping it left a lighter or darker box (brick).
  const structureSigma = shown < FLAT ? 0 : params.structureScale;
  // The start at the image's resolution when the stage works smaller (a large hole): copied or
  // borrowed detail is real detail, which the working scale would lose in the upsampling.
  let fullStart: RgbImage | null = null;
  if (copy) {
    const opts = {
      sigma: structureSigma,
      patchSize: params.patchSize,
      seed: ctx.seed,
      signal: ctx.signal,
      onProgress: (step: number, steps_: number) =>
        steps.report(base, `texture: copying structure, round ${step}/${steps_}`),
    };
    const full = work.scale < 1 ? fullResolution(input, work, params) : null;
    if (full) {
      fullStart = await copyStructure(full.image, full.hole, full.image, full.exemplar, {
        ...opts,
        sigma: structureSigma / work.scale,
      });
      start = compositeInHole(
        work.image,
        resizeImage(fullStart, work.image.width, work.image.height),
        work.hole,
      );
    } else start = await copyStructure(work.image, work.hole, start, ex, opts);
    steps.report(
      base,
      'texture: structure copied',
      fullStart ? compositeOver(input, work, fullStart, start, start) : composite(input, work, start),
    );
  } else if (init === 'previous' && work.scale < 1) fullStart = cropImage(input.image, work.crop);
  const copiedDetail = copy ? detailRatio(start, work.hole, exGradient) : startDetail;
  const keep = init === 'previous' ? params.keepScale : 0;
  const detailSigma = keep > 0 ? keep : 4;
  const exDetail = detailSamples(ex, detailSigma);
  const deficit = Math.max(
    0,
    variance(exDetail) - (init === 'previous' ? holeDetailVariance(start, work.hole, detailSigma) : 0),
  );
  const sessions = pooledSessions(ctx.sessions, ctx.resources);
  const spectrumWeight = params.spectrumWeight;
  // Hole-free windows of the crop's size nearby: the natural texture floor (when to stop) and the
  // spectrum term's target.
  const windows = spectrumWindows(
    input.image,
    input.mask,
    work.crop,
    work.image,
    params.exemplar ?? input.artifacts.exemplar ?? null,
  );
  // The spectrum term's target per level: from those windows, else estimated from smaller hole-free
  // windows of the exemplar (spectrumEstimate.ts), else none.
  let spectrumFrom: TextureInfo['spectrum'] = { from: 'off' };
  const spectrumSource = async (w: number, h: number): Promise<Float32Array | null> => {
    if (windows.length) {
      spectrumFrom = { from: 'windows', count: windows.length };
      return spectrumTarget(windows, w, h, sessions);
    }
    const est = await estimatedSpectrumTarget(ex, w / work.image.width, w, h, sessions);
    spectrumFrom = est ? { from: 'estimate', count: est.count, side: est.side } : { from: 'off', count: 0 };
    return est?.target ?? null;
  };
  // Real patches of one texture differ in detail by ±10–20 %: a fill within 15 % of the exemplar
  // is already at its natural level.
  // After a structure copy, no more detail than the copy holds: its patches are real patches of the
  // surroundings that look like the start, so their detail is this spot's natural level. Asking for the
  // whole exemplar's (which may hold edges the hole does not) makes the loss draw them, e.g. as a frame
  // along the hole's edge; the optimisation then only refines.
  // From noise, the blanked hole or the mean colour the detail has to go down or up to the texture's
  // by synthesis (Gatys' setting): no detail stop there, the iterations (or the floor) decide.
  const detailTarget =
    init !== 'previous'
      ? undefined
      : copy
        ? Math.min(0.85 * exGradient, copiedDetail * exGradient)
        : 0.85 * exGradient;
  // A start already at that level (a sharp fill, or one whose detail was borrowed) would stop before
  // its first iteration: the networks are not even built (seconds saved).
  const startGradient = meanGradientWhere(start, work.hole.data);
  const skip = detailTarget !== undefined && startGradient >= detailTarget;
  // Level L (0 = the finest) owns the progress steps from levelBase(L) on: its phases, then its iterations.
  let level = 0;
  const levelBase = (l: number) => base + (levels - 1 - l) * levelSteps;
  const result = skip
    ? null
    : await synthesizePyramid(
        { image: work.image, hole: work.hole, start, exemplar: ex, references: windows },
        {
          network: net,
          levels,
          onLevel: (l) => (level = l),
          onPhase: (p, message) =>
            steps.report(levelBase(level) + p, `texture: scale 1/${2 ** level}, ${message}`),
          lumaOnly: params.channels === 'luma',
          iterations,
          borderWeight: params.borderWeight,
          bandSigma: keep,
          detailTarget,
          grain: { std: params.grain * Math.sqrt(deficit), seed: ctx.seed },
          spectrumWeight,
          spectrumTarget: spectrumWeight > 0 ? spectrumSource : undefined,
          optimizer: params.optimizer,
          learningRate: params.learningRate,
          sessions,
          signal: ctx.signal,
          onIteration: (it, loss, current) =>
            steps.report(
              levelBase(level) + SYNTHESIS_PHASES.length + it,
              `texture: scale 1/${2 ** level}, iteration ${it}/${iterations}, loss ${loss.toPrecision(4)}`,
              it % 10 === 0 && level === 0 ? composite(input, work, current()) : undefined,
            ),
        },
      );
  const total = iterations * levels;
  const done = !result
    ? 'texture: done (the start already has the exemplar’s detail level: no optimisation needed)'
    : `texture: done after ${result.iterations} iterations${result.iterations < total ? ' (the fill reached the exemplar’s detail level)' : ''}`;
  let crop = result ? result.image : start;
  if (params.matchDetail) crop = matchDetail(crop, work.hole, exDetail, detailSigma);
  if (params.colorHistogram) crop = matchColours(crop, work.hole, ex);
  return {
    image: fullStart ? compositeOver(input, work, fullStart, start, crop) : composite(input, work, crop),
    done,
    info: {
      network: net.name,
      crop: work.crop,
      workingSize: `${work.image.width}x${work.image.height}`,
      ...(fullStart ? { structureResolution: copy ? 'copy' : 'fill' } : {}),
      scale: Number(work.scale.toFixed(4)),
      exemplar: { source: ex.source, rect: ex.rect },
      init,
      structure: copy
        ? {
            copied: true,
            startDetail: share(startDetail),
            copiedDetail: share(copiedDetail),
            shown: share(shown),
            keptAbove: structureSigma,
          }
        : { copied: false, startDetail: share(startDetail), shown: share(shown) },
      references: windows.length,
      spectrum: spectrumFrom,
      grain: Number((params.grain * Math.sqrt(deficit)).toFixed(4)),
      ...(result
        ? {
            iterations: result.iterations,
            evaluations: result.evaluations,
            levels: result.levels,
            lossStart: result.lossStart,
            lossEnd: result.lossEnd,
            terms: result.terms,
            msPerEvaluation: Math.round(result.msPerEvaluation),
          }
        : {
            iterations: 0,
            evaluations: 0,
            optimisationSkipped: {
              startGradient: Number(startGradient.toFixed(4)),
              target: Number(detailTarget!.toFixed(4)),
            },
          }),
    },
  };
}

/**
 * With Copy structure on, a start that shows lines and shapes keeps its coarse picture (above
 * structureScale); a flat one (showing under FLAT of the exemplar's structure) takes the copy whole.
 */
const FLAT = 0.3;

/** A share (0..1) to hundredths, for the info. */
const share = (r: number) => Math.round(100 * r) / 100;

/**
 * Context around the hole: half the network's receptive field (what a hole position's features can
 * see) plus a little, in image pixels, allowing for the scale-down when the crop exceeds the working size.
 */
function autoMargin(input: StageInput, field: number, maxSide: number): number {
  const want = Math.ceil(field / 2) + 8;
  const box = maskBoundingBox(input.mask);
  if (!box) return want;
  const scale = Math.min(1, maxSide / (Math.max(box.width, box.height) + 2 * want));
  return Math.ceil(want / scale);
}

export const textureStage = defineStage({
  name: 'texture',
  label: 'Texture (experimental)',
  description:
    'Adds the fine texture a blurry fill lacks in holes surrounded by an even texture (grass, gravel, foliage), keeping the fill’s shapes and colours: detail borrowed from matching places nearby, then refined to the exemplar’s feature statistics (Gram matrices, as Gatys et al.) with a built-in random network or VGG19.',
  params: TEXTURE_PARAMS,
  run,
});
