/**
 * lama.sizing=auto: picks resize, regions or multiscale from the image size, the holes and the model's
 * input size, and says why (the stage logs the reason and shows it in its progress message).
 *
 * - No model (embedded fill): original, at full resolution. The embedded fills are multi-resolution
 *   themselves and cost what the hole costs; the stage runs them in each hole's neighbourhood, as far as
 *   they read (strategies/neighbourhood.ts), so no full-image copy is made.
 * - A hole larger than half the model's input at the scale it is filled at: multiscale. The model
 *   (LaMa: trained on 256 px crops of 512 px images) gets a large hole's structure wrong at full scale
 *   and right at a coarse one (report §6).
 * - The image fits the model after at most halving it: resize. One call sees the whole image; LaMa
 *   does as well or better at half scale (report §6), so little is lost.
 * - More than AUTO_MAX_REGIONS regions: resize (each region is a model call; say how to force regions).
 * - Otherwise: regions. Each hole is filled in its own crop at (near) full resolution instead of in a
 *   whole image shrunk to a fraction.
 */
import type { Rect } from '../../../common/params';
import type { SizingReason } from '../../../common/stageInfo';
import type { SizingStrategy } from '../params';
import { engineSide, fitScale, type FillerGeometry } from '../sizing';

/** auto never plans more model calls than this for the regions strategy. */
export const AUTO_MAX_REGIONS = 16;

export interface StrategyChoice {
  strategy: SizingStrategy;
  /** Why, with the figures it was chosen on (words: app/common/lamaInfoText.ts sizingReasonText). */
  reason: SizingReason;
}

export interface AutoInput {
  width: number;
  height: number;
  /** The model's sizing, or null for the embedded fill. */
  engine: FillerGeometry | null;
  /** The regions' hole boxes and their crops (same order). */
  regions: readonly { box: Rect; crop: Rect }[];
}

/** @returns the strategy and the reason's code with the figures it was chosen on */
export function chooseStrategy(input: AutoInput): StrategyChoice {
  const { width, height, engine, regions } = input;
  if (!engine) return { strategy: 'original', reason: { code: 'embedded-neighbourhoods' } };
  const side = engineSide(engine)!;
  const whole = fitScale(width, height, engine);
  const longest = (box: Rect) => Math.max(box.width, box.height);
  if (whole >= 0.5) {
    const hole = Math.max(0, ...regions.map((r) => longest(r.box))) * whole;
    if (hole > side / 2) {
      return { strategy: 'multiscale', reason: { code: 'large-hole', holePx: Math.round(hole), side } };
    }
    return { strategy: 'resize', reason: { code: 'fits', width, height, side, scale: whole } };
  }
  if (regions.length > AUTO_MAX_REGIONS) {
    return {
      strategy: 'resize',
      reason: {
        code: 'too-many-regions',
        regions: regions.length,
        maxRegions: AUTO_MAX_REGIONS,
        width,
        height,
        scale: whole,
      },
    };
  }
  let worst = 0;
  let minScale = 1;
  for (const r of regions) {
    const s = fitScale(r.crop.width, r.crop.height, engine);
    worst = Math.max(worst, longest(r.box) * s);
    minScale = Math.min(minScale, s);
  }
  if (worst > side / 2) {
    return {
      strategy: 'multiscale',
      reason: { code: 'large-hole-in-crop', holePx: Math.round(worst), side },
    };
  }
  return {
    strategy: 'regions',
    reason: { code: 'regions', width, height, side, scale: whole, holes: regions.length, minScale },
  };
}
