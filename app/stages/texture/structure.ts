/**
 * Structure for a start that lacks it. Gram statistics say how much of which detail a texture holds,
 * not where it goes: from a flat start (push-pull, or a LaMa fill that is only a colour wash over a large
 * hole) the optimisation reaches the exemplar's detail level as grain, with no mortar line, blade or
 * pebble; from a blurry start that shows the shapes it sharpens them in place, but (with the embedded
 * network) into blotches with a frame along the hole's edge. So when the start is blurry (the stage's
 * `structure` parameter decides), the stage first copies structure in: a patch-based completion of the
 * hole (Wexler-style EM with PatchMatch search, the embedded fill's own) whose sources are the exemplar's
 * known pixels, started from the start itself (its coarse levels look for patches like the start's
 * shading). The start keeps its picture coarser than `sigma` where it shows structure (band.ts); the step
 * left along the hole's edge is removed with a membrane, as in Poisson cloning. Measured and looked at in
 * bench/textureQuality.ts and docs/gallery/texture-*.png.
 */
import type { Mask, RgbImage } from '../../image/types';
import { createMask } from '../../image/types';
import { patchMatchFillAsync } from '../../image/fill/patchMatch';
import { fixSeam } from '../../image/fill/seamFix';
import { gaussianBlur, luma, maskedHighPass } from './band';
import type { Exemplar } from './detail';

export interface StructureOptions {
  /** σ (px) below which the copied detail is kept; the start keeps everything coarser. */
  sigma: number;
  /** Patch side (px). */
  patchSize: number;
  seed: number;
  signal?: AbortSignal;
  onProgress?: (step: number, total: number) => void;
}

/**
 * The canvas the completion runs on: the crop (with its hole) at the left, the exemplar beside it; the
 * allowed sources are the exemplar's valid pixels only (the crop's ring is context, not a source, so a
 * chosen exemplar is honoured; with the default exemplar, the surroundings, the ring is in it anyway).
 */
function canvas(crop: RgbImage, hole: Mask, ex: Exemplar, start: RgbImage) {
  const cw = crop.width,
    chh = crop.height;
  const ew = ex.image.width,
    eh = ex.image.height;
  const W = cw + ew,
    H = Math.max(chh, eh);
  const n = W * H,
    cn = cw * chh,
    en = ew * eh;
  const image: RgbImage = { width: W, height: H, data: new Float32Array(3 * n) };
  const begin: RgbImage = { width: W, height: H, data: new Float32Array(3 * n) };
  const mask = createMask(W, H);
  const sources = createMask(W, H);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < chh; y++)
      for (let x = 0; x < cw; x++) {
        image.data[c * n + y * W + x] = crop.data[c * cn + y * cw + x];
        begin.data[c * n + y * W + x] = start.data[c * cn + y * cw + x];
      }
    for (let y = 0; y < eh; y++)
      for (let x = 0; x < ew; x++) image.data[c * n + y * W + cw + x] = ex.image.data[c * en + y * ew + x];
  }
  for (let y = 0; y < chh; y++) for (let x = 0; x < cw; x++) mask.data[y * W + x] = hole.data[y * cw + x];
  for (let y = 0; y < eh; y++)
    for (let x = 0; x < ew; x++) sources.data[y * W + cw + x] = !ex.valid || ex.valid[y * ew + x] ? 1 : 0;
  return { image, start: begin, mask, sources };
}

/** σ (px) of the scale at which a start's structure is looked for: about the blur of a LaMa fill over a large hole. */
const STRUCTURE_SIGMA = 2;

/** Standard deviation of G_σ(l) − G_4σ(l) over the pixels `use` marks. */
function bandSpread(l: Float32Array, w: number, h: number, use: (i: number) => boolean): number {
  const a = gaussianBlur(l, w, h, 1, STRUCTURE_SIGMA);
  const b = gaussianBlur(l, w, h, 1, 4 * STRUCTURE_SIGMA);
  let s = 0,
    s2 = 0,
    k = 0;
  for (let i = 0; i < a.length; i++)
    if (use(i)) {
      const v = a[i] - b[i];
      s += v;
      s2 += v * v;
      k++;
    }
  return k ? Math.sqrt(Math.max(0, s2 / k - (s / k) ** 2)) : 0;
}

/**
 * How much structure the start shows at a blurry fill's scale (the band between σ and 4σ, where a blurry
 * fill still has its lines and shapes), against the exemplar: the spread of that band in the hole over
 * its spread in the exemplar, capped at 1. A flat fill (push-pull) shows 0.1–0.2 on the fixtures, the
 * truth blurred by 3 px 0.4–0.55.
 */
export function structureShown(start: RgbImage, hole: Mask, ex: Exemplar): number {
  const { width: cw, height: chh } = start;
  const { width: ew, height: eh } = ex.image;
  const inHole = bandSpread(luma(start.data, cw * chh), cw, chh, (i) => hole.data[i] === 1);
  const inEx = bandSpread(luma(ex.image.data, ew * eh), ew, eh, (i) => !ex.valid || ex.valid[i] === 1);
  return inEx > 0 ? Math.min(1, inHole / inEx) : 0;
}

/**
 * Seamless edge, as in Poisson cloning: the fill's step against its surroundings along the hole's edge
 * (averaged along the edge at about a patch's scale, so that a line crossing the edge is not taken for a
 * step) is spread over the hole as a smooth membrane and removed (app/image/fill/seamFix). The fill then
 * meets its surroundings in tone (this also removes a step the start had); the copied detail stays. In
 * place, on `img`'s hole pixels.
 */
async function removeEdgeStep(img: RgbImage, hole: Mask, scale: number, signal?: AbortSignal): Promise<void> {
  await fixSeam(img.data, hole.data, hole.width, hole.height, { alongEdge: scale, clamp: true, signal });
}

/**
 * @param crop the working crop (its hole pixels are ignored)
 * @param start the crop with the start in the hole
 * @returns a new crop: outside the hole `start`'s pixels; in the hole start + HP_σ(completion − start)
 * @throws StudioError CANCELLED when the signal fires
 */
export async function copyStructure(
  crop: RgbImage,
  hole: Mask,
  start: RgbImage,
  ex: Exemplar,
  opts: StructureOptions,
): Promise<RgbImage> {
  const c = canvas(crop, hole, ex, start);
  const filled = await patchMatchFillAsync(c.image, c.mask, {
    start: c.start,
    sources: c.sources,
    patchSize: opts.patchSize,
    seed: opts.seed,
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  const { width: w, height: h } = crop;
  const n = w * h,
    W = c.image.width,
    N = W * c.image.height;
  const holeF = new Float32Array(n);
  for (let i = 0; i < n; i++) holeF[i] = hole.data[i];
  const delta = new Float32Array(3 * n);
  for (let k = 0; k < 3; k++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (hole.data[i]) delta[k * n + i] = filled.data[k * N + y * W + x] - start.data[k * n + i];
      }
  maskedHighPass(holeF, w, h, 3, opts.sigma).apply(delta);
  const out: RgbImage = { width: w, height: h, data: start.data.slice() };
  for (let k = 0; k < 3; k++)
    for (let i = 0; i < n; i++)
      if (hole.data[i])
        out.data[k * n + i] = Math.min(1, Math.max(0, start.data[k * n + i] + delta[k * n + i]));
  await removeEdgeStep(out, hole, opts.patchSize, opts.signal);
  return out;
}
