/**
 * The texture stage: Gatys texture synthesis inside the hole (report §3) with the embedded random
 * multi-scale feature network. It works on a crop around the hole (scaled down when larger than the
 * working size), starts from the previous stage's fill by default, matches the Gram matrices of an
 * exemplar (a chosen rectangle, block matching's choice, or the hole's surroundings), keeps the seam
 * continuous (border term) and the start's coarse picture (structure term), and changes nothing outside
 * the hole.
 */
import type { ParamValues } from '../../common/params';
import { resizeImage } from '../../image/resize';
import { cloneImage, type RgbImage } from '../../image/types';
import { Random } from '../../graph/random';
import type { StageContext, StageDef, StageInput, StageOutput } from '../../pipeline/types';
import { TEXTURE_PARAMS, type TextureInit } from './params';
import { planExemplar, planWork, type ExemplarPlan, type WorkPlan } from './plan';
import { randomNetwork } from './randomNetwork';
import { synthesizePyramid } from './pyramid';

/** The starting values of the hole (the rest of the crop is copied as is). */
function startImage(
  work: WorkPlan,
  ex: ExemplarPlan,
  init: TextureInit,
  grain: number,
  seed: number,
): RgbImage {
  const start = cloneImage(work.image);
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
  const exStats = stats(ex.image, (i) => !ex.valid || ex.valid[i] === 1);
  if (init === 'previous') {
    // Gram gradients are proportional to the features, which vanish on a flat fill: a little grain
    // (the same in all channels, `grain` × the exemplar's brightness spread) gives the optimisation
    // something to shape. The structure term keeps the fill's coarse picture meanwhile.
    const std = (exStats[0].std + exStats[1].std + exStats[2].std) / 3;
    for (let i = 0; i < n; i++)
      if (hole[i]) {
        const d = grain * std * rnd.normal();
        for (let c = 0; c < 3; c++)
          start.data[c * n + i] = Math.min(1, Math.max(0, start.data[c * n + i] + d));
      }
    return start;
  }
  const st = init === 'mean' ? stats(work.image, (i) => hole[i] === 1) : exStats;
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++)
      if (hole[i]) {
        const v = init === 'mean' ? st[c].mean : st[c].mean + st[c].std * rnd.normal();
        start.data[c * n + i] = Math.min(1, Math.max(0, v));
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

async function run(input: StageInput, params: ParamValues, ctx: StageContext): Promise<StageOutput> {
  const net = randomNetwork();
  const margin = (params.margin as number) || net.receptiveField + 16;
  const work = planWork(input.image, input.mask, margin, params.maxSide as number);
  if (!work) return { image: cloneImage(input.image), info: { skipped: 'no hole' } };
  const ex = planExemplar(input.image, input.mask, work, params, input.artifacts);
  const start = startImage(work, ex, params.init as TextureInit, params.grain as number, ctx.seed);
  const iterations = params.iterations as number;
  const levels = params.levels as number;
  const total = iterations * levels;
  ctx.progress({ step: 0, total, message: 'texture: building the loss' });
  let level = 0;
  const result = await synthesizePyramid(
    { image: work.image, hole: work.hole, start, exemplar: ex },
    {
      network: net,
      levels,
      onLevel: (l) => (level = l),
      lumaOnly: params.channels === 'luma',
      iterations,
      borderWeight: params.borderWeight as number,
      structureWeight: params.structureWeight as number,
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
  return {
    image: composite(input, work, result.image),
    info: {
      network: net.spec.name,
      crop: work.crop,
      workingSize: `${work.image.width}x${work.image.height}`,
      scale: Number(work.scale.toFixed(4)),
      exemplar: { source: ex.source, rect: ex.rect },
      init: params.init,
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

export const textureStage: StageDef = {
  name: 'texture',
  label: 'Texture (experimental)',
  description:
    'Re-synthesises the texture inside the hole by matching the feature statistics (Gram matrices) of an exemplar, as Gatys et al. did, with a built-in random multi-scale network.',
  params: TEXTURE_PARAMS,
  run,
};
