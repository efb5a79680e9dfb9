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
import type { SizingStrategy } from '../params';
import { engineSide, fitScale, type FillerGeometry } from '../sizing';

/** auto never plans more model calls than this for the regions strategy. */
export const AUTO_MAX_REGIONS = 16;

export interface StrategyChoice {
  strategy: SizingStrategy;
  reason: string;
}

export interface AutoInput {
  width: number;
  height: number;
  /** The model's sizing, or null for the embedded fill. */
  engine: FillerGeometry | null;
  /** The regions' hole boxes and their crops (same order). */
  regions: readonly { box: Rect; crop: Rect }[];
}

const pct = (s: number) => `${Math.round(s * 100)}%`;

/** @returns the strategy and a one-sentence reason naming the figures it was chosen on */
export function chooseStrategy(input: AutoInput): StrategyChoice {
  const { width: W, height: H, engine, regions } = input;
  if (!engine) {
    return {
      strategy: 'original',
      reason:
        "the embedded fill runs at full resolution in each hole's neighbourhood, as far as it reads (it is multi-scale itself); lama.sizing=regions restricts it to smaller crops",
    };
  }
  const side = engineSide(engine)!;
  const whole = fitScale(W, H, engine);
  const longest = (box: Rect) => Math.max(box.width, box.height);
  if (whole >= 0.5) {
    const hole = Math.max(0, ...regions.map((r) => longest(r.box))) * whole;
    if (hole > side / 2) {
      return {
        strategy: 'multiscale',
        reason: `the largest hole is ${Math.round(hole)} px at the model's scale, more than half its ${side} px input: a coarse pass gets its structure, a fine pass its detail`,
      };
    }
    return {
      strategy: 'resize',
      reason:
        whole === 1
          ? `the ${W}x${H} image fits the model's ${side} px input at full resolution: one call sees all of it`
          : `the ${W}x${H} image fits the model's ${side} px input at ${pct(whole)} (no less than half): one call sees all of it`,
    };
  }
  if (regions.length > AUTO_MAX_REGIONS) {
    return {
      strategy: 'resize',
      reason: `${regions.length} separate regions would take ${regions.length} model calls (auto allows ${AUTO_MAX_REGIONS}), so the ${W}x${H} image is scaled to ${pct(whole)} for one call; lama.sizing=regions fills each at full resolution anyway, a larger lama.mergeDistance groups them`,
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
      reason: `the largest hole is ${Math.round(worst)} px at the scale its crop fits the model, more than half the model's ${side} px input: a coarse pass gets its structure, a fine pass its detail`,
    };
  }
  const n = regions.length;
  return {
    strategy: 'regions',
    reason: `the ${W}x${H} image would be scaled to ${pct(whole)} to fit the model's ${side} px input; ${n === 1 ? 'its hole is' : `its ${n} separate holes are`} filled in ${n === 1 ? 'a crop' : 'crops'} at ${minScale === 1 ? 'full resolution' : `${pct(minScale)} or more`} instead`,
  };
}
