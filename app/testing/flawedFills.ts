/**
 * Synthetic fills of a fixture photo for the tests of the automatic correction and the colour stage: the
 * truth blurred in the hole (a blurry fill of the right colours), the same after a bland colour defect
 * (blander, hue-rotated, lighter: what LaMa leaves), the truth with a visible outline, and S, the
 * low-pass colour error to the truth that says whether a correction kept the fill's structure.
 */
import path from 'node:path';
import { cropImage, expandRect, maskBoundingBox } from '../image/crop';
import { labToSrgb, srgbToLab } from '../image/lab';
import { loadImage } from '../image/load';
import { maskedBlur } from '../image/maskedBlur';
import { createMask, type Mask, type RgbImage } from '../image/types';
import { meanCiede2000 } from '../image/ciede2000';

/** chelsea.png (451x300) with a blob hole over the cat's left eye, as the corrections benchmark uses. */
export async function chelseaCase(): Promise<{ truth: RgbImage; mask: Mask }> {
  const truth = (await loadImage(path.resolve('fixtures/images/chelsea.png'))).image;
  return { truth, mask: blob(truth.width, truth.height, 170, 114, 30) };
}

/** A union of three discs around (cx, cy), about 2.5 r² pixels. */
export function blob(W: number, H: number, cx: number, cy: number, r: number): Mask {
  const m = createMask(W, H);
  const discs = [
    [cx, cy, r],
    [cx + 0.6 * r, cy + 0.3 * r, 0.7 * r],
    [cx - 0.5 * r, cy - 0.4 * r, 0.6 * r],
  ];
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      if (discs.some(([u, v, s]) => (x - u) ** 2 + (y - v) ** 2 <= s * s)) m.data[y * W + x] = 1;
  return m;
}

function planes(img: RgbImage): Float32Array[] {
  const n = img.width * img.height;
  return [0, 1, 2].map((c) => img.data.subarray(c * n, (c + 1) * n));
}

/** The image blurred (Gaussian σ) everywhere. */
export function blurred(img: RgbImage, sigma: number): RgbImage {
  const b = maskedBlur(planes(img), img.width, img.height, null, sigma);
  const data = new Float32Array(img.data.length);
  b.forEach((p, c) => data.set(p, c * p.length));
  return { width: img.width, height: img.height, data };
}

/** `base` with the hole's pixels taken from `fill`. */
export function composite(base: RgbImage, fill: RgbImage, mask: Mask): RgbImage {
  const n = base.width * base.height;
  const data = base.data.slice();
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++) if (mask.data[i]) data[c * n + i] = fill.data[c * n + i];
  return { width: base.width, height: base.height, data };
}

/** The truth blurred by σ 3 in the hole: a blurry fill with the right colours. */
export function blurFill(truth: RgbImage, mask: Mask): RgbImage {
  return composite(truth, blurred(truth, 3), mask);
}

/**
 * The bland colour defect, per pixel in CIELab: chroma × `saturation`, hue + 15°, L + 6.
 */
export function bland(img: RgbImage, saturation = 0.55): RgbImage {
  const n = img.width * img.height;
  const data = new Float32Array(3 * n);
  const t = new Float64Array(3);
  const cos = Math.cos(Math.PI / 12);
  const sin = Math.sin(Math.PI / 12);
  for (let i = 0; i < n; i++) {
    srgbToLab(img.data[i], img.data[n + i], img.data[2 * n + i], t, 0);
    const a = (t[1] * cos - t[2] * sin) * saturation;
    const b = (t[1] * sin + t[2] * cos) * saturation;
    labToSrgb(Math.min(100, t[0] + 6), a, b, t, 0);
    for (let c = 0; c < 3; c++) data[c * n + i] = Math.min(1, Math.max(0, t[c]));
  }
  return { width: img.width, height: img.height, data };
}

/** The blurred truth with the bland defect in the hole. */
export function blandFill(truth: RgbImage, mask: Mask): RgbImage {
  return composite(truth, bland(blurred(truth, 3)), mask);
}

/** The truth with its hole's outer `band` px lightened by `lift` (sRGB): a visible outline. */
export function outlined(truth: RgbImage, mask: Mask, band = 3, lift = 0.1): RgbImage {
  const { width: W, height: H } = truth;
  const n = W * H;
  const data = truth.data.slice();
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!mask.data[i]) continue;
      let near = false;
      for (let dy = -band; dy <= band && !near; dy++)
        for (let dx = -band; dx <= band && !near; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          near = xx >= 0 && yy >= 0 && xx < W && yy < H && !mask.data[yy * W + xx];
        }
      if (near) for (let c = 0; c < 3; c++) data[c * n + i] = Math.min(1, data[c * n + i] + lift);
    }
  return { width: W, height: H, data };
}

/**
 * S: mean CIEDE2000 between the σ 4 Gaussian low-passes of `result` and `truth` over the hole (on a crop
 * with a 32 px margin), as the corrections benchmark measures it.
 */
export function lowPassError(result: RgbImage, truth: RgbImage, mask: Mask): number {
  const rect = expandRect(maskBoundingBox(mask)!, 32, mask.width, mask.height);
  const m: Mask = { width: rect.width, height: rect.height, data: new Uint8Array(rect.width * rect.height) };
  for (let y = 0; y < rect.height; y++)
    for (let x = 0; x < rect.width; x++)
      m.data[y * rect.width + x] = mask.data[(rect.y + y) * mask.width + rect.x + x];
  return meanCiede2000(blurred(cropImage(result, rect), 4), blurred(cropImage(truth, rect), 4), m);
}
