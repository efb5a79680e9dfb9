/**
 * Cases, stand-in fills and metrics of the corrections benchmark (bench/corrections.ts).
 *
 * Cases: four texture crops with a 128 px square hole in the middle (brick, grass, gravel: the whole
 * 512 px scikit-image fixture; wood: a 512 px crop of Wood.jpg on its in-focus grain) and four photographs
 * with a blob hole over an object (astronaut: the mission patch; chelsea: the cat's left eye; garden:
 * the marigold's stamens; elephants: the small elephant's head, on a 1600 px-wide downscale).
 *
 * Stand-in fills (the real LaMa weights cannot be downloaded): `blur` (the truth blurred, Gaussian σ 3,
 * composited in the hole), `blur+bland` (the same after a bland colour defect, `blandDefect`) and
 * `embedded` (the LaMa stage's download-free fill, PatchMatch, as the stage runs it without a model).
 *
 * Metrics, all over the hole (computed on a crop around it with a 32 px margin):
 * - S: mean CIEDE2000 between the σ 4 Gaussian low-passes of the result and of the truth: does the
 *   correction keep the fill's shapes, shading and colour (lower is better).
 * - D: the result's detail variance (luma − its σ 2 Gaussian blur) over the truth's: 1 = the truth's
 *   detail level, < 1 blurry, > 1 too busy; |ln D| is the distance from the truth's level.
 * - seam: the mean colour jump across the hole's edge (CIELab distance between each hole pixel on the
 *   edge and its 4-neighbours outside: the 2 px band straddling the boundary; colorBench's meanEdgeJump)
 *   in the result, over the same in the truth. 1 = the edge is as continuous as in the truth; > 1 a
 *   visible seam (paste edge, colour step), < 1 smoother across the edge than the truth.
 */
import path from 'node:path';
import type { Rect } from '../app/common/params';
import { mulberry32 } from '../app/common/random';
import { cropImage, cropMask, expandRect, maskBoundingBox, pasteImage } from '../app/image/crop';
import { loadImage } from '../app/image/load';
import { resizeImage } from '../app/image/resize';
import { cloneImage, createMask, type Mask, type RgbImage } from '../app/image/types';
import { meanCiede2000 } from '../app/image/ciede2000';
import { labToSrgb, srgbToLab } from '../app/image/lab';
import { embeddedFillAsync } from '../app/stages/lama/embeddedFill';
import { gaussianBlur } from '../app/stages/texture/band';
import { holeDetailVariance } from '../app/stages/texture/detail';
import { meanEdgeJump } from './colorBench';
import { blurredHole } from './gallery/texture';

export const FIXTURES = path.resolve('../shared/fixtures/images');

export interface CorrectionCase {
  name: string;
  kind: 'texture' | 'photo';
  file: string;
  /** Texture cases: the crop of the fixture used (the whole image when absent). */
  crop?: Rect;
  /** Photo cases: scale to this width first. */
  width?: number;
  /** Texture cases: the 128 px square hole's top-left corner, in the crop. */
  hole?: { x: number; y: number };
  /** Photo cases: the blob's centre and radius (px, after scaling) and its seed. */
  blob?: { cx: number; cy: number; radius: number; seed: number };
  /** GPL-2+ fixture: its strips are git-ignored (see .gitignore). */
  gpl?: boolean;
}

export const HOLE_SIDE = 128;

export const CORRECTION_CASES: readonly CorrectionCase[] = [
  { name: 'brick', kind: 'texture', file: 'brick.png', hole: { x: 192, y: 192 } },
  { name: 'grass', kind: 'texture', file: 'grass.png', hole: { x: 192, y: 192 } },
  { name: 'gravel', kind: 'texture', file: 'gravel.png', hole: { x: 192, y: 192 } },
  {
    name: 'wood',
    kind: 'texture',
    file: 'Wood.jpg',
    crop: { x: 1000, y: 600, width: 512, height: 512 },
    hole: { x: 192, y: 192 },
    gpl: true,
  },
  {
    name: 'astronaut',
    kind: 'photo',
    file: 'astronaut.png',
    blob: { cx: 172, cy: 385, radius: 46, seed: 3 },
  },
  { name: 'chelsea', kind: 'photo', file: 'chelsea.png', blob: { cx: 170, cy: 114, radius: 42, seed: 5 } },
  {
    name: 'garden',
    kind: 'photo',
    file: 'Garden.jpg',
    blob: { cx: 1790, cy: 560, radius: 190, seed: 7 },
    gpl: true,
  },
  {
    name: 'elephants',
    kind: 'photo',
    file: 'Elephants_3840x2160.jpg',
    width: 1600,
    blob: { cx: 600, cy: 380, radius: 80, seed: 11 },
    gpl: true,
  },
];

/** The cases `--quick` runs: one texture, two small photographs. */
export const QUICK_CASES = ['brick', 'astronaut', 'chelsea'];

/**
 * An irregular blob around (cx, cy): a union of discs along a random walk that stays within 0.6 radius
 * of the centre, until the blob covers 55% of the disc of `radius`. Deterministic for a seed.
 */
export function objectBlob(
  width: number,
  height: number,
  blob: { cx: number; cy: number; radius: number; seed: number },
): Mask {
  const mask = createMask(width, height);
  const rnd = mulberry32(blob.seed);
  const target = Math.round(0.55 * Math.PI * blob.radius * blob.radius);
  let area = 0;
  let x = blob.cx;
  let y = blob.cy;
  for (let guard = 0; area < target && guard < 10000; guard++) {
    const r = blob.radius * 0.35 * (0.7 + 0.6 * rnd());
    const x0 = Math.max(0, Math.floor(x - r)),
      x1 = Math.min(width - 1, Math.ceil(x + r));
    const y0 = Math.max(0, Math.floor(y - r)),
      y1 = Math.min(height - 1, Math.ceil(y + r));
    for (let yy = y0; yy <= y1; yy++)
      for (let xx = x0; xx <= x1; xx++) {
        const i = yy * width + xx;
        if (!mask.data[i] && (xx - x) ** 2 + (yy - y) ** 2 <= r * r) {
          mask.data[i] = 1;
          area++;
        }
      }
    const step = blob.radius * 0.3;
    x += (rnd() - 0.5) * 2 * step;
    y += (rnd() - 0.5) * 2 * step;
    const dx = x - blob.cx,
      dy = y - blob.cy;
    const d = Math.hypot(dx, dy);
    const lim = blob.radius * 0.6;
    if (d > lim) {
      x = blob.cx + (dx * lim) / d;
      y = blob.cy + (dy * lim) / d;
    }
  }
  return mask;
}

/** A HOLE_SIDE square hole with its top-left corner at `at`. */
function squareHole(width: number, height: number, at: { x: number; y: number }): Mask {
  const mask = createMask(width, height);
  for (let y = at.y; y < at.y + HOLE_SIDE; y++)
    for (let x = at.x; x < at.x + HOLE_SIDE; x++) mask.data[y * width + x] = 1;
  return mask;
}

export async function loadCorrectionCase(c: CorrectionCase): Promise<{ truth: RgbImage; mask: Mask }> {
  let image = (await loadImage(path.join(FIXTURES, c.file))).image;
  if (c.crop) image = cropImage(image, c.crop);
  if (c.width && image.width > c.width)
    image = resizeImage(image, c.width, Math.round((image.height * c.width) / image.width));
  const mask = c.hole
    ? squareHole(image.width, image.height, c.hole)
    : objectBlob(image.width, image.height, c.blob!);
  return { truth: image, mask };
}

export const FILLS = ['blur', 'blur+bland', 'embedded'] as const;
export type FillName = (typeof FILLS)[number];

/** Saturation factor 0.3..0.8 at (u, v) in 0..1 over the hole's bounding box: a smooth field. */
function saturationField(u: number, v: number): number {
  const f =
    0.5 + 0.5 * Math.sin(Math.PI * (1.3 * u + 0.4 * v) + 0.7) * Math.cos(Math.PI * (1.1 * v - 0.3 * u) + 0.3);
  return 0.3 + 0.5 * f;
}

/**
 * The bland colour defect LaMa leaves in a hole (the report's observation: blander colours than the
 * rest), on the whole image: in CIELab, chroma × a smooth field of 0.3..0.8 over the hole's bounding
 * box, hue rotated by 15°, luma detail (L minus its σ 8 Gaussian blur) × 0.75, L + 6; then quantised to
 * 8-bit Lab (L in 100/255 steps, a and b to integers, as 8-bit Lab images store them).
 */
export function blandDefect(truth: RgbImage, mask: Mask): RgbImage {
  // Only the hole's surroundings matter (the σ 3 blur reaches 9 px out): work on a crop, paste it back.
  const rect = expandRect(maskBoundingBox(mask)!, 40, truth.width, truth.height);
  const out = cloneImage(truth);
  pasteImage(out, blandDefectAll(cropImage(truth, rect), cropMask(mask, rect)), rect.x, rect.y);
  return out;
}

function blandDefectAll(truth: RgbImage, mask: Mask): RgbImage {
  const { width: W, height: H } = truth;
  const n = W * H;
  const box = maskBoundingBox(mask) ?? { x: 0, y: 0, width: W, height: H };
  const L = new Float32Array(n);
  const A = new Float32Array(n);
  const B = new Float32Array(n);
  const lab = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    srgbToLab(truth.data[i], truth.data[n + i], truth.data[2 * n + i], lab, 0);
    L[i] = lab[0];
    A[i] = lab[1];
    B[i] = lab[2];
  }
  const low = gaussianBlur(L, W, H, 1, 8);
  const hue = (15 * Math.PI) / 180;
  const cos = Math.cos(hue),
    sin = Math.sin(hue);
  const out = new Float32Array(3 * n);
  const rgb = new Float64Array(3);
  const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const u = clamp01((x - box.x) / Math.max(1, box.width - 1));
      const v = clamp01((y - box.y) / Math.max(1, box.height - 1));
      const s = saturationField(u, v);
      const l = Math.min(100, Math.max(0, low[i] + 0.75 * (L[i] - low[i]) + 6));
      const a = (A[i] * cos - B[i] * sin) * s;
      const b = (A[i] * sin + B[i] * cos) * s;
      const q = (t: number) => Math.min(127, Math.max(-128, Math.round(t)));
      labToSrgb(Math.round(l * 2.55) / 2.55, q(a), q(b), rgb, 0);
      for (let c = 0; c < 3; c++) out[c * n + i] = clamp01(rgb[c]);
    }
  return { width: W, height: H, data: out };
}

/** The stand-in fill: the truth with its hole replaced. */
export async function standInFill(truth: RgbImage, mask: Mask, fill: FillName): Promise<RgbImage> {
  switch (fill) {
    case 'blur':
      return blurredHole(truth, mask, 3);
    case 'blur+bland':
      return compositeHole(truth, blurredHole(blandDefect(truth, mask), mask, 3), mask);
    case 'embedded':
      return embeddedFillAsync(truth, mask, { method: 'patchmatch', seed: 0 });
  }
}

/** `base` with the hole's pixels taken from `fill`. */
function compositeHole(base: RgbImage, fill: RgbImage, mask: Mask): RgbImage {
  const n = base.width * base.height;
  const data = base.data.slice();
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++) if (mask.data[i]) data[c * n + i] = fill.data[c * n + i];
  return { width: base.width, height: base.height, data };
}

/** The rectangle the metrics work on: the hole's bounding box with a 32 px margin, inside the image. */
export function metricRect(mask: Mask): Rect {
  return expandRect(maskBoundingBox(mask)!, 32, mask.width, mask.height);
}

function lowPass(img: RgbImage, sigma: number): RgbImage {
  return {
    width: img.width,
    height: img.height,
    data: gaussianBlur(img.data, img.width, img.height, 3, sigma),
  };
}

/** The truth's side of the metrics, computed once per case. */
export interface TruthRef {
  rect: Rect;
  mask: Mask;
  low: RgbImage;
  detail: number;
  seamJump: number;
}

export function truthRef(truth: RgbImage, mask: Mask): TruthRef {
  const rect = metricRect(mask);
  const t = cropImage(truth, rect);
  const m = cropMask(mask, rect);
  return {
    rect,
    mask: m,
    low: lowPass(t, 4),
    detail: holeDetailVariance(t, m, 2),
    seamJump: meanEdgeJump(t, m),
  };
}

export interface Scores {
  /** Mean CIEDE2000 of the σ 4 low-passes in the hole. */
  S: number;
  /** Detail variance over the truth's. */
  D: number;
  /** |ln D|. */
  lnD: number;
  /** Mean colour jump across the hole's edge over the truth's. */
  seam: number;
}

export function score(result: RgbImage, ref: TruthRef): Scores {
  const r = cropImage(result, ref.rect);
  const S = meanCiede2000(lowPass(r, 4), ref.low, ref.mask);
  const D = ref.detail > 0 ? holeDetailVariance(r, ref.mask, 2) / ref.detail : NaN;
  const seam = ref.seamJump > 0 ? meanEdgeJump(r, ref.mask) / ref.seamJump : NaN;
  return { S, D, lnD: Math.abs(Math.log(D)), seam };
}
