/**
 * Coarse to fine: the synthesis runs first on the crop scaled down by 2^(levels−1), where the network's
 * receptive field spans twice (four times…) as much of the image and large structures form cheaply;
 * each finer level starts from, and is anchored to, the level below scaled up.
 */
import { throwIfAborted } from '../../common/errors';
import { resizeImage, resizeMask } from '../../image/resize';
import { createMask, type Mask, type RgbImage } from '../../image/types';
import { Random } from '../../graph/random';
import { meanGradientWhere } from '../../image/metrics';
import { MIN_EXEMPLAR_SIDE } from './params';
import {
  phase,
  synthesize,
  type SynthesisInput,
  type SynthesisOptions,
  type SynthesisResult,
} from './synthesize';

export interface PyramidOptions extends SynthesisOptions {
  /** Levels (1 = the working size only). */
  levels: number;
  /**
   * Initial Δ of each level whose start is below the detail target: white noise of this standard
   * deviation (pixel values), from `seed` (+ the level). It gives the texture loss something to shape where the start is flat (Gram gradients are
   * proportional to the features, which vanish on a flat fill).
   */
  grain?: { std: number; seed: number };
  /** The spectrum term's target at each level's size, or null (no spectrum term at that level). */
  spectrumTarget?(width: number, height: number): Promise<Float32Array | null>;
  /** Called when a level starts (0 = the finest). */
  onLevel?(level: number, width: number, height: number): void;
}

/** A level's start is flat below this fraction of the detail target. */
const FLAT = 0.5;

const size = (n: number, level: number) => Math.max(1, Math.round(n / 2 ** level));

function scaleMask(mask: Mask, w: number, h: number): Mask {
  return mask.width === w && mask.height === h ? mask : resizeMask(mask, w, h);
}

function scaleExemplar(ex: SynthesisInput['exemplar'], level: number): SynthesisInput['exemplar'] {
  if (level === 0) return ex;
  const { width, height } = ex.image;
  // Never below what the feature networks take (a coarse level of a small exemplar would be too small).
  const w = Math.max(Math.min(MIN_EXEMPLAR_SIDE, width), size(width, level)),
    h = Math.max(Math.min(MIN_EXEMPLAR_SIDE, height), size(height, level));
  if (!ex.valid) return { image: resizeImage(ex.image, w, h), valid: null };
  // Conservative: a coarse pixel is invalid when it covers any invalid pixel.
  const invalid = createMask(
    width,
    height,
    Uint8Array.from(ex.valid, (v) => (v ? 0 : 1)),
  );
  const coarse = resizeMask(invalid, w, h);
  return { image: resizeImage(ex.image, w, h), valid: Uint8Array.from(coarse.data, (v) => (v ? 0 : 1)) };
}

export interface PyramidResult extends SynthesisResult {
  /** Per level, coarsest first: working size, the loss at its start and end, and the texture floor. */
  levels: { size: string; lossStart: number; lossEnd: number; iterations: number; floor: number | null }[];
}

/**
 * The finest level's result (its image, losses and terms), with iterations, evaluations and timing
 * summed over the levels.
 */
export async function synthesizePyramid(input: SynthesisInput, o: PyramidOptions): Promise<PyramidResult> {
  const { width: W, height: H } = input.image;
  // No level smaller than 32 px: below that the network sees little more than its own padding.
  let levels = Math.max(1, o.levels);
  while (levels > 1 && Math.min(W, H) / 2 ** (levels - 1) < 32) levels--;
  let carried: RgbImage | null = null;
  let last: SynthesisResult | null = null;
  const reports: PyramidResult['levels'] = [];
  let iterations = 0,
    evaluations = 0,
    ms = 0;
  for (let level = levels - 1; level >= 0; level--) {
    const w = size(W, level),
      h = size(H, level);
    o.onLevel?.(level, w, h);
    throwIfAborted(o.signal);
    const image = level === 0 ? input.image : resizeImage(input.image, w, h);
    const hole = scaleMask(input.hole, w, h);
    let start = level === 0 ? input.start : resizeImage(input.start, w, h);
    if (carried) {
      // The hole starts from this level's own start plus what the level below added to its start
      // (scaled up): the coarse structure carries over, and in luma mode so does the start's chroma.
      // resizeImage clamps to 0..1, so the differences (−1..1) travel as 0.5 + d/2.
      const up = resizeImage(carried, w, h);
      start = { width: w, height: h, data: start.data.slice() };
      const n = w * h;
      for (let i = 0; i < n; i++)
        if (hole.data[i]) for (let c = 0; c < 3; c++) start.data[c * n + i] += 2 * (up.data[c * n + i] - 0.5);
    }
    const levelStart = start;
    let initialDetail: Float32Array | undefined;
    // Grain at every level whose start is flat, not only the coarsest: a flat start gives the texture
    // loss nothing to shape but the hole's edge (features vanish on a flat fill), and the optimiser then
    // draws a frame along it. A start with detail gets none (the grain would count as detail reached).
    const flat = o.detailTarget === undefined || meanGradientWhere(start, hole.data) < FLAT * o.detailTarget;
    if (flat && o.grain && o.grain.std > 0) {
      const rnd = new Random(o.grain.seed + level);
      let m = 0;
      for (const v of hole.data) m += v;
      initialDetail = new Float32Array((o.lumaOnly ? 1 : 3) * m);
      for (let k = 0; k < initialDetail.length; k++) initialDetail[k] = o.grain.std * rnd.normal();
    }
    await phase(o, 0);
    const spectrumTarget = o.spectrumTarget ? await o.spectrumTarget(w, h) : null;
    const r = await synthesize(
      {
        image,
        hole,
        start,
        exemplar: scaleExemplar(input.exemplar, level),
        initialDetail,
        references: input.references?.map((r) => (level === 0 ? r : resizeImage(r, w, h))),
        spectrumTarget,
      },
      // The kept band is the same in image units at every level.
      { ...o, bandSigma: (o.bandSigma ?? 0) / 2 ** level },
    );
    iterations += r.iterations;
    evaluations += r.evaluations;
    ms += r.msPerEvaluation * r.evaluations;
    // What this level added (zero outside the hole, encoded as 0.5 + d/2), for the next level.
    const added = new Float32Array(r.image.data.length);
    for (let i = 0; i < added.length; i++) added[i] = 0.5 + (r.image.data[i] - levelStart.data[i]) / 2;
    carried = { width: w, height: h, data: added };
    last = r;
    reports.push({
      size: `${w}x${h}`,
      lossStart: r.lossStart,
      lossEnd: r.lossEnd,
      iterations: r.iterations,
      floor: r.floor,
    });
  }
  return {
    ...last!,
    iterations,
    evaluations,
    msPerEvaluation: ms / Math.max(1, evaluations),
    levels: reports,
  };
}
