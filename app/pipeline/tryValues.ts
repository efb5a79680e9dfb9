/**
 * "Try values": the run's result for several values of one numeric parameter, side by side (the
 * report tunes its λs with rows of results, its Figures 10–13). Each value re-runs the pipeline with
 * that parameter overridden; the stages before it come from the cache (the user's last run put them
 * there), and the overridden stage's results are not stored, so the variants never push the user's
 * own results out. Each result is cut to a crop around the holes and scaled down to a small preview.
 */
import { StudioError, throwIfAborted } from '../common/errors';
import type { Rect } from '../common/params';
import { cropImage, cropMask, expandRect, maskBoundingBox } from '../image/crop';
import { resizeImage } from '../image/resize';
import type { Mask, RgbImage } from '../image/types';
import { resolveStageList, type Pipeline, type PipelineRequest } from './run';

/** At most this many values per request. */
export const MAX_TRY_VALUES = 9;
/** Default longer side of a preview, in pixels. */
export const TRY_PREVIEW_SIDE = 256;

export interface TryValuesRequest extends PipelineRequest {
  /** The stage whose parameter varies (it must be in `stages`). */
  stage: string;
  /** A numeric parameter of that stage. */
  param: string;
  /** The values to try (1..MAX_TRY_VALUES), each valid for the parameter. */
  values: readonly number[];
  /** Longer side of each preview at most, 16..4096 (default TRY_PREVIEW_SIDE); a crop is never enlarged. */
  maxSide?: number;
}

export interface TryValuePreview {
  index: number;
  value: number;
  /** The result inside `crop`, scaled by `scale`. */
  image: RgbImage;
  /** The effective hole inside `crop` (1 = filled), at the crop's full resolution. */
  hole: Mask;
}

export interface TryValuesResult {
  /** The part of the image every preview shows: the holes' bounding box with a margin. */
  crop: Rect;
  /** Preview pixels per image pixel (<= 1). */
  scale: number;
  previews: TryValuePreview[];
}

export interface TryValuesOptions {
  signal?: AbortSignal;
  /** Called as each preview is ready (the strip fills while the rest run). */
  onPreview?: (p: TryValuePreview, crop: Rect, scale: number) => void;
}

/** The holes' bounding box with a margin of a quarter of its longer side (16 px at least), in the image. */
export function previewCrop(mask: Mask): Rect {
  const box = maskBoundingBox(mask);
  if (!box) throw new StudioError('MASK_SIZE', 'Try values needs a mask with a hole; the mask is empty.');
  const margin = Math.max(16, Math.round(0.25 * Math.max(box.width, box.height)));
  return expandRect(box, margin, mask.width, mask.height);
}

/**
 * Runs the pipeline once per value of `stage.param` and returns the previews in the values' order.
 * @throws StudioError PARAM_INVALID when the stage is not in the run, the parameter is not a number
 *   parameter of it, a value is outside its range, or there are no or too many values (all checked
 *   before anything runs); MASK_SIZE for an empty mask; CANCELLED when the signal fires; a stage's
 *   error otherwise.
 */
export async function tryValues(
  pipeline: Pipeline,
  req: TryValuesRequest,
  opts: TryValuesOptions = {},
): Promise<TryValuesResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const where = `${req.stage}.${req.param}`;
  if (req.values.length < 1 || req.values.length > MAX_TRY_VALUES) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected 1 to ${MAX_TRY_VALUES} values to try for ${where} but received ${req.values.length}`,
    );
  }
  const at = req.stages.findIndex((s) => s.name === req.stage);
  if (at < 0) {
    throw new StudioError(
      'PARAM_INVALID',
      `Try values: the stage "${req.stage}" is not in the run (${req.stages.map((s) => s.name).join(', ')})`,
    );
  }
  const def = pipeline.stageDefs.find((d) => d.name === req.stage);
  const decl = def?.params.params.find((p) => p.name === req.param);
  if (def && decl?.kind !== 'number') {
    throw new StudioError('PARAM_INVALID', `Try values needs a number parameter, and ${where} is not one`);
  }
  const maxSide = req.maxSide ?? TRY_PREVIEW_SIDE;
  if (!Number.isInteger(maxSide) || maxSide < 16 || maxSide > 4096) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected an integer between 16 and 4096 for maxSide but received ${maxSide}`,
    );
  }
  const variants = req.values.map((value) =>
    req.stages.map((s, i) => (i === at ? { ...s, params: { ...s.params, [req.param]: value } } : s)),
  );
  // Every value is checked before the first run (resolveParams names the bad one).
  for (const stages of variants) resolveStageList(pipeline.stageDefs, stages);

  const crop = previewCrop(req.mask);
  const scale = Math.min(1, maxSide / Math.max(crop.width, crop.height));
  const previews: TryValuePreview[] = [];
  for (let index = 0; index < variants.length; index++) {
    throwIfAborted(signal);
    const r = await pipeline.run(
      {
        image: req.image,
        mask: req.mask,
        stages: variants[index],
        seed: req.seed,
        modelId: req.modelId,
        sampling: req.sampling,
      },
      { signal, storeNothingFrom: req.stage },
    );
    const cut = cropImage(r.image, crop);
    const image =
      scale === 1
        ? cut
        : resizeImage(
            cut,
            Math.max(1, Math.round(crop.width * scale)),
            Math.max(1, Math.round(crop.height * scale)),
          );
    const p: TryValuePreview = { index, value: req.values[index], image, hole: cropMask(r.mask, crop) };
    previews.push(p);
    opts.onPreview?.(p, crop, scale);
  }
  return { crop, scale, previews };
}
