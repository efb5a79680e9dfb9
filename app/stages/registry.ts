/** Every stage the engine knows, in the order a pipeline runs them (the report's order). */
import type { StageDef } from '../pipeline/types';
import { colorStage } from './color/stage';
import { lamaStage } from './lama/stage';
import { textureStage } from './texture/stage';

export const STAGES: readonly StageDef[] = [lamaStage, textureStage, colorStage];

/** What `inpaint-studio run` runs when --stages is not given. */
export const DEFAULT_STAGE_LIST = ['lama'] as const;
