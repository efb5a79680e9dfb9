/**
 * Composition of a fill into the image: outside the hole the base comes back bit-exact; inside, the
 * fill, blended over a feathered edge that lies entirely inside the hole. Works tile by tile over the
 * hole's tiles, so its cost follows the hole's area. A region's fill can be composited on its own (the
 * regions strategy composites each region as soon as it is filled, so only one region's fill is held).
 */
import type { Rect } from '../../common/params';
import { cropMask, expandRect } from '../../image/crop';
import { featherWeights } from '../../image/morphology';
import { holeTiles } from '../../image/tiles';
import type { Mask, RgbImage } from '../../image/types';

/** Gives the fill's values for one rectangle of the image (an image of the rectangle's size). */
export type FillSource = (rect: Rect) => RgbImage;

/** Part of the hole composited on its own: the pixels set in `mask` (box-sized) at `box`. */
export interface HolePart {
  box: Rect;
  mask: Mask;
}

const TILE = 64;

function compositeTiles(
  out: Float32Array,
  mask: Mask,
  tiles: readonly Rect[],
  part: HolePart | null,
  fillFor: FillSource,
  feather: number,
): void {
  const { width: W, height: H } = mask;
  const plane = W * H;
  // A hole pixel's weight depends on its distance to the nearest known pixel, capped at `feather`:
  // a margin of feather + 1 around each tile is enough to see it.
  const margin = Math.ceil(feather) + 1;
  for (const tile of tiles) {
    const fill = fillFor(tile);
    const grown = expandRect(tile, margin, W, H);
    const weights = feather > 0 ? featherWeights(cropMask(mask, grown), feather) : null;
    const fplane = tile.width * tile.height;
    for (let y = 0; y < tile.height; y++) {
      const iy = tile.y + y;
      const prow = part ? (iy - part.box.y) * part.box.width - part.box.x : 0;
      for (let x = 0; x < tile.width; x++) {
        const ix = tile.x + x;
        const i = iy * W + ix;
        if (!mask.data[i] || (part && !part.mask.data[prow + ix])) continue;
        const w = weights ? weights[(iy - grown.y) * grown.width + (ix - grown.x)] : 1;
        const f = y * tile.width + x;
        for (let c = 0; c < 3; c++) {
          const o = c * plane + i;
          const v = fill.data[c * fplane + f];
          out[o] = w === 1 ? v : out[o] + (v - out[o]) * w;
        }
      }
    }
  }
}

/**
 * @param base the image to fill (copied, never modified, unless `inPlace`)
 * @param mask the hole (1 = fill), base's size
 * @param fillFor the fill's values for a rectangle
 * @param feather edge width in pixels (0 = hard edge)
 * @param inPlace composite into base's own planes (when nothing reads base after: StageInput.writable)
 *   and return an image over them, instead of holding a second full-size copy
 */
export function compositeFill(
  base: RgbImage,
  mask: Mask,
  fillFor: FillSource,
  feather: number,
  inPlace = false,
): RgbImage {
  const out = inPlace ? base.data : base.data.slice();
  compositeTiles(out, mask, holeTiles(mask, TILE), null, fillFor, feather);
  return { width: base.width, height: base.height, data: out };
}

/**
 * Composites one part of the hole into `out` (planar RGB of the mask's size, modified in place): only
 * the part's pixels change; their feathered edge follows the whole hole (`mask`), so compositing every
 * part of a hole one by one gives what compositeFill gives for the whole hole, when every part's pixels
 * are hole pixels and the parts do not overlap.
 * @param fillFor asked only for rectangles inside the part's box
 */
export function compositePartInto(
  out: Float32Array,
  mask: Mask,
  part: HolePart,
  fillFor: FillSource,
  feather: number,
): void {
  const tiles = holeTiles(part.mask, TILE).map((t) => ({ ...t, x: t.x + part.box.x, y: t.y + part.box.y }));
  compositeTiles(out, mask, tiles, part, fillFor, feather);
}
