/**
 * The block-matching stage (report §5, made robust and fast): every grid block holding hole pixels is
 * matched to the most similar block of known pixels of the current (filled) image, and the regions the
 * sources gather in are handed on as the texture stage's exemplar and the colour stage's reference.
 * By default (mode detail) the fill keeps its picture and only gains the fine detail it lacks
 * (app/image/detailTransfer.ts: sources matched on the low-pass, their high-pass added up to the ring's
 * detail level); mode paste rebuilds the hole from the matched blocks with blended seams, as the report
 * did. Pixels outside the hole never change.
 *
 * Plain functions for the editor: `computeCorrespondence` (the matches as data it can draw),
 * `correlationHeatmap` (one block's similarity everywhere, the report's Figure 17), `heatmapImage`
 * and `renderCorrespondence` (the same as pictures).
 */
import { throwIfAborted } from '../../common/errors';
import { distanceTransform } from '../../common/maskMorphology';
import type { Rect } from '../../common/params';
import type { BlockmatchInfo } from '../../common/stageInfo';
import { cropMask, expandRect, maskBoundingBox } from '../../image/crop';
import { transferDetail } from '../../image/detailTransfer';
import { colourOverlap, ringWidthFor } from '../../image/holeRing';
import { classifyHoles } from '../../image/stationarity';
import { maskArea, type Mask, type RgbImage } from '../../image/types';
import type { SessionPool } from '../../ort/types';
import { defineStage, type StageContext, type StageInput, type StageOutput } from '../../pipeline/types';
import { matchBlocks, type MatchOptions, type MatchResult } from './match';
import { BLOCKMATCH_PARAMS, type BlockmatchParams } from './params';
import { featherPaste, hardPaste } from './paste';
import { poissonPaste } from './poisson';
import { chooseRegions } from './regions';
import { SourceValidity } from './validity';
import { compactSources, correspondenceEntries, type CorrespondenceEntry } from './visualize';

export { correlationHeatmap, heatmapImage, type Heatmap, type HeatmapOptions } from './heatmap';
export { renderCorrespondence, correspondenceEntries, type CorrespondenceEntry } from './visualize';
export { matchBlocks, type BlockMatch, type MatchOptions, type MatchResult } from './match';

/** The search options of resolved stage parameters. */
export function matchOptionsOf(params: BlockmatchParams): MatchOptions {
  return {
    blockSize: params.blockSize,
    stride: params.stride,
    margin: params.margin,
    similarity: params.similarity,
    histogramThreshold: params.histogramThreshold,
    maxDistance: params.maxDistance,
    distancePenalty: params.distancePenalty,
    reusePenalty: params.reusePenalty,
    search: params.search,
  };
}

export interface Correspondence {
  blockSize: number;
  matches: CorrespondenceEntry[];
}

/**
 * The correspondence map for the editor: every mask block, its source, score and whether it was
 * rejected, for resolved blockmatch parameters (see BLOCKMATCH_PARAMS).
 * @throws StudioError as matchBlocks.
 */
export async function computeCorrespondence(
  image: RgbImage,
  mask: Mask,
  params: BlockmatchParams,
  env: { sessions: SessionPool; signal?: AbortSignal },
): Promise<Correspondence> {
  const r = await matchBlocks(image, mask, matchOptionsOf(params), env);
  return { blockSize: r.blockSize, matches: correspondenceEntries(r.matches) };
}

/**
 * A handed-on square must share this much of its colours with the hole's ring (colourOverlap, the
 * colour stage's own bar for using it): the sources it gathers must look like the hole's surroundings.
 */
export const SURROUNDINGS_MIN_OVERLAP = 0.8;

/** Untouched pixels within ringWidthFor(the hole's area) of the hole (image indices). */
export function surroundingPixels(mask: Mask): number[] {
  const box = maskBoundingBox(mask);
  if (!box) return [];
  const width = ringWidthFor(maskArea(mask));
  const crop = expandRect(box, width, mask.width, mask.height);
  const dist = distanceTransform(cropMask(mask, crop).data, crop.width, crop.height);
  const out: number[] = [];
  for (let y = 0; y < crop.height; y++)
    for (let x = 0; x < crop.width; x++) {
      const d = dist[y * crop.width + x];
      if (d > 0 && d <= width) out.push((crop.y + y) * mask.width + crop.x + x);
    }
  return out;
}

/** Whether a square's untouched pixels have the colours of the hole's surroundings (see above). */
export function surroundingsFit(image: RgbImage, mask: Mask): (r: Rect) => boolean {
  const ring = surroundingPixels(mask);
  return (r) => {
    const inside: number[] = [];
    for (let y = r.y; y < r.y + r.height; y++)
      for (let x = r.x; x < r.x + r.width; x++) {
        const i = y * mask.width + x;
        if (!mask.data[i]) inside.push(i);
      }
    return colourOverlap(image, inside, ring) >= SURROUNDINGS_MIN_OVERLAP;
  };
}

/** Summary facts of a match for the stage's info. */
function summary(r: MatchResult): Omit<BlockmatchInfo, 'mode' | 'blend' | 'sources'> {
  const found = r.matches.filter((m) => m.source);
  const mean = (f: (m: (typeof found)[number]) => number) =>
    found.length ? Number((found.reduce((s, m) => s + f(m), 0) / found.length).toFixed(4)) : null;
  return {
    blockSize: r.blockSize,
    maskBlocks: r.matches.length,
    rejectedBlocks: r.matches.length - found.length,
    histogramRejections: r.matches.reduce((s, m) => s + m.histogramRejections, 0),
    meanScore: mean((m) => m.score),
    meanDistance: mean((m) => m.distance),
    searchLevels: r.stats.levels,
    scannedLevel: r.stats.scannedLevel,
    scanMs: Math.round(r.stats.scanMs),
    refineMs: Math.round(r.stats.refineMs),
  };
}

async function run(input: StageInput, params: BlockmatchParams, ctx: StageContext): Promise<StageOutput> {
  const { image, mask } = input;
  const options = matchOptionsOf(params);
  ctx.progress({ step: 0, total: 100, message: 'Preparing the block search' });
  const result = await matchBlocks(
    image,
    mask,
    { ...options, sampling: input.sampling },
    {
      sessions: ctx.sessions,
      resources: ctx.resources,
      signal: ctx.signal,
      progress: (fraction, message) => ctx.progress({ step: Math.round(80 * fraction), total: 100, message }),
    },
  );
  throwIfAborted(ctx.signal);
  const mode = params.mode;
  const blend = params.blend;
  const seam = params.seamWidth;
  const info: BlockmatchInfo = {
    ...summary(result),
    mode,
    ...(mode === 'paste' ? { blend } : {}),
    // Where each hole block's source is, for the editor's overlay (visualize.ts).
    sources: compactSources(result.blockSize, result.matches),
  };
  const t0 = performance.now();
  let out: RgbImage;
  if (mode === 'detail') {
    ctx.progress({ step: 80, total: 100, message: 'Adding the missing detail' });
    // Borrowed detail only where its premise holds, a hole in an even texture (the gate texture and auto
    // use): on an object the matches are taken against a blurry picture and can draw wrong content.
    const kinds = classifyHoles(image, mask);
    const everyHole = params.holes === 'all';
    const take = (i: number) => everyHole || kinds[i].kind === 'texture';
    const t = transferDetail(image, mask, {
      sampling: input.sampling,
      sigma: params.detailScale,
      cap: params.detailCap,
      seed: ctx.seed,
      signal: ctx.signal,
      apply: take,
    });
    out = t.image;
    info.holes = t.holes.map((h, i) => ({
      box: h.box,
      kind: kinds[i].kind,
      basis: kinds[i].basis,
      measures: {
        colourSpread: kinds[i].colourSpread,
        energySpread: kinds[i].energySpread,
        edgeRatio: kinds[i].edgeRatio,
        edgeShare: kinds[i].edgeShare,
      },
      applied: h.applied,
      reason: take(i) ? h.reason : 'object-hole',
      ringLevel: h.ringLevel,
      fillLevel: h.fillLevel,
      resultLevel: h.resultLevel,
    }));
    info.detailMs = Math.round(performance.now() - t0);
  } else if (blend === 'none') {
    ctx.progress({ step: 80, total: 100, message: 'Pasting the matched blocks' });
    out = hardPaste(image, mask, result.matches);
  } else {
    ctx.progress({ step: 80, total: 100, message: 'Pasting the matched blocks' });
    out = featherPaste(image, mask, result.matches, seam);
    if (blend === 'poisson') {
      await new Promise((r) => setImmediate(r));
      // The feathered image is ours: solved in place.
      const p = await poissonPaste(image, mask, result.matches, out, { signal: ctx.signal, inPlace: true });
      out = p.image;
      info.poissonIterations = p.iterations;
      info.poissonResidual = Number(p.relativeResidual.toExponential(2));
      info.poissonLevels = p.levels.length;
    }
  }
  if (mode === 'paste') info.pasteMs = Math.round(performance.now() - t0);
  throwIfAborted(ctx.signal);
  ctx.progress({ step: 95, total: 100, message: 'Choosing the exemplar and the colour reference' });
  const validity = new SourceValidity(mask, options.margin, result.blockSize, input.sampling);
  // Handed on only where the sources look like the hole's surroundings (a blurry fill's blocks can
  // gather on another object); none rather than a wrong one: texture and colour then use the ring.
  const regions = chooseRegions(result.matches, validity, params.exemplarSize, surroundingsFit(image, mask));
  if (!regions.reference) ctx.log('No region of the hole’s colours to hand on; colour uses the ring');
  if (result.matches.length > 0 && result.matches.every((m) => m.rejected)) {
    ctx.log(
      'No block found an acceptable source: raise blockmatch.histogramThreshold or blockmatch.maxDistance',
    );
  }
  ctx.progress({ step: 100, total: 100, message: 'Block matching done' });
  return {
    image: out,
    info,
    artifacts: {
      ...regions,
      blockmatch: { blockSize: result.blockSize, matches: correspondenceEntries(result.matches) },
    },
  };
}

export const blockmatchStage = defineStage({
  name: 'blockmatch',
  label: 'Block matching',
  description:
    'Matches each block of the hole to the most similar block of known pixels (normalised correlation, histogram rejection, distance limit) and picks the exemplar and colour reference for the later stages. By default it keeps the fill’s picture and adds only the fine detail it lacks, from known pixels whose coarse picture matches; optionally it pastes whole blocks with blended seams.',
  params: BLOCKMATCH_PARAMS,
  run,
});

/** The options of blockmatch.mode. */
export type BlockmatchMode = BlockmatchParams['mode'];
