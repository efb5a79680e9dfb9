/**
 * Where the texture stage works: the crop around the hole (context margin, clipped to the image), the
 * working scale, and the exemplar with the pixels it may use.
 */
import { StudioError } from '../../common/errors';
import type { Rect } from '../../common/params';
import { cropImage, cropMask, expandRect, maskBoundingBox } from '../../image/crop';
import { resizeImage, resizeMask } from '../../image/resize';
import { excludedMask, sampleableMask } from '../../image/sampling';
import { createMask, type Mask, type RgbImage } from '../../image/types';
import type { StageArtifacts } from '../../pipeline/types';
import { MIN_EXEMPLAR_SIDE, type TextureParams } from './params';

export interface WorkPlan {
  /** The crop in image pixels. */
  crop: Rect;
  /** Working size / crop size (≤ 1). */
  scale: number;
  /** The crop at the working scale, and its hole (conservatively resized: it covers the true hole). */
  image: RgbImage;
  hole: Mask;
}

export interface ExemplarPlan {
  image: RgbImage;
  /** Pixels the exemplar may use (known pixels), null = all. */
  valid: Uint8Array | null;
  source: 'rect' | 'blockmatch' | 'surroundings';
  rect: Rect;
}

/** Pixels set in either mask (same size). */
function unionMask(a: Mask, b: Mask): Mask {
  const m = createMask(a.width, a.height);
  for (let i = 0; i < m.data.length; i++) m.data[i] = a.data[i] | b.data[i];
  return m;
}

/** Whether `rect` holds a pixel `blocked` leaves free. */
function holdsKnown(blocked: Mask, rect: Rect): boolean {
  for (let y = rect.y; y < rect.y + rect.height; y++)
    for (let x = rect.x; x < rect.x + rect.width; x++) if (!blocked.data[y * blocked.width + x]) return true;
  return false;
}

const scaled = (n: number, s: number) => Math.max(1, Math.round(n * s));

/**
 * @param margin context pixels around the hole's bounding box (image scale)
 * @param maxSide longest side of the working crop
 * @returns null when the mask has no hole
 */
export function planWork(image: RgbImage, mask: Mask, margin: number, maxSide: number): WorkPlan | null {
  const box = maskBoundingBox(mask);
  if (!box) return null;
  const crop = expandRect(box, margin, image.width, image.height);
  const scale = Math.min(1, maxSide / Math.max(crop.width, crop.height));
  const w = scaled(crop.width, scale),
    h = scaled(crop.height, scale);
  const cut = cropImage(image, crop);
  const hole = cropMask(mask, crop);
  return {
    crop,
    scale,
    image: scale < 1 ? resizeImage(cut, w, h) : cut,
    hole: scale < 1 ? resizeMask(hole, w, h) : hole,
  };
}

function clampRect(r: Rect, image: RgbImage): Rect {
  const x = Math.max(0, Math.min(image.width - 1, r.x));
  const y = Math.max(0, Math.min(image.height - 1, r.y));
  return {
    x,
    y,
    width: Math.max(1, Math.min(image.width - x, r.width - (x - r.x))),
    height: Math.max(1, Math.min(image.height - y, r.height - (y - r.y))),
  };
}

/**
 * The exemplar: the `exemplar` parameter, else block matching's choice, else the hole's bounding box
 * grown by `neighbourhood` image pixels. It is scaled like the crop; hole pixels inside it are invalid.
 * With a sampling area (1 = may sample; issue 15 §4) an automatic exemplar's pixels outside it are invalid
 * too, and surroundings with none inside it give way to the area's bounding box; a hand-given rectangle
 * (the `exemplar` parameter) is honoured as drawn.
 * @throws StudioError PARAM_INVALID when the chosen rectangle holds no known pixel
 */
export function planExemplar(
  image: RgbImage,
  mask: Mask,
  work: WorkPlan,
  params: Pick<TextureParams, 'exemplar'>,
  artifacts: Readonly<StageArtifacts>,
  neighbourhood: number,
  sampling?: Mask,
): ExemplarPlan {
  const chosen = params.exemplar ?? artifacts.exemplar ?? null;
  // What the exemplar may not use: the hole, and for an automatic one the pixels outside the area.
  const out = params.exemplar ? null : excludedMask(mask, sampling);
  const blocked = out ? unionMask(mask, out) : mask;
  // Without a chosen region: the hole's neighbourhood, wider than the working crop (whose context only
  // needs to reach half the network's field), so that deep layers have positions wholly in known pixels.
  const box = maskBoundingBox(cropMask(mask, work.crop))!;
  const around = expandRect(
    { ...box, x: box.x + work.crop.x, y: box.y + work.crop.y },
    neighbourhood,
    image.width,
    image.height,
  );
  let rect = clampRect(chosen ?? around, image);
  if (!chosen && out && !holdsKnown(blocked, rect)) {
    // The area lies away from the hole's surroundings: the exemplar is the area itself.
    rect = maskBoundingBox(sampleableMask(mask, sampling))!;
  }
  let ex = cropImage(image, rect);
  let hole = cropMask(blocked, rect);
  if (work.scale < 1) {
    // Scaled with a large crop, a small exemplar would leave the feature networks no position at their
    // deepest layer: it is never made smaller than MIN_EXEMPLAR_SIDE (nor than it is).
    const least = (n: number) => Math.max(Math.min(MIN_EXEMPLAR_SIDE, n), scaled(n, work.scale));
    const w = least(rect.width),
      h = least(rect.height);
    ex = resizeImage(ex, w, h);
    hole = resizeMask(hole, w, h);
  }
  const valid = new Uint8Array(hole.data.length);
  let any = false;
  for (let i = 0; i < valid.length; i++) any = (valid[i] = hole.data[i] ? 0 : 1) === 1 || any;
  if (!any) {
    throw new StudioError(
      'PARAM_INVALID',
      out
        ? `The exemplar ${rect.x},${rect.y} ${rect.width}x${rect.height} holds no known pixel inside the sampling area (sampling); choose a region of known pixels`
        : `The exemplar ${rect.x},${rect.y} ${rect.width}x${rect.height} lies inside the hole; choose a region of known pixels`,
    );
  }
  const source = params.exemplar ? 'rect' : chosen ? 'blockmatch' : 'surroundings';
  return { image: ex, valid, source, rect };
}
