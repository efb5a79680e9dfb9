/**
 * The correlation heatmap of one block (the report's Figure 17): the similarity of the block to the block
 * at every position of the image, for the editor to show where a block's texture recurs. Computed in
 * plain TypeScript on a pyramid level small enough to stay interactive (a level position stands for a
 * factor x factor square of full-size corners); positions whose block would overlap the grown hole
 * are NaN.
 */
import { StudioError } from '../../common/errors';
import type { Rect } from '../../common/params';
import type { Mask, RgbImage } from '../../image/types';
import { assertSameSize, createImage } from '../../image/types';
import { buildPyramid, sideAt } from './pyramid';
import { SourceValidity } from './validity';
import { makeTemplate, scoreAt, type Similarity } from './zncc';

export interface Heatmap {
  /** Positions per row and rows: (level width - side + 1) x (level height - side + 1). */
  width: number;
  height: number;
  /** Full-size pixels per heatmap position along each axis (a power of two). */
  factor: number;
  /** Score of the block whose top-left corner is at (x * factor, y * factor); NaN where not allowed. */
  data: Float32Array;
  /** The best allowed position, in full-size pixels, and its score; null when none is allowed. */
  best: { x: number; y: number; score: number } | null;
}

export interface HeatmapOptions {
  similarity?: Similarity;
  /** Hole growth that allowed blocks avoid (default 4). */
  margin?: number;
  /** The heatmap has at most about this many positions (default 600 000). */
  maxPositions?: number;
}

/**
 * @param block the block (its top-left corner and side; width is used as the side), inside the image
 * @throws StudioError MASK_SIZE when mask and image differ; PARAM_INVALID when the block is not a
 *   whole-pixel square side >= 1 inside the image.
 */
export function correlationHeatmap(
  image: RgbImage,
  mask: Mask,
  block: Rect,
  options: HeatmapOptions = {},
): Heatmap {
  assertSameSize(image, mask);
  const { width: W, height: H } = image;
  const b = block.width;
  const ok =
    [block.x, block.y, block.width].every(Number.isInteger) &&
    b >= 1 &&
    block.x >= 0 &&
    block.y >= 0 &&
    block.x + b <= W &&
    block.y + b <= H;
  if (!ok) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected a whole-pixel block inside the ${W}x${H} image but received ${block.x},${block.y} ${block.width}x${block.height}`,
    );
  }
  const similarity = options.similarity ?? 'zncc';
  const maxPositions = options.maxPositions ?? 600_000;
  let top = 0;
  while (
    Math.round(b / 2 ** (top + 1)) >= 4 &&
    Math.floor(W / 2 ** top) * Math.floor(H / 2 ** top) > maxPositions
  )
    top++;
  const level = buildPyramid(image, top)[top];
  const f = level.factor;
  const k = sideAt(b, level);
  const validity = new SourceValidity(mask, options.margin ?? 4, b);
  const wp = level.width - k + 1;
  const hp = level.height - k + 1;
  const template = makeTemplate(level, Math.round(block.x / f), Math.round(block.y / f), k, similarity);
  const data = new Float32Array(Math.max(0, wp * hp));
  let best: Heatmap['best'] = null;
  for (let v = 0; v < hp; v++)
    for (let u = 0; u < wp; u++) {
      if (!validity.allowed(u * f, v * f)) {
        data[v * wp + u] = NaN;
        continue;
      }
      const s = scoreAt(level, u, v, template, k, similarity);
      data[v * wp + u] = s;
      if (!best || s > best.score) best = { x: u * f, y: v * f, score: s };
    }
  return { width: wp, height: hp, factor: f, data, best };
}

/** Colour ramp (black, violet, orange, pale yellow) of a value in 0..1. */
function ramp(t: number): [number, number, number] {
  const stops: [number, number, number, number][] = [
    [0, 0.02, 0.02, 0.08],
    [0.35, 0.45, 0.07, 0.5],
    [0.7, 0.95, 0.45, 0.1],
    [1, 1, 0.97, 0.7],
  ];
  for (let i = 1; i < stops.length; i++) {
    if (t <= stops[i][0]) {
      const a = stops[i - 1];
      const z = stops[i];
      const s = (t - a[0]) / (z[0] - a[0]);
      return [a[1] + (z[1] - a[1]) * s, a[2] + (z[2] - a[2]) * s, a[3] + (z[3] - a[3]) * s];
    }
  }
  return [1, 0.97, 0.7];
}

/**
 * The heatmap as a picture: scores from 0 (dark) to the best score (bright), not-allowed positions grey.
 */
export function heatmapImage(h: Heatmap): RgbImage {
  const img = createImage(Math.max(1, h.width), Math.max(1, h.height));
  const n = h.width * h.height;
  const hi = h.best && h.best.score > 0 ? h.best.score : 1;
  for (let i = 0; i < n; i++) {
    const s = h.data[i];
    const [r, g, b] = Number.isNaN(s) ? [0.35, 0.35, 0.35] : ramp(Math.max(0, Math.min(1, s / hi)));
    img.data[i] = r;
    img.data[n + i] = g;
    img.data[2 * n + i] = b;
  }
  return img;
}
