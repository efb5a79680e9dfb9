/**
 * Putting the matched source blocks into the hole: only hole pixels change, so the pixels outside the
 * mask stay bit-exact whatever the blending.
 * - none: hard paste, each mask block's hole pixels copied from its source.
 * - feather: every block pasted over its own extent grown by the seam width w, with weights that fall
 *   linearly from 1 to 0 across 2w pixels centred on the block's edge (neighbouring blocks' weights sum
 *   to 1 there), normalised; then a soft edge of width w inside the hole's border, where the result
 *   fades into the current image (smoothstep of the distance to the nearest known pixel).
 * - poisson: see poisson.ts; it starts from the feathered result.
 * A block without a source (rejected) keeps the current image and takes part in the blending as such.
 */
import { cropMask, expandRect, maskBoundingBox } from '../../image/crop';
import type { Mask, RgbImage } from '../../image/types';
import { featherWeights } from '../../image/morphology';
import type { BlockMatch } from './match';

export type BlendMode = 'none' | 'feather' | 'poisson';

/** Where block i's pixel (x, y) comes from: its source (clamped inside the image), or itself. */
function sourceIndex(m: BlockMatch, x: number, y: number, W: number, H: number): number {
  if (!m.source) return y * W + x;
  const sx = Math.min(W - 1, Math.max(0, x - m.x + m.source.x));
  const sy = Math.min(H - 1, Math.max(0, y - m.y + m.source.y));
  return sy * W + sx;
}

/** Hard paste: each block's hole pixels from its source. */
export function hardPaste(image: RgbImage, mask: Mask, matches: readonly BlockMatch[]): RgbImage {
  const { width: W, height: H } = image;
  const n = W * H;
  const src = image.data;
  const out = src.slice();
  for (const m of matches) {
    if (!m.source) continue;
    for (let y = m.y; y < m.y + m.size; y++)
      for (let x = m.x; x < m.x + m.size; x++) {
        const i = y * W + x;
        if (!mask.data[i]) continue;
        const j = sourceIndex(m, x, y, W, H);
        out[i] = src[j];
        out[n + i] = src[n + j];
        out[2 * n + i] = src[2 * n + j];
      }
  }
  return { width: W, height: H, data: out };
}

/** Linear ramp weight of offset t (0 = the block's first pixel) for a block of side b and overlap w. */
function ramp(t: number, b: number, w: number): number {
  if (w === 0) return t >= 0 && t < b ? 1 : 0;
  const left = (t + w + 0.5) / (2 * w);
  const right = (b + w - t - 0.5) / (2 * w);
  const v = left < right ? left : right;
  return v <= 0 ? 0 : v >= 1 ? 1 : v;
}

/**
 * Feathered paste (see the file comment).
 * @param seam overlap and edge width in pixels (>= 0; the overlap is capped at half a block)
 */
export function featherPaste(
  image: RgbImage,
  mask: Mask,
  matches: readonly BlockMatch[],
  seam: number,
): RgbImage {
  const { width: W, height: H } = image;
  const n = W * H;
  const src = image.data;
  const out = src.slice();
  if (matches.length === 0) return { width: W, height: H, data: out };
  const b = matches[0].size;
  const w = Math.max(0, Math.min(Math.floor(seam), Math.floor(b / 2)));
  // Only hole pixels change: the weights live on the hole's bounding box.
  const box = maskBoundingBox(mask);
  if (!box) return { width: W, height: H, data: out };
  const { x: bx, y: by, width: bw } = box;
  const weight = new Float32Array(bw * box.height);
  // Hole pixels start from zero and gather every covering block's weighted value.
  for (const m of matches)
    for (let y = m.y; y < m.y + b; y++)
      for (let x = m.x; x < m.x + b; x++) {
        const i = y * W + x;
        if (mask.data[i]) out[i] = out[n + i] = out[2 * n + i] = 0;
      }
  const wy = new Float32Array(b + 2 * w);
  const wx = new Float32Array(b + 2 * w);
  for (let t = -w; t < b + w; t++) wx[t + w] = wy[t + w] = ramp(t, b, w);
  for (const m of matches) {
    const y0 = Math.max(0, m.y - w);
    const y1 = Math.min(H, m.y + b + w);
    const x0 = Math.max(0, m.x - w);
    const x1 = Math.min(W, m.x + b + w);
    for (let y = y0; y < y1; y++) {
      const fy = wy[y - m.y + w];
      if (fy === 0) continue;
      for (let x = x0; x < x1; x++) {
        const i = y * W + x;
        if (!mask.data[i]) continue;
        const f = fy * wx[x - m.x + w];
        if (f === 0) continue;
        const j = sourceIndex(m, x, y, W, H);
        out[i] += f * src[j];
        out[n + i] += f * src[n + j];
        out[2 * n + i] += f * src[2 * n + j];
        weight[(y - by) * bw + x - bx] += f;
      }
    }
  }
  // The soft edge: featherWeights looks no further than one pixel around the hole's box, so the box
  // grown by one pixel gives the same weights as the whole image.
  const around = expandRect(box, 1, W, H);
  const edge = w > 0 ? featherWeights(cropMask(mask, around), w) : null;
  for (const m of matches)
    for (let y = m.y; y < m.y + b; y++)
      for (let x = m.x; x < m.x + b; x++) {
        const i = y * W + x;
        if (!mask.data[i]) continue;
        const k = (y - by) * bw + x - bx;
        const s = weight[k];
        if (s === 0) continue;
        weight[k] = 0; // blocks may overlap (the last row and column): normalise each pixel once
        const e = edge ? edge[(y - around.y) * around.width + x - around.x] : 1;
        for (let c = 0; c < 3; c++) {
          const o = c * n + i;
          const v = out[o] / s;
          out[o] = e === 1 ? v : src[o] + (v - src[o]) * e;
        }
      }
  return { width: W, height: H, data: out };
}
