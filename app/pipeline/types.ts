/**
 * What a stage is. Stages are functions: run(input, params, ctx). No module-level state;
 * deterministic for a given seed; pixels outside the mask are never changed.
 */
import type { LruCache } from '../common/lruCache';
import type { ParamSchema, ParamsOf, Rect } from '../common/params';
import type { StageInfo } from '../common/stageInfo';
import type { Mask, RgbImage } from '../image/types';
import type { SessionPool } from '../ort/types';
import type { ModelResolver, ResolvedModel } from '../../native-models/resolver';

export const STAGE_NAMES = ['lama', 'blockmatch', 'texture', 'color', 'auto'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/**
 * What a stage hands to the stages after it besides pixels (e.g. block matching's automatic choice of
 * an exemplar for the texture stage and a reference for the colour stage). JSON-serialisable.
 */
export interface StageArtifacts {
  /** Exemplar region for texture synthesis, chosen automatically (blockmatch). */
  exemplar?: Rect;
  /** Reference region for colour transfer, chosen automatically (blockmatch). */
  reference?: Rect;
  /** Any other stage-specific facts, keyed by stage name. */
  [key: string]: unknown;
}

export interface StageInput {
  /** The image as left by the previous stage (the original for the first stage). */
  image: RgbImage;
  /** The untouched original. */
  original: RgbImage;
  /** The hole: 1 = fill. */
  mask: Mask;
  /**
   * The sampling area (issue 15 §4): 1 = the stage may sample from this pixel (when it is outside `mask`).
   * Absent = anywhere outside the hole. Image-sized; the pipeline checked that it holds some known pixel.
   * A source, exemplar or reference the stage picks itself comes only from it; a rectangle the user gave
   * by hand is honoured even where it leaves the area (the user asked for it). Never changes pixels.
   */
  sampling?: Mask;
  /** Artifacts of the earlier stages of this run, merged in order (later stages win). */
  artifacts: Readonly<StageArtifacts>;
  /**
   * True when nothing reads `image` after this stage (the caller handed the image over, nothing is
   * cached, and `original` is not needed by a later stage): the stage may write its result into
   * `image.data` and return that image, instead of holding a second full-size copy. A permission, not a
   * duty; absent or false, `image` must not be modified.
   */
  writable?: boolean;
}

export interface StageOutput {
  image: RgbImage;
  /** Set when the stage changed the effective hole (e.g. lama's signed mask grow); later stages use it. */
  mask?: Mask;
  /**
   * Facts for the summary and the UI (e.g. which model or fallback ran): data, declared per stage in
   * app/common/stageInfo.ts (words in app/contract/stageInfoText.ts). JSON-serialisable.
   */
  info?: StageInfo;
  /** Data for later stages (see StageArtifacts). */
  artifacts?: StageArtifacts;
}

export interface ProgressUpdate {
  step: number;
  total: number;
  message?: string;
  /** Optional preview of the current result (the pipeline throttles these). */
  preview?: RgbImage;
}

export type { ModelResolver, ResolvedModel };

export interface StageContext {
  signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  sessions: SessionPool;
  /**
   * This pipeline's cache of built graphs and loaded weights (bounded, least recently used first out);
   * absent = nothing is kept between calls. Never module-level state (issue 16 §3).
   */
  resources?: LruCache;
  models: ModelResolver;
  /** Seed for every random choice of the run. */
  seed: number;
  /** The model id the user chose (CLI --model, the editor's model manager), if any. */
  modelId?: string;
  /** Informational line (shown in --json output and the UI's log). */
  log(message: string): void;
}

/**
 * A stage. `S` is its parameter schema: made by `defineParams`, `run` and `localCrops` get each parameter
 * with its type (see `defineStage`); the registry and the pipeline hold a plain `StageDef` list.
 */
export interface StageDef<S extends ParamSchema = ParamSchema> {
  name: StageName;
  label: string;
  description: string;
  params: S;
  run(input: StageInput, params: ParamsOf<S>, ctx: StageContext): Promise<StageOutput>;
  /**
   * Optional: the rectangles (in image pixels, inside it) outside which this stage, with these parameters,
   * reads and writes nothing for this hole, so that running it on the union of those rectangles' crops
   * gives the pixels it gives on the whole image; null when it reads the whole image (e.g. a model that
   * sees all of it). A stage without this method reads the whole image.
   */
  localCrops?(mask: Mask, params: ParamsOf<S>, env: LocalEnv): Promise<Rect[] | null>;
}

/**
 * Defines a stage over a typed parameter schema (`defineParams`): `run(input, params, ctx)` gets each
 * declared parameter with its value type, so a misspelt name or a wrong type does not compile. The
 * pipeline resolves the values against the same schema before it calls `run`, which is what makes the
 * typed view hold at run time.
 */
export function defineStage<S extends ParamSchema>(def: StageDef<S>): StageDef<S> {
  return def;
}

/** What localCrops may consult: the installed models and the user's choice. */
export interface LocalEnv {
  models: ModelResolver;
  modelId?: string;
}
