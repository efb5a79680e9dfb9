/**
 * The texture stage: Gatys texture synthesis inside the hole (report §3) with the embedded random
 * multi-scale feature network or VGG19. It works on a crop around the hole (scaled down when larger than
 * the working size), starts from the previous stage's fill by default, first copies structure into a
 * blurry fill with patches (structure.ts; at the image's resolution), then matches the Gram matrices of
 * an exemplar (a chosen rectangle, block matching's choice, or the hole's surroundings), keeps the seam
 * continuous (border term) and the start's coarse picture (band.ts), and changes nothing outside the hole.
 */
import type { ParamValues } from '../../common/params';
import { resizeImage } from '../../image/resize';
import { cloneImage, type Mask, type RgbImage } from '../../image/types';
import { Random } from '../../graph/random';
import type { StageContext, StageDef, StageInput, StageOutput } from '../../pipeline/types';
import type { Rect } from '../../common/params';
import { cropImage, cropMask, maskBoundingBox } from '../../image/crop';
import {
  detailRatio,
  detailSamples,
  exemplarGradient,
  holeDetailVariance,
  matchColours,
  matchDetail,
  variance,
} from './detail';
import { TEXTURE_PARAMS, type TextureInit, type TextureStructure } from './params';
import { copyStructure, structureShown } from './structure';
import { planExemplar, planWork, type ExemplarPlan, type WorkPlan } from './plan';
import { featureNetwork } from './networks';
import { synthesizePyramid } from './pyramid';
import { pooledSessions } from './sessions';
import { spectrumTarget, spectrumWindows } from './spectrum';
import { estimatedSpectrumTarget } from './spectrumEstimate';
import type { Optimizer } from './synthesize';

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
function fullResolution(input: StageInput, work: WorkPlan, params: ParamValues) {
  const image = cropImage(input.image, work.crop);
  const hole = cropMask(input.mask, work.crop);
  const chosen = (params.exemplar as Rect | null) ?? input.artifacts.exemplar ?? null;
  if (!chosen) {
    // The surroundings: the crop's known pixels (its margin already reaches past half the network's field).
    return { image, hole, exemplar: { image, valid: Uint8Array.from(hole.data, (v) => 1 - v) } };
  }
  const ex = planExemplar(input.image, input.mask, { ...work, scale: 1 }, params, input.artifacts, 0);
  if (ex.image.width * ex.image.height > FULL_EXEMPLAR_PIXELS) return null;
  return { image, hole, exemplar: ex };
}

/** `base` with its hole pixels taken from `from` (same size). */
function withHole(base: RgbImage, from: RgbImage, hole: Mask): RgbImage {
  const out = cloneImage(base);
  const n = base.width * base.height;
  for (let i = 0; i < n; i++)
    if (hole.data[i]) for (let c = 0; c < 3; c++) out.data[c * n + i] = from.data[c * n + i];
  return out;
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

async function run(input: StageInput, params: ParamValues, ctx: StageContext): Promise<StageOutput> {
  const net = await featureNetwork(params, ctx);
  const maxSide = params.maxSide as number;
  const margin = (params.margin as number) || autoMargin(input, net.receptiveField, maxSide);
  const work = planWork(input.image, input.mask, margin, maxSide);
  if (!work) return { image: cloneImage(input.image), info: { skipped: 'no hole' } };
  const box = maskBoundingBox(input.mask)!;
  const neighbourhood = Math.max(Math.ceil(net.receptiveField / work.scale), Math.max(box.width, box.height));
  const ex = planExemplar(input.image, input.mask, work, params, input.artifacts, neighbourhood);
  const init = params.init as TextureInit;
  const iterations = params.iterations as number;
  const levels = params.levels as number;
  const total = iterations * levels;
  const exGradient = exemplarGradient(ex);
  let start = startImage(work, ex, init, ctx.seed);
  const startDetail = detailRatio(start, work.hole, exGradient);
  const shown = structureShown(start, work.hole, ex);
  const copy = init === 'previous' && wantStructure(params.structure as TextureStructure, startDetail);
  // A flat start's coarse picture is a colour wash: keeping it left a lighter or darker box (brick).
  const structureSigma = shown < FLAT ? 0 : (params.structureScale as number);
  // The copy at the image's resolution when the stage works smaller (a large hole): copied detail is
  // real detail, which a copy at the working scale would lose in the upsampling.
  let fullCopy: RgbImage | null = null;
  if (copy) {
    const opts = {
      sigma: structureSigma,
      patchSize: params.patchSize as number,
      seed: ctx.seed,
      signal: ctx.signal,
      onProgress: (step: number, steps: number) =>
        ctx.progress({ step: 0, total, message: `texture: copying structure, round ${step}/${steps}` }),
    };
    const full = work.scale < 1 ? fullResolution(input, work, params) : null;
    if (full) {
      fullCopy = await copyStructure(full.image, full.hole, full.image, full.exemplar, {
        ...opts,
        sigma: structureSigma / work.scale,
      });
      start = withHole(work.image, resizeImage(fullCopy, work.image.width, work.image.height), work.hole);
    } else start = await copyStructure(work.image, work.hole, start, ex, opts);
    ctx.progress({
      step: 0,
      total,
      message: 'texture: structure copied',
      preview: fullCopy ? compositeOver(input, work, fullCopy, start, start) : composite(input, work, start),
    });
  }
  const copiedDetail = copy ? detailRatio(start, work.hole, exGradient) : startDetail;
  const keep = init === 'previous' ? (params.keepScale as number) : 0;
  const detailSigma = keep > 0 ? keep : 4;
  const exDetail = detailSamples(ex, detailSigma);
  const deficit = Math.max(
    0,
    variance(exDetail) - (init === 'previous' ? holeDetailVariance(start, work.hole, detailSigma) : 0),
  );
  const sessions = pooledSessions(ctx.sessions);
  const spectrumWeight = params.spectrumWeight as number;
  // Hole-free windows of the crop's size nearby: the natural texture floor (when to stop) and the
  // spectrum term's target.
  const windows = spectrumWindows(
    input.image,
    input.mask,
    work.crop,
    work.image,
    (params.exemplar as Rect | null) ?? input.artifacts.exemplar ?? null,
  );
  // The spectrum term's target per level: from those windows, else estimated from smaller hole-free
  // windows of the exemplar (spectrumEstimate.ts), else none.
  let spectrumFrom = 'off';
  const spectrumSource = async (w: number, h: number): Promise<Float32Array | null> => {
    if (windows.length) {
      spectrumFrom = `on: target from ${windows.length} hole-free windows of the crop's size`;
      return spectrumTarget(windows, w, h, sessions);
    }
    const est = await estimatedSpectrumTarget(ex, w / work.image.width, w, h, sessions);
    spectrumFrom = est
      ? `on: target estimated from ${est.count} hole-free ${est.side} px windows of the exemplar`
      : 'off: no hole-free window of the exemplar';
    return est?.target ?? null;
  };
  ctx.progress({ step: 0, total, message: 'texture: building the loss' });
  let level = 0;
  const result = await synthesizePyramid(
    { image: work.image, hole: work.hole, start, exemplar: ex, references: windows },
    {
      network: net,
      levels,
      onLevel: (l) => (level = l),
      lumaOnly: params.channels === 'luma',
      iterations,
      borderWeight: params.borderWeight as number,
      bandSigma: keep,
      // Real patches of one texture differ in detail by ±10–20 %: a fill within 15 % of the exemplar
      // is already at its natural level.
      // After a structure copy, no more detail than the copy holds: its patches are real patches of the
      // surroundings that look like the start, so their detail is this spot's natural level. Asking for the
      // whole exemplar's (which may hold edges the hole does not) makes the loss draw them, e.g. as a frame
      // along the hole's edge; the optimisation then only refines.
      // From noise, the blanked hole or the mean colour the detail has to go down or up to the texture's
      // by synthesis (Gatys' setting): no detail stop there, the iterations (or the floor) decide.
      detailTarget:
        init !== 'previous'
          ? undefined
          : copy
            ? Math.min(0.85 * exGradient, copiedDetail * exGradient)
            : 0.85 * exGradient,
      grain: { std: (params.grain as number) * Math.sqrt(deficit), seed: ctx.seed },
      spectrumWeight,
      spectrumTarget: spectrumWeight > 0 ? spectrumSource : undefined,
      optimizer: params.optimizer as Optimizer,
      learningRate: params.learningRate as number,
      sessions,
      signal: ctx.signal,
      onIteration: (it, loss, current) =>
        ctx.progress({
          step: Math.min(total, (levels - 1 - level) * iterations + it),
          total,
          message: `texture: scale 1/${2 ** level}, iteration ${it}/${iterations}, loss ${loss.toPrecision(4)}`,
          preview: it % 10 === 0 && level === 0 ? composite(input, work, current()) : undefined,
        }),
    },
  );
  ctx.progress({
    step: total,
    total,
    message: `texture: done after ${result.iterations} iterations${result.iterations < total ? ' (the fill reached the exemplar’s detail level)' : ''}`,
  });
  let crop = result.image;
  if (params.matchDetail) crop = matchDetail(crop, work.hole, exDetail, detailSigma);
  if (params.colorHistogram) crop = matchColours(crop, work.hole, ex);
  return {
    image: fullCopy ? compositeOver(input, work, fullCopy, start, crop) : composite(input, work, crop),
    info: {
      network: net.name,
      crop: work.crop,
      workingSize: `${work.image.width}x${work.image.height}`,
      ...(fullCopy
        ? { structureResolution: 'the image’s (the copy); the optimisation at the working size' }
        : {}),
      scale: Number(work.scale.toFixed(4)),
      exemplar: { source: ex.source, rect: ex.rect },
      init,
      structure: copy
        ? `copied with patches (the fill had ${pct(startDetail)} of the exemplar's detail, now ${pct(copiedDetail)}; it showed ${pct(shown)} of its structure, so ${structureSigma > 0 ? `its picture above ${structureSigma} px was kept` : 'the copy was taken whole'})`
        : `not copied (the start has ${pct(startDetail)} of the exemplar's detail and shows ${pct(shown)} of its structure)`,
      references: windows.length
        ? `${windows.length} hole-free windows of the crop's size nearby`
        : 'none: no hole-free window of the crop size nearby (no texture floor)',
      spectrum: spectrumFrom,
      grain: Number(((params.grain as number) * Math.sqrt(deficit)).toFixed(4)),
      iterations: result.iterations,
      evaluations: result.evaluations,
      levels: result.levels,
      lossStart: result.lossStart,
      lossEnd: result.lossEnd,
      terms: result.terms,
      msPerEvaluation: Math.round(result.msPerEvaluation),
    },
  };
}

/**
 * auto copies structure into a start that is blurry (under BLURRY of the exemplar's detail, mean
 * gradient). Also when the blurry start shows lines and shapes: the optimisation alone sharpens them in
 * place (it keeps them where they are, bench/textureQuality.ts column placement) but, with the embedded
 * network, into blotches with a frame along the hole's edge (docs/gallery/texture-*.png, column
 * "blurred"); the copy looks like the texture. Such a start keeps its coarse picture (above
 * structureScale); a flat one (showing under FLAT of the exemplar's structure) takes the copy whole.
 */
const BLURRY = 0.6;
const FLAT = 0.3;

function wantStructure(mode: TextureStructure, startDetail: number): boolean {
  return mode === 'on' || (mode === 'auto' && startDetail < BLURRY);
}

const pct = (r: number) => `${Math.round(100 * r)}%`;

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

export const textureStage: StageDef = {
  name: 'texture',
  label: 'Texture (experimental)',
  description:
    'Re-synthesises the texture inside the hole: copies the exemplar’s structure with patches into a blurry fill, then matches the feature statistics (Gram matrices) of the exemplar, as Gatys et al. did, with a built-in random multi-scale network or VGG19.',
  params: TEXTURE_PARAMS,
  run,
};
