/**
 * The sampling area in the LaMa stage (issue 15 §4): the known pixels the user brushed out must not feed
 * the fill, so the engine fills them together with the hole (an inpainting model and the embedded fill
 * read only the pixels outside their mask), and the stage composites only the hole, so those pixels come
 * back unchanged. A crop that the area leaves with nothing to read from is widened to the whole image.
 */
import { StudioError } from '../../../common/errors';
import type { Rect } from '../../../common/params';
import { excludedMask } from '../../../image/sampling';
import { createMask, type Mask } from '../../../image/types';
import type { RegionJob } from './regions';

export interface FillArea {
  /** What the engine fills: the hole and the excluded known pixels (the hole itself when none are). */
  fillHole: Mask;
  /** Known pixels the sampling area leaves out (0 when there is no area). */
  excluded: number;
}

/**
 * The mask the engine fills for `hole` under `sampling` (1 = may sample; absent = anywhere).
 * @throws StudioError PARAM_INVALID naming `sampling` when the hole (grown by lama.maskGrow) and the
 *   excluded pixels cover the whole image, so nothing is left to fill from
 */
export function fillArea(hole: Mask, sampling: Mask | undefined): FillArea {
  const out = excludedMask(hole, sampling);
  if (!out) return { fillHole: hole, excluded: 0 };
  let excluded = 0;
  const fill = createMask(hole.width, hole.height);
  let known = 0;
  for (let i = 0; i < fill.data.length; i++) {
    if (out.data[i]) excluded++;
    fill.data[i] = hole.data[i] | out.data[i];
    if (!fill.data[i]) known++;
  }
  if (known === 0) {
    throw new StudioError(
      'PARAM_INVALID',
      'The sampling area (sampling) lies entirely inside the hole grown by lama.maskGrow, so there is ' +
        'nothing to fill from; paint in more of the image or lower lama.maskGrow',
    );
  }
  return { fillHole: fill, excluded };
}

/** Whether `rect` holds a pixel that `fillHole` leaves known. */
function holdsKnown(fillHole: Mask, rect: Rect): boolean {
  const { width: W, data } = fillHole;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    const row = y * W;
    for (let x = rect.x; x < rect.x + rect.width; x++) if (!data[row + x]) return true;
  }
  return false;
}

/**
 * The jobs with every crop that holds no known pixel of `fillHole` widened to the whole image (the
 * sampling area lies away from that hole's neighbourhood). Jobs are returned as they are otherwise.
 */
export function cropsWithSources(jobs: readonly RegionJob[], fillHole: Mask): RegionJob[] {
  const whole: Rect = { x: 0, y: 0, width: fillHole.width, height: fillHole.height };
  return jobs.map((j) => (holdsKnown(fillHole, j.crop) ? j : { ...j, crop: whole }));
}
