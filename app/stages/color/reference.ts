/**
 * The reference v: the colours the region's distribution is moved to. In order of precedence:
 * 1. the user's rectangle (color.referenceRect);
 * 2. automatic: the block-matching stage's choice (artifacts.reference), when that stage ran;
 * 3. automatic: the ring of untouched pixels within color.ringWidth px of the hole; with several holes,
 *    the stage matches each hole to its own ring (holes.ts).
 * Hole pixels are never reference samples. With a sampling area (issue 15 §4) the automatic ring keeps
 * only pixels inside it, and when none of the ring is, the whole area is the reference; a rectangle the
 * user gave (color.referenceRect) is honoured as drawn, inside the area or not (the user asked for it). A lasso (or any painted selection) is a mask: the editor
 * would send it like the hole mask and `selectionPixels` turns it into reference pixels the same way.
 * Large references are subsampled (seeded) to MAX_REFERENCE_SAMPLES.
 */
import { StudioError, describeValue } from '../../common/errors';
import type { Rect } from '../../common/params';
import { cropMask, expandRect } from '../../image/crop';
import { growMask } from '../../image/morphology';
import type { Mask, RgbImage } from '../../image/types';
import { SpaceConverter, type WorkingSpace } from './colorSpace';
import { maskBoundingBox } from '../../image/crop';
import type { Rng } from './rng';
import type { Colors } from './slicedWasserstein';

/** More samples than this barely change the quantiles and cost time every iteration. */
export const MAX_REFERENCE_SAMPLES = 32768;

export type ReferenceSource = 'rect' | 'blockmatch' | 'ring';

export interface ReferencePixels {
  source: ReferenceSource;
  /** The rectangle used (rect and blockmatch sources). */
  rect?: Rect;
  /** Image indices of the reference pixels (untouched pixels only). */
  pixels: Int32Array;
}

function insideImage(r: Rect, width: number, height: number): boolean {
  return (
    [r.x, r.y, r.width, r.height].every((v) => Number.isInteger(v)) &&
    r.x >= 0 &&
    r.y >= 0 &&
    r.width > 0 &&
    r.height > 0 &&
    r.x + r.width <= width &&
    r.y + r.height <= height
  );
}

function rectPixels(mask: Mask, r: Rect): Int32Array {
  const out: number[] = [];
  for (let y = r.y; y < r.y + r.height; y++)
    for (let x = r.x; x < r.x + r.width; x++) {
      const i = y * mask.width + x;
      if (!mask.data[i]) out.push(i);
    }
  return Int32Array.from(out);
}

/** Whether a block-matching rectangle can serve as the reference: inside the image, not all hole. */
export function usableRect(r: Rect | undefined, mask: Mask): boolean {
  if (!r || !insideImage(r, mask.width, mask.height)) return false;
  for (let y = r.y; y < r.y + r.height; y++)
    for (let x = r.x; x < r.x + r.width; x++) if (!mask.data[y * mask.width + x]) return true;
  return false;
}

/** Untouched pixels of a selection mask (1 = selected), e.g. a lasso drawn in the editor. */
export function selectionPixels(selection: Uint8Array, mask: Mask): Int32Array {
  let c = 0;
  for (let i = 0; i < selection.length; i++) if (selection[i] && !mask.data[i]) c++;
  const out = new Int32Array(c);
  c = 0;
  for (let i = 0; i < selection.length; i++) if (selection[i] && !mask.data[i]) out[c++] = i;
  return out;
}

/**
 * Pixels within ringWidth px (Euclidean) of the holes in `around`, outside every hole of `mask` (around
 * is the mask or some of its holes), and inside the sampling area when one is given (1 = may sample),
 * in image order.
 */
export function ringPixels(mask: Mask, ringWidth: number, around: Mask = mask, sampling?: Mask): Int32Array {
  const hole = maskBoundingBox(around);
  if (!hole) return new Int32Array(0);
  // Only the holes' bounding box grown by the ring can hold ring pixels.
  const box = expandRect(hole, Math.ceil(ringWidth), mask.width, mask.height);
  const grown = growMask(cropMask(around, box), ringWidth);
  const out: number[] = [];
  for (let y = 0; y < box.height; y++)
    for (let x = 0; x < box.width; x++) {
      const j = y * box.width + x;
      const i = (box.y + y) * mask.width + box.x + x;
      if (grown.data[j] && !mask.data[i] && (!sampling || sampling.data[i])) out.push(i);
    }
  return Int32Array.from(out);
}

/**
 * Picks the reference pixels (see the file comment); the ring is taken around the holes in `around` (by
 * default all of them).
 * @throws StudioError PARAM_INVALID naming color.referenceRect when the rectangle is not inside the image
 *   or holds no untouched pixel, and naming color.ringWidth when the ring holds none.
 */
export function chooseReference(
  mask: Mask,
  rect: Rect | null,
  blockmatch: Rect | undefined,
  ringWidth: number,
  log: (message: string) => void = () => {},
  around: Mask = mask,
  sampling?: Mask,
): ReferencePixels {
  const { width, height } = mask;
  if (rect) {
    if (!insideImage(rect, width, height)) {
      throw new StudioError(
        'PARAM_INVALID',
        `Expected a rectangle inside the ${width}x${height} image for color.referenceRect but received ${describeValue(rect)}`,
      );
    }
    const pixels = rectPixels(mask, rect);
    if (pixels.length === 0) {
      throw new StudioError(
        'PARAM_INVALID',
        `The reference rectangle color.referenceRect ${describeValue(rect)} lies entirely inside the hole; choose untouched pixels`,
      );
    }
    return { source: 'rect', rect, pixels };
  }
  if (blockmatch) {
    const pixels = insideImage(blockmatch, width, height) ? rectPixels(mask, blockmatch) : new Int32Array(0);
    if (pixels.length > 0) return { source: 'blockmatch', rect: blockmatch, pixels };
    log(`The block-matching reference ${describeValue(blockmatch)} has no untouched pixel; using the ring`);
  }
  const pixels = ringPixels(mask, ringWidth, around, sampling);
  if (pixels.length === 0 && sampling) {
    const area = selectionPixels(sampling.data, mask);
    if (area.length > 0) {
      log(
        `No pixel of the sampling area lies within color.ringWidth = ${ringWidth} px of the hole; the whole area is the reference`,
      );
      return { source: 'ring', pixels: area };
    }
  }
  if (pixels.length === 0) {
    throw new StudioError(
      'PARAM_INVALID',
      `No untouched pixel lies within color.ringWidth = ${ringWidth} px of the hole; widen the ring or set color.referenceRect`,
    );
  }
  return { source: 'ring', pixels };
}

/**
 * The reference pixels' colours in the working space (planar), at most maxSamples of them (a seeded
 * random subset when there are more).
 */
export function referenceSamples(
  image: RgbImage,
  pixels: Int32Array,
  space: WorkingSpace,
  rng: Rng,
  maxSamples = MAX_REFERENCE_SAMPLES,
  conv: SpaceConverter = new SpaceConverter(space),
): Colors {
  let chosen = pixels;
  if (pixels.length > maxSamples) {
    // Partial Fisher–Yates: the first maxSamples entries of a seeded shuffle, then in image order.
    const a = pixels.slice();
    for (let i = 0; i < maxSamples; i++) {
      const j = i + Math.floor(rng.next() * (a.length - i));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    chosen = a.subarray(0, maxSamples).sort();
  }
  const plane = image.width * image.height;
  const m = chosen.length;
  const out = new Float32Array(3 * m);
  const tmp = new Float64Array(3);
  for (let k = 0; k < m; k++) {
    const i = chosen[k];
    conv.toWorking(image.data[i], image.data[plane + i], image.data[2 * plane + i], tmp, 0);
    out[k] = tmp[0];
    out[m + k] = tmp[1];
    out[2 * m + k] = tmp[2];
  }
  return { n: m, stride: m, data: out };
}
