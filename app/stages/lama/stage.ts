/**
 * The LaMa stage: fills the hole with the installed inpainting model (any known convention, fixed or
 * dynamic size), or, when none is installed, with the embedded download-free fill, and says which ran.
 */
import { StudioError, throwIfAborted } from '../../common/errors';
import type { ParamValues } from '../../common/params';
import { cropImage } from '../../image/crop';
import { growMask } from '../../image/morphology';
import { resampleRegion } from '../../image/resampleRegion';
import { resizeImage, resizeMask } from '../../image/resize';
import { maskArea, type Mask, type RgbImage } from '../../image/types';
import type { ModelSession } from '../../ort/types';
import type { ResolvedModel, StageContext, StageDef, StageInput, StageOutput } from '../../pipeline/types';
import { createAdapter } from './conventions/detect';
import type { ConventionId } from './conventions/types';
import { compositeFill, type FillSource } from './composite';
import { embeddedFillAsync, type EmbeddedFillMethod } from './embeddedFill';
import { LAMA_PARAMS } from './params';
import { modelGeometry, padImage, padMask } from './sizing';

/** Picks the model to run, or null for the embedded fill; throws MODEL_MISSING when one is required. */
async function chooseModel(params: ParamValues, ctx: StageContext): Promise<ResolvedModel | null> {
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

async function runModel(
  image: RgbImage,
  hole: Mask,
  params: ParamValues,
  model: ResolvedModel,
  ctx: StageContext,
): Promise<{ fill: FillSource; info: Record<string, unknown> }> {
  const clock = { ms: 0, calls: 0 };
  const session = await ctx.sessions.get(model.path);
  const adapter = createAdapter(timed(session, clock), model.convention as ConventionId | undefined);
  const original = params.sizing === 'original' && adapter.fixedSize === null;
  const multiple = adapter.fixedSize === null ? Math.max(8, adapter.multiple) : 1;
  const geo = modelGeometry(
    image.width,
    image.height,
    adapter.fixedSize,
    multiple,
    original ? null : (params.resizeLimit as number),
  );
  ctx.progress({
    step: 1,
    total: 3,
    message: `Preparing ${geo.paddedWidth}x${geo.paddedHeight} model input`,
  });
  // The model's hole is dilated at the model's resolution (cheap, and what the model sees).
  const small = geo.scale === 1 ? image : resizeImage(image, geo.width, geo.height);
  const smallHole0 = geo.scale === 1 ? hole : resizeMask(hole, geo.width, geo.height);
  const dilate = (params.modelDilate as number) * geo.scale;
  const smallHole = dilate > 0 ? growMask(smallHole0, dilate) : smallHole0;
  throwIfAborted(ctx.signal);
  ctx.progress({
    step: 2,
    total: 3,
    message: `Running ${model.id} (${adapter.convention}) on ${session.provider}`,
  });
  const out = await adapter.run(
    padImage(small, geo.paddedWidth, geo.paddedHeight),
    padMask(smallHole, geo.paddedWidth, geo.paddedHeight),
    ctx.signal,
  );
  throwIfAborted(ctx.signal);
  const unpadded = cropImage(out, { x: 0, y: 0, width: geo.width, height: geo.height });
  const fill: FillSource =
    geo.scale === 1
      ? (rect) => cropImage(unpadded, rect)
      : (rect) => resampleRegion(unpadded, image.width, image.height, rect);
  if (params.sizing === 'original' && !original) {
    ctx.log(
      `${model.id} takes a fixed ${adapter.fixedSize}x${adapter.fixedSize} input, so sizing=original falls back to resize`,
    );
  }
  return {
    fill,
    info: {
      engine: 'model',
      model: model.id,
      convention: adapter.convention,
      provider: session.provider,
      sizing: original ? 'original' : 'resize',
      modelInput: `${geo.paddedWidth}x${geo.paddedHeight}`,
      scale: geo.scale,
      sessionRunMs: clock.ms,
      modelCalls: clock.calls,
    },
  };
}

async function run(input: StageInput, params: ParamValues, ctx: StageContext): Promise<StageOutput> {
  const grow = params.maskGrow as number;
  const hole = grow === 0 ? input.mask : growMask(input.mask, grow);
  const outMask = grow === 0 ? undefined : hole;
  if (maskArea(hole) === 0) {
    return { image: input.image, mask: outMask, info: { skipped: 'the hole is empty after lama.maskGrow' } };
  }
  const model = await chooseModel(params, ctx);
  let fill: FillSource;
  let info: Record<string, unknown>;
  if (model) {
    ({ fill, info } = await runModel(input.image, hole, params, model, ctx));
  } else {
    const method = params.fallback as EmbeddedFillMethod;
    const reason =
      params.engine === 'embedded'
        ? 'lama.engine=embedded'
        : 'no LaMa model is installed (inpaint-studio models download lama-fp32)';
    ctx.log(`Using the embedded ${method} fill: ${reason}`);
    const filled = await embeddedFillAsync(input.image, hole, {
      method,
      seed: ctx.seed,
      signal: ctx.signal,
      onProgress: (step, total) => ctx.progress({ step, total, message: `Embedded ${method} fill` }),
    });
    fill = (rect) => cropImage(filled, rect);
    info = { engine: 'embedded', method, reason };
  }
  throwIfAborted(ctx.signal);
  const image = compositeFill(input.image, hole, fill, params.feather as number);
  return { image, mask: outMask, info };
}

export const lamaStage: StageDef = {
  name: 'lama',
  label: 'LaMa fill',
  description: 'Fills the hole with the LaMa model (or the embedded fill when no model is installed).',
  params: LAMA_PARAMS,
  run,
};
