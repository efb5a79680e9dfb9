/** Every stage the engine knows, in the order a pipeline runs them (the report's order). */
import type { StageDef } from '../pipeline/types';
import { blockmatchStage } from './blockmatch/stage';
import { colorStage } from './color/stage';
import { lamaStage } from './lama/stage';
import { textureStage } from './texture/stage';

export const STAGES: readonly StageDef[] = [lamaStage, blockmatchStage, textureStage, colorStage];

/** What `inpaint-studio run` runs when --stages is not given. */
export const DEFAULT_STAGE_LIST = ['lama'] as const;
