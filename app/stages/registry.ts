/** Every stage the engine knows, in the order a default pipeline runs them. */
import type { StageDef } from '../pipeline/types';
import { colorStage } from './color/stage';
import { lamaStage } from './lama/stage';

export const STAGES: readonly StageDef[] = [lamaStage, colorStage];

/** What `inpaint-studio run` runs when --stages is not given. */
export const DEFAULT_STAGE_LIST = ['lama'] as const;
