/**
 * Multi-scale correction of one crop (report §6): inpainting models trained on small images get the
 * structure of a large hole right at a coarse scale and add believable detail at a fine scale. A coarse
 * pass (the crop at `coarseScale` times the fine scale, or a shared whole-image pass fitted to the model)
 * is upscaled to the fine scale, a fine pass runs, and the two are combined inside the hole:
 * - laplacian: a Laplacian-pyramid blend, bands below the crossover from the fine pass, the rest from
 *   the coarse one;
 * - plain (the report's pipeline): the coarse result is put into the hole, then a fine pass runs over
 *   it. Inpainting models ignore what lies under their mask, so the fine pass refills the hole in two
 *   interleaved halves of a checkerboard of cells: first everything but the middles of the odd cells,
 *   which keep the coarse values as context, then everything but the middles of the even cells, which
 *   keep the first pass's values; the two cross-fade over a band along every cell border (a hard
 *   checkerboard showed its cells). Two fine calls; the fine passes add detail but cannot move the
 *   structure by much more than a cell.
 */
import type { Rect } from '../../../common/params';
import { compositeInHole } from '../../../image/fill/composite';
import { resizeImage } from '../../../image/resize';
import { createImage, createMask, type Mask, type RgbImage } from '../../../image/types';
import { fitScale, workingSize } from '../sizing';
import { fillCrop, prepareCrop, runFiller, type CropFill, type Filler } from './fillCrop';
import { laplacianBlend } from './laplacianPyramid';
import type { MultiscaleVariant } from '../params';

export interface MultiscaleOptions {
  /** Coarse scale relative to the fine pass, in (0, 1). */
  coarseScale: number;
  variant: MultiscaleVariant;
  /** Laplacian variant: pyramid levels below it come from the fine pass. */
  crossover: number;
  /**
   * A whole-image coarse fill shared by every region (lama.coarseFit), or null to run a coarse pass on
   * the crop. Used only when it is at most 0.9 of the fine scale (otherwise it is no coarser).
   */
  global: CropFill | null;
  signal: AbortSignal;
  /** Called before each engine call with what it is. */
  onCall(what: string): void;
}

export interface MultiscaleResult extends CropFill {
  /** Scale of the coarse pass, in image terms. */
  coarseScale: number;
  /** Engine calls made for this crop. */
  calls: number;
}

/** Side, in fine-scale pixels, of the plain variant's checkerboard cells. */
export function plainCellSize(coarseScale: number): number {
  return Math.max(8, Math.round(16 / coarseScale));
}

/**
 * Bilinear samples of a whole-image fill (its image stands for the full width x height) over `rect`,
 * at width x height (pixel centres aligned).
 */
function sampleWholeFill(fill: CropFill, rect: Rect, width: number, height: number): RgbImage {
  const src = fill.image;
  const sx = src.width / fill.rect.width;
  const sy = src.height / fill.rect.height;
  const out = createImage(width, height);
  const n = width * height;
  const sn = src.width * src.height;
  const xi = new Int32Array(width);
  const xf = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const fx = (rect.x + ((x + 0.5) * rect.width) / width) * sx - 0.5;
    const c = Math.min(src.width - 1, Math.max(0, fx));
    xi[x] = Math.min(Math.max(0, src.width - 2), Math.floor(c));
    xf[x] = src.width === 1 ? 0 : c - xi[x];
  }
  for (let y = 0; y < height; y++) {
    const fy = (rect.y + ((y + 0.5) * rect.height) / height) * sy - 0.5;
    const cy = Math.min(src.height - 1, Math.max(0, fy));
    const y0 = src.height === 1 ? 0 : Math.min(src.height - 2, Math.floor(cy));
    const ty = src.height === 1 ? 0 : cy - y0;
    const y1 = src.height === 1 ? 0 : y0 + 1;
    for (let c = 0; c < 3; c++) {
      const r0 = c * sn + y0 * src.width;
      const r1 = c * sn + y1 * src.width;
      for (let x = 0; x < width; x++) {
        const i = xi[x];
        const j = src.width === 1 ? i : i + 1;
        const t = xf[x];
        const a = src.data[r0 + i] + (src.data[r0 + j] - src.data[r0 + i]) * t;
        const b = src.data[r1 + i] + (src.data[r1 + j] - src.data[r1 + i]) * t;
        out.data[c * n + y * width + x] = a + (b - a) * ty;
      }
    }
  }
  return out;
}

/** `base` with the hole pixels taken from a * weight + b * (1 - weight). */
function crossFade(base: RgbImage, mask: Mask, weight: Float32Array, a: RgbImage, b: RgbImage): RgbImage {
  const n = base.width * base.height;
  const out = base.data.slice();
  for (let i = 0; i < n; i++) {
    if (!mask.data[i]) continue;
    const w = weight[i];
    for (let c = 0; c < 3; c++) out[c * n + i] = a.data[c * n + i] * w + b.data[c * n + i] * (1 - w);
  }
  return createImage(base.width, base.height, out);
}

/**
 * A soft checkerboard over the hole: per pixel, the weight (0..1) of the even cells' pass. It is 1 deep
 * inside even cells, 0 deep inside odd ones, and ramps linearly across every cell border over `ramp`
 * pixels on each side, so that the two passes cross-fade instead of meeting at a seam.
 * @param cell cell side in pixels; @param ramp half-width of the cross-fade, at most cell / 2
 */
export function softChecker(width: number, height: number, cell: number, ramp: number): Float32Array {
  const axis = (n: number) => {
    const t = new Float32Array(n);
    for (let x = 0; x < n; x++) {
      const i = Math.floor(x / cell);
      const d = Math.min(x - i * cell, (i + 1) * cell - 1 - x);
      t[x] = ((i & 1) === 0 ? 1 : -1) * Math.min(1, (d + 0.5) / ramp);
    }
    return t;
  };
  const tx = axis(width);
  const ty = axis(height);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) out[y * width + x] = 0.5 + 0.5 * tx[x] * ty[y];
  return out;
}

/** The hole's pixels where `keep(weight)` holds. */
function holeWhere(mask: Mask, weight: Float32Array, keep: (w: number) => boolean): Mask {
  const out = createMask(mask.width, mask.height);
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] && keep(weight[i])) out.data[i] = 1;
  return out;
}

/**
 * Fills one crop with a coarse and a fine pass and combines them inside the hole.
 * @param crop whole pixels inside the image
 * @returns the combined fill at the fine scale (the fine scale is the crop's fit to the engine)
 * @throws what the engine throws (INFERENCE, CANCELLED, ...)
 */
export async function multiscaleCrop(
  image: RgbImage,
  hole: Mask,
  crop: Rect,
  filler: Filler,
  opts: MultiscaleOptions,
): Promise<MultiscaleResult> {
  const fineScale = fitScale(crop.width, crop.height, filler);
  const fine = prepareCrop(image, hole, crop, fineScale, filler.dilate);
  const { width: fw, height: fh } = fine.image;
  let calls = 0;
  let coarseAtFine: RgbImage;
  let coarseScale: number;
  if (opts.global && opts.global.scale <= 0.9 * fineScale) {
    coarseAtFine = sampleWholeFill(opts.global, crop, fw, fh);
    coarseScale = opts.global.scale;
  } else {
    coarseScale = fineScale * opts.coarseScale;
    const size = workingSize(crop, coarseScale);
    opts.onCall(`coarse pass ${size.width}x${size.height}`);
    const coarse = await fillCrop(image, hole, crop, coarseScale, filler, opts.signal);
    calls++;
    coarseAtFine = resizeImage(coarse.image, fw, fh);
  }
  // What the fine pass would see, with the coarse fill in the (dilated) hole.
  const coarseComposite = compositeInHole(fine.image, coarseAtFine, fine.hole);
  let combined: RgbImage;
  if (opts.variant === 'laplacian') {
    opts.onCall(`fine pass ${fw}x${fh}`);
    const f = await runFiller(filler, fine.image, fine.hole, opts.signal);
    calls++;
    combined = laplacianBlend(
      compositeInHole(fine.image, f, fine.hole),
      coarseComposite,
      opts.crossover,
      fine.hole,
    );
  } else {
    const cell = plainCellSize(coarseScale / fineScale);
    const weight = softChecker(fw, fh, cell, cell / 4);
    // Pass 1 refills all but the inner halves of the odd cells (which keep the coarse values), pass 2
    // all but the inner halves of the even cells (which keep pass 1's values); they cross-fade between.
    const even = holeWhere(fine.hole, weight, (w) => w > 0);
    const odd = holeWhere(fine.hole, weight, (w) => w < 1);
    opts.onCall(`fine pass 1/2 ${fw}x${fh}`);
    const r1 = await runFiller(filler, coarseComposite, even, opts.signal);
    calls++;
    opts.onCall(`fine pass 2/2 ${fw}x${fh}`);
    const r2 = await runFiller(filler, compositeInHole(coarseComposite, r1, even), odd, opts.signal);
    calls++;
    combined = crossFade(coarseComposite, fine.hole, weight, r1, r2);
  }
  return { rect: crop, scale: fineScale, image: combined, coarseScale, calls };
}
