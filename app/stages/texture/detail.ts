/**
 * The fill's fine detail, measured and corrected against the exemplar's. Detail is the high-pass of
 * the luma (luma − G_σ luma). Matching its histogram to the exemplar's after the optimisation ends the
 * hole at the texture's natural contrast: no stray bright or dark blots (the Gram loss can be met by a
 * few strong features as well as by many weak ones), and no over-sharpened or washed-out fill. The
 * report's own correction (§3.2), matching each colour channel's histogram, is `matchColours`.
 */
import { meanGradientWhere } from '../../image/metrics';
import { distanceTransform } from '../../image/morphology';
import type { Mask, RgbImage } from '../../image/types';
import { gaussianBlur, luma } from './band';
import { matchQuantiles, sortedSamples } from './histogram';

/** A texture sample with the pixels it may use (null = all). */
export interface Exemplar {
  image: RgbImage;
  valid: Uint8Array | null;
}

function highPassLuma(img: RgbImage, sigma: number): Float32Array {
  const n = img.width * img.height;
  const l = luma(img.data, n);
  const low = gaussianBlur(l, img.width, img.height, 1, sigma);
  for (let i = 0; i < n; i++) l[i] -= low[i];
  return l;
}

/** Pixels at least `r` from any pixel where `ok` is 0 and from the frame. */
function interior(ok: Uint8Array | null, width: number, height: number, r: number): Uint8Array {
  const bad = new Uint8Array(width * height);
  if (ok) for (let i = 0; i < bad.length; i++) bad[i] = ok[i] ? 0 : 1;
  const dist = distanceTransform(bad, width, height);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const edge = Math.min(x + 1, y + 1, width - x, height - y);
      out[y * width + x] = Math.min(dist[y * width + x], edge) >= r ? 1 : 0;
    }
  return out;
}

/**
 * Sorted detail values of the exemplar's usable pixels (away from unknown pixels and the frame by 3σ,
 * where the high-pass would see padding or the hole). Falls back to every usable pixel when the
 * exemplar is too small for that.
 */
export function detailSamples(ex: Exemplar, sigma: number): Float32Array {
  const { width, height } = ex.image;
  const hp = highPassLuma(ex.image, sigma);
  const inner = interior(ex.valid, width, height, Math.ceil(3 * sigma));
  let any = 0;
  for (const v of inner) any += v;
  return sortedSamples(hp, any >= 64 ? inner : ex.valid);
}

/** Variance of `v` over the indices where `use` is set (all when null); 0 when none. */
export function variance(v: ArrayLike<number>, use: ArrayLike<number> | null = null): number {
  let s = 0,
    s2 = 0,
    k = 0;
  for (let i = 0; i < v.length; i++)
    if (!use || use[i]) {
      s += v[i];
      s2 += v[i] * v[i];
      k++;
    }
  if (!k) return 0;
  const m = s / k;
  return Math.max(0, s2 / k - m * m);
}

/** Variance of the detail of `img` inside the hole. */
export function holeDetailVariance(img: RgbImage, hole: Mask, sigma: number): number {
  return variance(highPassLuma(img, sigma), hole.data);
}

/** The hole's detail histogram matched to `samples` (sorted), added to all three channels. */
export function matchDetail(img: RgbImage, hole: Mask, samples: Float32Array, sigma: number): RgbImage {
  if (!samples.length) return img;
  const n = img.width * img.height;
  const hp = highPassLuma(img, sigma);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (hole.data[i]) idx.push(i);
  const matched = matchQuantiles(hp, idx, samples);
  const out = img.data.slice();
  idx.forEach((i, k) => {
    const d = matched[k] - hp[i];
    for (let c = 0; c < 3; c++) out[c * n + i] = Math.min(1, Math.max(0, out[c * n + i] + d));
  });
  return { width: img.width, height: img.height, data: out };
}

/** Each channel's histogram in the hole matched to the exemplar's usable pixels (report §3.2). */
export function matchColours(img: RgbImage, hole: Mask, ex: Exemplar): RgbImage {
  const n = img.width * img.height;
  const ne = ex.image.width * ex.image.height;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (hole.data[i]) idx.push(i);
  const out = img.data.slice();
  for (let c = 0; c < 3; c++) {
    const target = sortedSamples(ex.image.data.subarray(c * ne, (c + 1) * ne), ex.valid);
    if (!target.length) continue;
    const matched = matchQuantiles(img.data.subarray(c * n, (c + 1) * n), idx, target);
    idx.forEach((i, k) => (out[c * n + i] = matched[k]));
  }
  return { width: img.width, height: img.height, data: out };
}

/** The exemplar's mean gradient over its usable pixels away from unknown ones and the frame. */
export function exemplarGradient(ex: Exemplar): number {
  const inner = interior(ex.valid, ex.image.width, ex.image.height, 2);
  let any = 0;
  for (const v of inner) any += v;
  return meanGradientWhere(ex.image, any >= 64 ? inner : ex.valid);
}

/** The hole's detail (mean luma gradient) as a fraction of `reference`'s; 0 when the reference is flat. */
export function detailRatio(image: RgbImage, hole: Mask, reference: number): number {
  return reference > 0 ? meanGradientWhere(image, hole.data) / reference : 0;
}
