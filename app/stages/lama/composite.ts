/**
 * Composition of a fill into the image: outside the hole the base comes back bit-exact; inside, the
 * fill, blended over a feathered edge that lies entirely inside the hole. Works tile by tile over the
 * hole's tiles, so its cost follows the hole's area.
 */
import type { Rect } from '../../common/params';
import { cropMask, expandRect } from '../../image/crop';
import { featherWeights } from '../../image/morphology';
import { holeTiles } from '../../image/tiles';
import type { Mask, RgbImage } from '../../image/types';

/** Gives the fill's values for one rectangle of the image (an image of the rectangle's size). */
export type FillSource = (rect: Rect) => RgbImage;

/**
 * @param base the image to fill (copied, never modified)
 * @param mask the hole (1 = fill), base's size
 * @param fillFor the fill's values for a rectangle
 * @param feather edge width in pixels (0 = hard edge)
 */
export function compositeFill(base: RgbImage, mask: Mask, fillFor: FillSource, feather: number): RgbImage {
  const { width: W, height: H } = base;
  const out = base.data.slice();
  const plane = W * H;
  // A hole pixel's weight depends on its distance to the nearest known pixel, capped at `feather`:
  // a margin of feather + 1 around each tile is enough to see it.
  const margin = Math.ceil(feather) + 1;
  for (const tile of holeTiles(mask, 64)) {
    const fill = fillFor(tile);
    const grown = expandRect(tile, margin, W, H);
    const weights = feather > 0 ? featherWeights(cropMask(mask, grown), feather) : null;
    const fplane = tile.width * tile.height;
    for (let y = 0; y < tile.height; y++) {
      const iy = tile.y + y;
      for (let x = 0; x < tile.width; x++) {
        const ix = tile.x + x;
        const i = iy * W + ix;
        if (!mask.data[i]) continue;
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
  return { width: W, height: H, data: out };
}
