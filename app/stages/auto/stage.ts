/**
 * Auto-correct: per hole, tries the candidate corrections on the pixels already in the hole and keeps the
 * one a no-reference score from the hole's surroundings prefers (score.ts), or none.
 *
 * Per hole (8-connected component of the mask), on a crop of the image around it (the hole's box grown by
 * twice its ring width, so the candidates are fast and the detail transfer finds sources beyond the
 * ring): the candidates are none, colour (the colour stage with its defaults), detail (the detail
 * transfer: adds the high frequencies the fill lacks, keeps its low-pass) and colour then detail. Each is
 * scored against the hole's ring (colour step, detail level, detail orientation, seam). A candidate costs
 * its score plus `margin` per correction step it makes; the cheapest wins, and a candidate whose score is
 * not below the uncorrected score is never kept. Only the hole's pixels are written back: every pixel
 * outside the mask stays bit for bit as it was.
 *
 * The corrections are injected (createAutoStage): a stage never imports a sibling stage, so the registry
 * hands this one the colour stage's run and the detail transfer.
 */
import { StudioError, throwIfAborted } from '../../common/errors';
import type { Rect } from '../../common/params';
import { cropImage, cropMask } from '../../image/crop';
import { ringGeometry, ringWidthFor } from '../../image/holeRing';
import { classifyHoles, growBox, holeComponents, type HoleKind } from '../../image/stationarity';
import { cloneImage, createMask, type Mask, type RgbImage } from '../../image/types';
import {
  defineStage,
  type StageContext,
  type StageDef,
  type StageInput,
  type StageOutput,
} from '../../pipeline/types';
import {
  AUTO_CANDIDATES,
  type AutoCandidate,
  type AutoHole,
  type AutoInfo,
  type AutoVerdict,
} from '../../common/stageInfo';
import { AUTO_PARAMS, type AutoParams } from './params';
import { prepareRing, scoreHole, type HoleScores } from './score';

/**
 * A correction run on one hole's crop: the crop with its hole (1 = hole) corrected. `sampling` is the
 * run's sampling area cut to the crop (1 = may sample; absent = anywhere), for the correction's sources.
 */
export type CorrectionRunner = (
  image: RgbImage,
  hole: Mask,
  ctx: StageContext,
  sampling?: Mask,
) => Promise<RgbImage>;

/** The corrections auto-correct may try (those missing are never tried). */
export interface AutoCorrections {
  color?: CorrectionRunner;
  detail?: CorrectionRunner;
}

export const CANDIDATES = AUTO_CANDIDATES;
export type Candidate = AutoCandidate;

/**
 * The crop around a hole: its box grown by this many ring widths (the score looks at one; the detail
 * transfer finds its sources in the rest).
 */
export const CONTEXT_RINGS = 2;

/** Holes smaller than this (pixels) are left as they are: too small for the score to judge. */
export const MIN_HOLE_PIXELS = 16;

/**
 * What auto-correct did with one hole, for the stage info (and the editor's label on the image); the
 * words are app/contract/stageInfoText.ts autoHoleText.
 */
export type AutoHoleReport = AutoHole;

const STEPS: Record<Candidate, number> = { none: 0, color: 1, detail: 1, 'color+detail': 2 };

/** Why `chosen` was kept (see AutoVerdict), and the best candidate tried when none was kept. */
function verdictOf(
  chosen: Candidate,
  scores: Partial<Record<Candidate, HoleScores>>,
): { verdict: AutoVerdict; best?: Candidate } {
  if (chosen !== 'none') return { verdict: 'improved' };
  const none = scores.none!;
  const tried = CANDIDATES.filter((c) => c !== 'none' && scores[c]);
  if (tried.length === 0) return { verdict: 'none-enabled' };
  const best = tried.reduce((a, b) => (scores[b]!.total < scores[a]!.total ? b : a));
  return { verdict: scores[best]!.total < none.total ? 'below-margin' : 'already-fits', best };
}

/** The candidate's name in the progress and log lines. */
function label(c: Candidate): string {
  return c === 'color' ? 'colour' : c === 'color+detail' ? 'colour and detail' : c;
}

/** The candidates to try with these parameters and corrections, 'none' first. */
function candidatesFor(params: AutoParams, corrections: AutoCorrections): Candidate[] {
  const color = params.color && !!corrections.color;
  const detail = params.detail && !!corrections.detail;
  return CANDIDATES.filter(
    (c) => c === 'none' || ((!c.includes('color') || color) && (!c.includes('detail') || detail)),
  );
}

/** The hole's pixels (label) of `labels` in `box`, as a mask of the box's size. */
function holeMaskIn(labels: Int32Array, W: number, label: number, box: Rect): Mask {
  const m = createMask(box.width, box.height);
  for (let y = 0; y < box.height; y++)
    for (let x = 0; x < box.width; x++)
      if (labels[(box.y + y) * W + box.x + x] === label) m.data[y * box.width + x] = 1;
  return m;
}

/** The candidate with the least score + margin per step; 'none' unless one scores strictly below none. */
export function choose(scores: Partial<Record<Candidate, HoleScores>>, margin: number): Candidate {
  const none = scores.none!.total;
  let best: Candidate = 'none';
  let cost = none;
  for (const c of CANDIDATES) {
    const s = scores[c];
    if (c === 'none' || !s || !Number.isFinite(s.total) || !(s.total < none)) continue;
    const k = s.total + margin * STEPS[c];
    if (k < cost) {
      best = c;
      cost = k;
    }
  }
  return best;
}

function createRun(corrections: AutoCorrections) {
  return async function run(input: StageInput, params: AutoParams, ctx: StageContext): Promise<StageOutput> {
    const { image, mask } = input;
    if (image.width !== mask.width || image.height !== mask.height) {
      throw new StudioError(
        'MASK_SIZE',
        `The mask is ${mask.width}x${mask.height} but the image is ${image.width}x${image.height}`,
      );
    }
    const t0 = performance.now();
    const margin = params.margin;
    const tried = candidatesFor(params, corrections);
    const { components, labels } = holeComponents(mask);
    const W = image.width;
    const H = image.height;
    const out = cloneImage(image);
    const holes: AutoHoleReport[] = [];
    const total = Math.max(1, components.length * tried.length);
    let step = 0;
    const sub: StageContext = { ...ctx, progress: () => {} };
    const ms: Record<Candidate, number> = { none: 0, color: 0, detail: 0, 'color+detail': 0 };

    for (let h = 0; h < components.length; h++) {
      const comp = components[h];
      throwIfAborted(ctx.signal);
      if (comp.pixels < MIN_HOLE_PIXELS) {
        step += tried.length;
        holes.push({
          box: comp.box,
          pixels: comp.pixels,
          applied: 'none',
          verdict: 'too-small',
          scores: {},
        });
        continue;
      }
      const w = ringWidthFor(comp.pixels);
      const box = growBox(comp.box, CONTEXT_RINGS * w + 1, W, H);
      const crop = cropImage(image, box);
      const all = cropMask(mask, box);
      const hole = holeMaskIn(labels, W, comp.label, box);
      const area = input.sampling ? cropMask(input.sampling, box) : undefined;
      const geo = ringGeometry(hole, all, w);
      const results: Partial<Record<Candidate, RgbImage>> = { none: crop };
      const scores: Partial<Record<Candidate, HoleScores>> = {};
      const failed: Partial<Record<Candidate, string>> = {};
      const ring = prepareRing(crop, geo);
      const where = `hole ${h + 1} of ${components.length}`;
      // Borrowed detail suits an even texture (grass, gravel, brick); over an object (an emblem, an
      // eye) it draws busy detail from elsewhere that the ring score cannot tell from the right one.
      const kind: HoleKind = classifyHoles(crop, hole)[0]?.kind ?? 'object';
      const skipped = tried.filter((c) => c.includes('detail') && kind !== 'texture');
      for (const c of tried) {
        if (skipped.includes(c)) {
          step++;
          continue;
        }
        ctx.progress({
          step,
          total,
          message: `${where}: ${c === 'none' ? 'scoring the fill' : `trying ${label(c)}`}`,
        });
        throwIfAborted(ctx.signal);
        const t1 = performance.now();
        try {
          if (c === 'color') results.color = await corrections.color!(crop, hole, sub, area);
          else if (c === 'detail') results.detail = await corrections.detail!(crop, hole, sub, area);
          else if (c === 'color+detail' && results.color && results.detail) {
            // Colour then detail only where colour alone earned its step: otherwise it would not be kept
            // (its colour step would cost the margin without lowering the score), and a colour stage that
            // left the hole as it was makes it the detail candidate.
            const col = scores.color!;
            if (results.color.data.every((v, i) => v === crop.data[i])) results[c] = results.detail;
            else if (col.total + margin < scores.none!.total) {
              results[c] = await corrections.detail!(results.color, hole, sub, area);
            }
          }
        } catch (e) {
          // A correction that fails on this hole is not a candidate; the others still are.
          if (e instanceof StudioError && e.code === 'CANCELLED') throw e;
          const why = e instanceof Error ? e.message : String(e);
          failed[c] = why;
          ctx.log(`${where}: ${label(c)} could not run (${why}); it is not a candidate`);
        }
        throwIfAborted(ctx.signal);
        if (results[c])
          scores[c] =
            results[c] === results.detail && c !== 'detail'
              ? scores.detail
              : scoreHole(results[c]!, geo, ring);
        ms[c] += performance.now() - t1;
        step++;
      }
      const applied = choose(scores, margin);
      if (applied !== 'none') {
        const src = results[applied]!;
        const n = W * H;
        const m = box.width * box.height;
        for (let y = 0; y < box.height; y++)
          for (let x = 0; x < box.width; x++) {
            const j = y * box.width + x;
            if (!hole.data[j]) continue;
            const i = (box.y + y) * W + box.x + x;
            for (let ch = 0; ch < 3; ch++) out.data[ch * n + i] = src.data[ch * m + j];
          }
      }
      holes.push({
        box: comp.box,
        pixels: comp.pixels,
        applied,
        ...verdictOf(applied, scores),
        ...(skipped.length ? { detailSkipped: true } : {}),
        kind,
        scores,
        ...(Object.keys(failed).length ? { failed } : {}),
      });
    }
    throwIfAborted(ctx.signal);
    ctx.progress({ step: total, total, message: 'Auto-correct done' });
    const info: AutoInfo = {
      candidates: tried,
      holes,
      ms: Math.round(performance.now() - t0),
      // Time spent per candidate (running and scoring it), over all holes.
      candidateMs: Object.fromEntries(tried.map((c) => [c, Math.round(ms[c])])),
    };
    return { image: out, info };
  };
}

/**
 * The auto-correct stage with the corrections it may try (the registry passes the colour stage's run and
 * the detail transfer).
 */
export function createAutoStage(corrections: AutoCorrections): StageDef<typeof AUTO_PARAMS> {
  return defineStage({
    name: 'auto',
    label: 'Auto-correct',
    description:
      'Per hole, tries colour correction, added detail, both and none on the pixels already in the hole, and keeps the one that best fits the hole’s surroundings by a no-reference score (colour step, detail level and orientation, seam), or none; never one that fits worse than no correction. Explains per hole what it applied and why.',
    params: AUTO_PARAMS,
    run: createRun(corrections),
  });
}
