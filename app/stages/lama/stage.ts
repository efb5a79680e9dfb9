/**
 * The LaMa stage: fills the hole with the installed inpainting model (any known convention, fixed or
 * dynamic size), or, when none is installed, with the embedded download-free fill, and says which ran.
 *
 * How the model sees the image is a sizing strategy (lama.sizing): resize the whole image to the model,
 * run it at original size, fill each region in its own crop, or combine a coarse and a fine pass per
 * region; `auto` picks one and says why (strategies/auto.ts). Every strategy fills crops through
 * strategies/fillCrop.ts, and only the hole's pixels ever change.
 */
import { StudioError, throwIfAborted } from '../../common/errors';
import type { Rect } from '../../common/params';
import { batchingText, sizingReasonText } from '../../common/lamaInfoText';
import type { BatchCapability, BatchingReason, EmbeddedReason, LamaInfo } from '../../common/stageInfo';
import { growMask } from '../../image/morphology';
import { maskArea, type Mask, type RgbImage } from '../../image/types';
import type { ModelSession } from '../../ort/types';
import {
  defineStage,
  type LocalEnv,
  type ResolvedModel,
  type StageContext,
  type StageInput,
  type StageOutput,
} from '../../pipeline/types';
import { compositeFill } from './composite';
import { createAdapter } from './conventions/detect';
import { checkAndRecordBatching, modelFacts } from './conventions/firstUse';
import type { ConventionId } from './conventions/types';
import { embeddedFillAsync } from './embeddedFill';
import { LAMA_PARAMS, type LamaParams, type SizingParam, type SizingStrategy } from './params';
import { fitScale, paddedSize, workingSize } from './sizing';
import { chooseStrategy, type StrategyChoice } from './strategies/auto';
import { cropFillSource, fillCrop, type Filler } from './strategies/fillCrop';
import { batchPixelBudget } from './strategies/batching';
import { neighbourhoodJobs } from './strategies/neighbourhood';
import { fillRegions, planRegions, type RegionJob } from './strategies/regions';
import { cropsWithSources, fillArea } from './strategies/samplingArea';

/** Picks the model to run, or null for the embedded fill; throws MODEL_MISSING when one is required. */
async function chooseModel(params: LamaParams, ctx: StageContext): Promise<ResolvedModel | null> {
  if (params.engine === 'embedded') return null;
  const model = await ctx.models.resolve('inpaint', ctx.modelId);
  if (ctx.modelId && model?.id !== ctx.modelId) {
    throw new StudioError(
      'MODEL_MISSING',
      `The model "${ctx.modelId}" is not installed. Install it with: inpaint-studio models download ${ctx.modelId}`,
    );
  }
  if (!model && params.engine === 'model') {
    throw new StudioError(
      'MODEL_MISSING',
      'No inpainting model is installed and lama.engine=model requires one. Install it with: inpaint-studio models download lama-fp32',
    );
  }
  return model;
}

/** Wraps a session so the stage can report the time spent inside session.run. */
function timed(session: ModelSession, clock: { ms: number; calls: number }): ModelSession {
  return new Proxy(session, {
    get(target, prop, receiver) {
      if (prop === 'run') {
        return async (...args: Parameters<ModelSession['run']>) => {
          const t = performance.now();
          try {
            return await target.run(...args);
          } finally {
            clock.ms += performance.now() - t;
            clock.calls++;
          }
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

interface Engine {
  filler: Filler;
  info: Pick<
    LamaInfo,
    | 'engine'
    | 'method'
    | 'engineReason'
    | 'model'
    | 'convention'
    | 'provider'
    | 'modelBatch'
    | 'selfCheck'
    | 'selfCheckRuns'
    | 'reading'
    | 'orderUndecided'
  >;
  clock?: { ms: number; calls: number };
  /**
   * Whether the engine fills several crops in one call, and why (or why not); `verify` checks a
   * model whose batching is not verified yet (and records the answer), giving the batch to use.
   */
  batch: {
    dynamic: boolean;
    why: BatchCapability;
    verify?: (signal: AbortSignal) => Promise<{ dynamic: boolean; why: BatchCapability }>;
  };
  /** The model's session: its provider is read after the fill (a failed run may move it on). */
  session?: ModelSession;
}

/**
 * Which provider ran the model: the session's provider after the fill, and, when a failed run moved
 * it from the one it loaded on, a note saying so with the failure.
 */
function providerInfo(
  session: ModelSession,
  loadedOn: unknown,
): Pick<LamaInfo, 'provider' | 'providerMoved'> {
  const ran = session.provider;
  if (ran === loadedOn) return { provider: ran };
  const failed = [...session.attempts].reverse().find((a) => a.provider === loadedOn && !a.ok);
  return {
    provider: ran,
    providerMoved: {
      from: String(loadedOn),
      ...(failed?.reason ? { error: failed.reason.replace(/^failed: /, '') } : {}),
    },
  };
}

function describeInputs(session: ModelSession): string {
  return session.inputs.map((t) => `${t.name} [${t.dims.join(',')}]`).join(', ');
}

async function modelEngine(model: ResolvedModel, params: LamaParams, ctx: StageContext): Promise<Engine> {
  const clock = { ms: 0, calls: 0 };
  const session = await ctx.sessions.get(model.path);
  const hint = model.convention as ConventionId | undefined;
  // First use: the self-check's reading (recorded in the model's checks.json), untimed.
  const facts = await modelFacts(model, session, hint, ctx.signal);
  const adapter = createAdapter(timed(session, clock), hint, facts.reading);
  const dynamic = adapter.fixedSize === null;
  const filler: Filler = {
    label: `${model.id} on ${session.provider}`,
    fixedSize: adapter.fixedSize,
    multiple: dynamic ? Math.max(8, adapter.multiple) : 1,
    limit: dynamic ? params.resizeLimit : null,
    dilate: params.modelDilate,
    run: (image, mask, signal) => adapter.run(image, mask, signal),
    maxBatch: adapter.dynamicBatch ? Infinity : 1,
    runBatch: (images, masks, signal) => adapter.runBatch(images, masks, signal),
  };
  const inputs = describeInputs(session);
  let batch: Engine['batch'];
  if (!adapter.dynamicBatch) {
    batch = {
      dynamic: false,
      why: adapter.batchReason
        ? { code: 'convention', why: adapter.batchReason, inputs }
        : { code: 'fixed-dim', dim: adapter.batchDim, inputs },
    };
  } else if (facts.trusted) {
    batch = { dynamic: true, why: { code: 'dynamic', inputs } };
  } else if (facts.batchCapable !== null) {
    const capable = facts.batchCapable;
    batch = {
      dynamic: capable,
      why: { code: 'checked', inputs, capable, now: false, check: facts.batchReason ?? '' },
    };
  } else {
    // Unverified: one image per call until a batch of two is shown to fill as two single calls.
    batch = {
      dynamic: false,
      why: { code: 'unverified', inputs },
      verify: async (signal) => {
        const r = await checkAndRecordBatching(model, session, hint, facts.reading, signal);
        return {
          dynamic: r.capable,
          why: { code: 'checked', inputs, capable: r.capable, now: true, check: r.reason },
        };
      },
    };
  }
  return {
    filler,
    clock,
    session,
    info: {
      engine: 'model',
      model: model.id,
      convention: adapter.convention,
      provider: session.provider,
      modelBatch: adapter.batchDim,
      ...facts.info,
    },
    batch,
  };
}

function embeddedEngine(params: LamaParams, ctx: StageContext): Engine {
  const method = params.fallback;
  const engineReason: EmbeddedReason = params.engine === 'embedded' ? 'asked' : 'no-model';
  ctx.log(
    `Using the embedded ${method} fill: ${engineReason === 'asked' ? 'lama.engine=embedded' : 'no LaMa model is installed (inpaint-studio models download lama-fp32)'}`,
  );
  const filler: Filler = {
    label: `embedded ${method} fill`,
    fixedSize: null,
    multiple: 1,
    limit: null,
    dilate: 0,
    run: (image, mask, signal, onProgress) =>
      embeddedFillAsync(image, mask, { method, seed: ctx.seed, signal, onProgress }),
  };
  return {
    filler,
    info: { engine: 'embedded', method, engineReason },
    batch: { dynamic: false, why: { code: 'embedded' } },
  };
}

/**
 * How many regions one call fills: lama.batchSize for the regions strategy on an engine that takes a
 * batch, else 1; with the reason, for the stage's info and log.
 */
function batchingFor(
  strategy: SizingStrategy,
  requested: number,
  engine: Engine,
  resizeLimit: number,
): { size: number; reason: BatchingReason } {
  if (strategy !== 'regions') return { size: 1, reason: { code: 'not-batched', strategy } };
  if (requested <= 1) return { size: 1, reason: { code: 'batch-size-one' } };
  if (!engine.batch.dynamic) return { size: 1, reason: { code: 'engine-single', engine: engine.batch.why } };
  return {
    size: requested,
    reason: { code: 'batched', size: requested, resizeLimit, engine: engine.batch.why },
  };
}

/** The strategy to run: auto's choice, or the requested one (original on a fixed-size model resizes). */
function pickStrategy(
  requested: SizingParam,
  image: RgbImage,
  engine: Engine,
  jobs: () => RegionJob[],
): StrategyChoice {
  const { filler } = engine;
  const isModel = engine.info.engine === 'model';
  if (requested === 'auto') {
    return chooseStrategy({
      width: image.width,
      height: image.height,
      engine: isModel ? filler : null,
      regions: jobs().map((j) => ({ box: j.region.box, crop: j.crop })),
    });
  }
  if (requested === 'original' && filler.fixedSize !== null) {
    return { strategy: 'resize', reason: { code: 'fixed-input', side: filler.fixedSize } };
  }
  if (!isModel && requested === 'resize') {
    return { strategy: 'original', reason: { code: 'embedded-any-size' } };
  }
  return { strategy: requested, reason: { code: 'asked', strategy: requested } };
}

/**
 * resize / original on a model: one fill over the whole image (composited in place when `inPlace`). The
 * engine fills `fillHole` (the hole and the pixels the sampling area leaves out); only `hole` changes.
 */
async function fillWhole(
  image: RgbImage,
  hole: Mask,
  fillHole: Mask,
  strategy: SizingStrategy,
  filler: Filler,
  params: LamaParams,
  ctx: StageContext,
  inPlace: boolean,
): Promise<{ image: RgbImage; info: Pick<LamaInfo, 'modelInput' | 'scale'> }> {
  const whole: Rect = { x: 0, y: 0, width: image.width, height: image.height };
  const scale = strategy === 'original' ? 1 : fitScale(image.width, image.height, filler);
  const size = workingSize(whole, scale);
  const padded = paddedSize(size.width, size.height, filler);
  ctx.progress({ step: 0, total: 1, message: `Running ${filler.label} on ${padded.width}x${padded.height}` });
  const fill = await fillCrop(image, fillHole, whole, scale, filler, ctx.signal, (step, total) =>
    ctx.progress({ step, total, message: `Running ${filler.label}` }),
  );
  throwIfAborted(ctx.signal);
  return {
    image: compositeFill(image, hole, cropFillSource(fill), params.feather, inPlace),
    info: { modelInput: `${padded.width}x${padded.height}`, scale },
  };
}

async function run(input: StageInput, params: LamaParams, ctx: StageContext): Promise<StageOutput> {
  const grow = params.maskGrow;
  const hole = grow === 0 ? input.mask : growMask(input.mask, grow);
  const outMask = grow === 0 ? undefined : hole;
  if (maskArea(hole) === 0) {
    return { image: input.image, mask: outMask, info: { skipped: 'empty-after-grow' } };
  }
  // The sampling area: the known pixels it leaves out are filled with the hole, never composited.
  const area = fillArea(hole, input.sampling);
  const { fillHole } = area;
  const model = await chooseModel(params, ctx);
  const engine = model ? await modelEngine(model, params, ctx) : embeddedEngine(params, ctx);
  let jobs: RegionJob[] | null = null;
  const getJobs = () =>
    (jobs ??= cropsWithSources(
      planRegions(hole, params.mergeDistance, params.contextMargin, params.contextRect),
      fillHole,
    ));
  const requested = params.sizing;
  const choice = pickStrategy(requested, input.image, engine, getJobs);
  const said = `${requested === 'auto' ? 'auto chose' : 'Sizing'} ${choice.strategy}: ${sizingReasonText(choice.reason)}`;
  ctx.log(said);
  ctx.progress({ step: 0, total: 1, message: said });

  let image: RgbImage;
  let details: Partial<LamaInfo>;
  // Nothing reads the input after this stage: composite into it rather than into a full-size copy.
  const into = input.writable ? input.image.data : undefined;
  const embedded = engine.info.engine === 'embedded';
  if (embedded && choice.strategy === 'original') {
    // The embedded fill reads only near the hole: fill each hole's neighbourhood in its own crop, so
    // memory and time follow the holes, not the image (strategies/neighbourhood.ts).
    const jobs = cropsWithSources(neighbourhoodJobs(hole), fillHole);
    const r = await fillRegions(input.image, hole, jobs, engine.filler, {
      strategy: 'regions',
      fillHole,
      coarseScale: params.coarseScale,
      coarseFit: false,
      variant: params.multiscaleVariant,
      crossover: params.crossover,
      feather: params.feather,
      signal: ctx.signal,
      progress: (step, total, message) => ctx.progress({ step, total, message }),
      log: (m) => ctx.log(m),
      into,
    });
    image = r.image;
    details = { scale: 1, neighbourhoods: r.crops.length, crops: r.crops.slice(0, 50) };
  } else if (choice.strategy === 'resize' || choice.strategy === 'original') {
    ({ image, info: details } = await fillWhole(
      input.image,
      hole,
      fillHole,
      choice.strategy,
      engine.filler,
      params,
      ctx,
      into !== undefined,
    ));
  } else {
    const resizeLimit = params.resizeLimit;
    if (
      engine.batch.verify &&
      choice.strategy === 'regions' &&
      params.batchSize > 1 &&
      getJobs().length > 1
    ) {
      ctx.progress({
        step: 0,
        total: 1,
        message: `Checking that ${engine.filler.label} fills a batch as single calls`,
      });
      engine.batch = await engine.batch.verify(ctx.signal);
    }
    const batching = batchingFor(choice.strategy, params.batchSize, engine, resizeLimit);
    if (choice.strategy === 'regions' && getJobs().length > 1)
      ctx.log(`Regions: ${batchingText(batching.reason)}`);
    const r = await fillRegions(input.image, hole, getJobs(), engine.filler, {
      strategy: choice.strategy,
      coarseScale: params.coarseScale,
      coarseFit: params.coarseFit,
      variant: params.multiscaleVariant,
      crossover: params.crossover,
      feather: params.feather,
      batchSize: batching.size,
      batchPixels: batchPixelBudget(resizeLimit),
      fillHole,
      signal: ctx.signal,
      progress: (step, total, message) => ctx.progress({ step, total, message }),
      log: (m) => ctx.log(m),
      into,
    });
    image = r.image;
    const shown = 50;
    details = {
      regions: r.crops.length,
      batchSize: batching.size,
      batching: batching.reason,
      ...(choice.strategy === 'regions'
        ? { batches: r.batches.length, largestBatch: Math.max(0, ...r.batches) }
        : {}),
      crops: r.crops.slice(0, shown),
      ...(r.crops.length > shown ? { cropsOmitted: r.crops.length - shown } : {}),
    };
  }
  throwIfAborted(ctx.signal);
  const info: LamaInfo = {
    ...engine.info,
    sizing: choice.strategy,
    strategy: choice.strategy,
    requestedSizing: requested,
    sizingReason: choice.reason,
    ...details,
    ...(area.excluded > 0 ? { samplingExcluded: area.excluded } : {}),
  };
  if (engine.session) Object.assign(info, providerInfo(engine.session, engine.info.provider));
  if (engine.clock) {
    info.sessionRunMs = engine.clock.ms;
    info.modelCalls = engine.clock.calls;
  }
  return { image, mask: outMask, info };
}

/**
 * The embedded fill at full resolution reads only its holes' neighbourhoods (strategies/neighbourhood.ts):
 * their crops. A model, a grown or shrunk hole, or another sizing reads more: null.
 */
async function localCrops(mask: Mask, params: LamaParams, env: LocalEnv): Promise<Rect[] | null> {
  if (params.maskGrow !== 0 || params.contextRect !== null) return null;
  if (!['auto', 'original', 'resize'].includes(params.sizing)) return null;
  if (params.engine !== 'embedded') {
    if (params.engine === 'model' || env.modelId) return null;
    if (await env.models.resolve('inpaint', env.modelId)) return null;
  }
  return neighbourhoodJobs(mask).map((j) => j.crop);
}

export const lamaStage = defineStage({
  name: 'lama',
  label: 'LaMa fill',
  description:
    'Fills the hole with the LaMa model (or the embedded fill when no model is installed), sized by a strategy: resize, original, region crops or multi-scale.',
  params: LAMA_PARAMS,
  run,
  localCrops,
});
