/**
 * Runs an ordered list of enabled stages over an image and a mask, with cached stage results,
 * throttled progress events and cancellation at any step.
 */
import type { StageInfo } from '../common/stageInfo';
import { LruCache } from '../common/lruCache';
import { StudioError, asStudioError, throwIfAborted } from '../common/errors';
import { resolveParams, type ParamValues, type Rect } from '../common/params';
import { changesOutsideHole, restoreOutsideHole } from '../image/fill/composite';
import { assertUsableSampling } from '../image/sampling';
import { assertSameSize, maskArea, type Mask, type RgbImage } from '../image/types';
import type { SessionPool } from '../ort/types';
import { StageCache, chainKey, imageKey, maskKey } from './cache';
import { chainOrder } from './chain';
import { disjointHulls } from './neighbourhoods';
import { Throttle } from './throttle';
import { assertUniqueStages, validateRun } from './validate';
import type { ModelResolver, StageArtifacts, StageDef, StageInput, StageName, StageOutput } from './types';

export interface StageRequest {
  name: string;
  /** Parameter values; missing ones take their declared defaults. */
  params?: Record<string, unknown>;
}

export interface PipelineRequest {
  image: RgbImage;
  mask: Mask;
  stages: readonly StageRequest[];
  seed?: number;
  modelId?: string;
  /** The sampling area (StageInput.sampling): 1 = may sample from; absent = anywhere outside the hole. */
  sampling?: Mask;
}

export type PipelineEvent =
  | { type: 'stage-start'; stage: StageName; index: number; count: number }
  | { type: 'progress'; stage: StageName; step: number; total: number; message?: string; preview?: RgbImage }
  | { type: 'stage-end'; stage: StageName; ms: number; cached: boolean; info?: StageInfo }
  | { type: 'log'; stage: StageName; message: string };

export interface StageReport {
  stage: StageName;
  ms: number;
  cached: boolean;
  params: ParamValues;
  info?: StageInfo;
}

export interface PipelineResult {
  image: RgbImage;
  /** The effective hole after every stage (differs from the input mask when a stage grew or shrank it). */
  mask: Mask;
  /** Artifacts of every stage, merged in order. */
  artifacts: StageArtifacts;
  stages: StageReport[];
  totalMs: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  onEvent?: (e: PipelineEvent) => void;
  /** Progress events per second at most (default 10). */
  maxEventsPerSecond?: number;
  /**
   * Results of this stage and the stages after it are read from the cache but not stored (a try-values
   * run: its variants would push the user's own results out of the cache).
   */
  storeNothingFrom?: string;
  /**
   * The caller hands `req.image` over: it does not use it after the run (its pixels may hold the result)
   * and nothing is read from or stored in the cache. Each stage may then write its result into the image
   * it is given (StageInput.writable) instead of copying it: the last stage always, earlier ones when
   * their input is an earlier stage's output, not the original. So a one-shot run (the CLI) holds one
   * full-size image, not one per stage. After a failed or cancelled run the image's hole pixels are
   * unspecified (pixels outside the hole never change).
   */
  consumeImage?: boolean;
}

export interface PipelineDeps {
  stages: readonly StageDef[];
  sessions: SessionPool;
  models: ModelResolver;
  cache?: StageCache;
  /**
   * What a stage that changed pixels outside the hole (the hole before it, and the one it returns when it
   * grew or shrank it) meets: 'throw' (default: tests and direct uses see the bug as a StudioError
   * INTERNAL naming the stage, the count and the first pixel) or 'restore' (the application: the outside
   * pixels are put back from the stage's input, so the user's picture is never damaged, and the violation
   * is logged as a 'log' event and a console warning). Not checked for a stage that wrote its result into
   * its input (RunOptions.consumeImage): the input's pixels are gone.
   */
  outsideHole?: 'throw' | 'restore';
}

/** Resolves and validates a stage list against the registry, before anything runs; in the chain order (chain.ts). */
export function resolveStageList(
  registry: readonly StageDef[],
  stages: readonly StageRequest[],
): { def: StageDef; params: ParamValues }[] {
  assertUniqueStages(stages.map((s) => s.name));
  // In the chain's order (chain.ts: colour before the stages that add detail), whatever the listed order.
  const plan = stages.map((s) => {
    const def = registry.find((d) => d.name === s.name);
    if (!def) {
      throw new StudioError(
        'STAGE_UNKNOWN',
        `Unknown stage "${s.name}"; available stages: ${registry.map((d) => d.name).join(', ')}`,
      );
    }
    return { def, params: resolveParams(def.params, s.params ?? {}) };
  });
  return chainOrder(plan);
}

/** What a pipeline's graphs and weights may cost together, in bytes (the VGG19 weights are about 80 MB). */
export const RESOURCE_BUDGET = 256 * 2 ** 20;

export class Pipeline {
  readonly cache: StageCache;
  /** Built graphs and loaded weights of this pipeline's stages (StageContext.resources). */
  readonly resources = new LruCache(RESOURCE_BUDGET);
  constructor(private readonly deps: PipelineDeps) {
    this.cache = deps.cache ?? new StageCache();
  }

  /**
   * The crops a run of `req` can be made on instead of the whole image (neighbourhoods.ts): disjoint
   * rectangles that together hold every hole pixel, or null when some stage reads the whole image (or
   * the hole is empty). Running the same stages on each crop, with the crop of the mask, changes the
   * same pixels to the same values as a run on the whole image.
   * @throws StudioError STAGE_UNKNOWN / PARAM_INVALID / MASK_SIZE as run (checked on the whole image)
   */
  async localCrops(req: Omit<PipelineRequest, 'image'>): Promise<Rect[] | null> {
    const plan = resolveStageList(this.deps.stages, req.stages);
    // Checked against the whole image here: a crop would misjudge rectangles and the hole's extent.
    validateRun(plan, req.mask, req.mask);
    if (req.sampling) assertUsableSampling(req.sampling, req.mask);
    if (plan.length === 0 || maskArea(req.mask) === 0) return null;
    const rects: Rect[] = [];
    for (const { def, params } of plan) {
      const r = def.localCrops
        ? await def.localCrops(req.mask, params, { models: this.deps.models, modelId: req.modelId })
        : null;
      if (!r) return null;
      rects.push(...r);
    }
    return disjointHulls(rects);
  }

  /** The stages this pipeline knows (its registry). */
  get stageDefs(): readonly StageDef[] {
    return this.deps.stages;
  }

  /**
   * Runs the stages in order. Each stage's result is cached under (its inputs, its parameters), so a
   * re-run after a later stage's parameter changed starts from that stage.
   * @throws StudioError PARAM_INVALID / STAGE_UNKNOWN / MASK_SIZE before running (a stage listed twice,
   *   a rectangle parameter outside the image or too small, a mask over the whole image: validate.ts);
   *   CANCELLED when the signal fires (promptly, even while a stage is inside a model call); the
   *   stage's error otherwise.
   */
  async run(req: PipelineRequest, opts: RunOptions = {}): Promise<PipelineResult> {
    const t0 = performance.now();
    assertSameSize(req.image, req.mask);
    const plan = resolveStageList(this.deps.stages, req.stages);
    validateRun(plan, req.image, req.mask);
    if (req.sampling) assertUsableSampling(req.sampling, req.mask);
    const signal = opts.signal ?? new AbortController().signal;
    const emit = opts.onEvent ?? (() => {});
    const seed = req.seed ?? 0;
    throwIfAborted(signal);

    let image = req.image;
    let mask = req.mask;
    let artifacts: StageArtifacts = {};
    const consume = opts.consumeImage === true;
    // A consumed image is neither looked up nor stored, so it needs no content hash.
    let key = consume
      ? ''
      : chainKey(imageKey(req.image), maskKey(req.mask), {
          seed,
          modelId: req.modelId ?? null,
          ...(req.sampling ? { sampling: maskKey(req.sampling) } : {}),
        });
    const reports: StageReport[] = [];
    const noStoreAt = opts.storeNothingFrom
      ? plan.findIndex((p) => p.def.name === opts.storeNothingFrom)
      : -1;

    for (let i = 0; i < plan.length; i++) {
      const { def, params } = plan[i];
      throwIfAborted(signal);
      if (!consume) key = chainKey(key, def.name, params);
      emit({ type: 'stage-start', stage: def.name, index: i, count: plan.length });
      const ts = performance.now();
      let out = consume ? undefined : this.cache.get(key);
      const cached = out !== undefined;
      if (!out) {
        if (maskArea(mask) === 0) {
          out = { image, info: { skipped: 'empty-mask' } };
        } else {
          out = await this.runStage(
            def,
            params,
            {
              image,
              original: req.image,
              mask,
              ...(req.sampling ? { sampling: req.sampling } : {}),
              artifacts,
              writable: consume && (image !== req.image || i === plan.length - 1),
            },
            seed,
            req.modelId,
            signal,
            emit,
            opts,
          );
          this.keepOutside(def.name, image, mask, out, emit);
        }
        if (!consume && (noStoreAt < 0 || i < noStoreAt)) this.cache.set(key, out);
      }
      const ms = performance.now() - ts;
      image = out.image;
      mask = out.mask ?? mask;
      if (out.artifacts) artifacts = { ...artifacts, ...out.artifacts };
      reports.push({ stage: def.name, ms, cached, params, info: out.info });
      emit({ type: 'stage-end', stage: def.name, ms, cached, info: out.info });
    }
    return { image, mask, artifacts, stages: reports, totalMs: performance.now() - t0 };
  }

  /**
   * The hole invariant (PipelineDeps.outsideHole): `out` may differ from the stage's input only inside the
   * hole it was given or the one it returned.
   * @throws StudioError INTERNAL in 'throw' mode when it does not.
   */
  private keepOutside(
    stage: StageName,
    input: RgbImage,
    hole: Mask,
    out: StageOutput,
    emit: (e: PipelineEvent) => void,
  ): void {
    if (out.image.data === input.data) return; // written in place (consumeImage): nothing to compare with
    const holes = out.mask ? [hole, out.mask] : [hole];
    const { count, first } = changesOutsideHole(input, out.image, holes);
    if (count === 0) return;
    const message = `Stage "${stage}" changed ${count} pixels outside the hole (the first at (${first!.x}, ${first!.y}))`;
    if (this.deps.outsideHole !== 'restore') throw new StudioError('INTERNAL', message);
    restoreOutsideHole(input, out.image, holes);
    emit({ type: 'log', stage, message: `${message}; they were put back` });
    console.warn(`${message}; they were put back`);
  }

  private async runStage(
    def: StageDef,
    params: ParamValues,
    input: StageInput,
    seed: number,
    modelId: string | undefined,
    signal: AbortSignal,
    emit: (e: PipelineEvent) => void,
    opts: RunOptions,
  ): Promise<StageOutput> {
    const throttle = new Throttle<PipelineEvent>(emit, 1000 / (opts.maxEventsPerSecond ?? 10));
    const work = def.run(input, params, {
      signal,
      seed,
      modelId,
      sessions: this.deps.sessions,
      resources: this.resources,
      models: this.deps.models,
      progress: (u) => {
        if (!signal.aborted) throttle.push({ type: 'progress', stage: def.name, ...u });
      },
      log: (message) => emit({ type: 'log', stage: def.name, message }),
    });
    try {
      const out = await raceAbort(work, signal);
      throttle.flush();
      return out;
    } catch (e) {
      throttle.cancel();
      throw asStudioError(e, 'INTERNAL');
    }
  }
}

/** Settles with the work, or rejects with CANCELLED as soon as the signal fires (the work's result is dropped). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(new StudioError('CANCELLED', 'The operation was cancelled.'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => {});
      reject(new StudioError('CANCELLED', 'The operation was cancelled.'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
