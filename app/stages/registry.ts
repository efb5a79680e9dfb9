/** Every stage the engine knows, in the order a default pipeline runs them. */
import type { StageDef } from '../pipeline/types';
import { lamaStage } from './lama/stage';

export const STAGES: readonly StageDef[] = [lamaStage];

export const DEFAULT_STAGE_LIST = ['lama'] as const;
