/** Every stage the engine knows, in the order a pipeline runs them (the report's order). */
import { resolveParams } from '../common/params';
import { transferDetail } from '../image/detailTransfer';
import type { StageDef } from '../pipeline/types';
import { createAutoStage } from './auto/stage';
import { blockmatchStage } from './blockmatch/stage';
import { colorStage } from './color/stage';
import { lamaStage } from './lama/stage';
import { textureStage } from './texture/stage';

/**
 * Auto-correct, with the corrections it tries injected here (a stage never imports a sibling stage): the
 * colour stage with its defaults, and the detail transfer with its defaults.
 */
export const autoStage = createAutoStage({
  color: async (image, hole, ctx, sampling) =>
    (
      await colorStage.run(
        { image, original: image, mask: hole, artifacts: {}, sampling },
        resolveParams(colorStage.params),
        ctx,
      )
    ).image,
  detail: async (image, hole, ctx, sampling) =>
    transferDetail(image, hole, { seed: ctx.seed, signal: ctx.signal, sampling }).image,
});

export const STAGES: readonly StageDef[] = [lamaStage, blockmatchStage, textureStage, colorStage, autoStage];

/** What `inpaint-studio run` runs when --stages is not given. */
export const DEFAULT_STAGE_LIST = ['lama'] as const;
