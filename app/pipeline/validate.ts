/**
 * Checks of a run's request that need the image, made before any stage runs so that every front end (CLI,
 * editor, browser host) gets the same named error instead of a failure deep inside a stage:
 * - each stage at most once in the stage list;
 * - every rectangle parameter (from the declarations: kind 'rect') inside the image and at least its
 *   declared minimum size;
 * - a mask that leaves some pixel known (a mask over the whole image leaves nothing to fill from: a model
 *   would return a black image).
 */
import { StudioError } from '../common/errors';
import type { ParamValues, Rect } from '../common/params';
import { maskArea, type Mask } from '../image/types';
import type { StageDef } from './types';

/** The message and code the embedded fill has always used for a mask over the whole image. */
export const WHOLE_IMAGE_MASK_MESSAGE = 'The mask covers the whole image; nothing is left to fill from';

/**
 * @throws StudioError PARAM_INVALID naming the first stage listed twice.
 */
export function assertUniqueStages(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) {
      throw new StudioError(
        'PARAM_INVALID',
        `Stage "${n}" is listed twice in the stage list (${names.join(',')}); each stage runs at most once`,
      );
    }
    seen.add(n);
  }
}

const describeRect = (r: Rect) => `${r.x},${r.y},${r.width},${r.height} (x,y,width,height)`;

/**
 * What is wrong with a rectangle for an image of `width` x `height`, or null when it is usable.
 * @param minSize smallest width and height, in pixels (at least 1)
 */
export function rectProblem(
  r: Rect,
  key: string,
  width: number,
  height: number,
  minSize: number,
): string | null {
  if (r.x + r.width > width || r.y + r.height > height) {
    const past = [
      r.x >= width ? 'starts right of' : r.x + r.width > width ? 'reaches past the right edge of' : null,
      r.y >= height ? 'starts below' : r.y + r.height > height ? 'reaches past the bottom edge of' : null,
    ].filter(Boolean);
    return `Expected a rectangle inside the ${width}x${height} image for ${key} but received ${describeRect(r)}, which ${past.join(' and ')} the image`;
  }
  if (r.width < minSize || r.height < minSize) {
    return `Expected a rectangle of at least ${minSize}x${minSize} px for ${key} but received ${describeRect(r)}, which is ${r.width}x${r.height}`;
  }
  return null;
}

/**
 * Checks a resolved plan against the run's image and mask (same size, checked before).
 * @throws StudioError PARAM_INVALID naming the rectangle parameter and what is wrong with it, or saying
 *   the mask covers the whole image.
 */
export function validateRun(
  plan: readonly { def: StageDef; params: ParamValues }[],
  image: { width: number; height: number },
  mask: Mask,
): void {
  for (const { def, params } of plan) {
    for (const decl of def.params.params) {
      if (decl.kind !== 'rect') continue;
      const r = params[decl.name] as Rect | null;
      if (!r) continue;
      const problem = rectProblem(
        r,
        `${def.name}.${decl.name}`,
        image.width,
        image.height,
        decl.minSize ?? 1,
      );
      if (problem) throw new StudioError('PARAM_INVALID', problem);
    }
  }
  if (maskArea(mask) === mask.width * mask.height) {
    throw new StudioError('PARAM_INVALID', WHOLE_IMAGE_MASK_MESSAGE);
  }
}
