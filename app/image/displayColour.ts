/**
 * Display copies in sRGB. An image loaded in its own RGB profile (meta.pixelsInIcc: Display P3, Adobe
 * RGB...) keeps those values for processing and export, but the editor draws sRGB, so its previews are
 * converted. The conversion is sharp's (LittleCMS, perceptual), sampled once per profile on a 33^3 grid
 * when the image is loaded (prepareDisplay, 16-bit) and applied to each preview by trilinear interpolation,
 * so progress previews stay synchronous and cheap (mean error under 0.5/255 against sharp's direct 8-bit
 * conversion, a few levels at most at the gamut's edge).
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { planarToRgba8 } from './convert';
import { embedPngMetadata } from './embedMetadata';
import { isSrgbProfile } from './iccProfile';
import type { ImageMeta, RgbImage } from './types';

const N = 33;
const MAX_PROFILES = 8;
/** Profile hash -> N^3 sRGB triples, 0..1, red varying fastest, then green, then blue. */
const luts = new Map<string, Float32Array>();

const keyOf = (icc: Buffer) => createHash('sha256').update(icc).digest('hex');

/** The profile whose values need converting for display, or undefined when they are sRGB already. */
function displayProfile(meta: ImageMeta | undefined): Buffer | undefined {
  return meta?.pixelsInIcc && meta.icc && !isSrgbProfile(meta.icc) ? meta.icc : undefined;
}

/**
 * Samples sharp's conversion from the image's profile to sRGB, once per profile (kept for the last 8
 * profiles), so displayRgba8 can convert its previews. Does nothing for sRGB values.
 * @throws Error when sharp cannot use the profile (the loader has already decoded with it, so unexpected).
 */
export async function prepareDisplay(meta: ImageMeta): Promise<void> {
  const icc = displayProfile(meta);
  if (!icc) return;
  const key = keyOf(icc);
  if (luts.has(key)) return;
  const grid = new Uint16Array(N * N * N * 3);
  for (let b = 0, o = 0; b < N; b++) {
    for (let g = 0; g < N; g++) {
      for (let r = 0; r < N; r++, o += 3) {
        grid[o] = Math.round((r * 65535) / (N - 1));
        grid[o + 1] = Math.round((g * 65535) / (N - 1));
        grid[o + 2] = Math.round((b * 65535) / (N - 1));
      }
    }
  }
  const png = await sharp(grid, { raw: { width: N * N, height: N, channels: 3 } })
    .toColourspace('rgb16')
    .png({ compressionLevel: 0 })
    .toBuffer();
  const out = await sharp(embedPngMetadata(png, { icc }))
    .withIccProfile('srgb', { attach: false }) // 16-bit: sharp's processing space is P3, not sRGB
    .toColourspace('rgb16')
    .raw({ depth: 'ushort' })
    .toBuffer();
  const samples = new Uint16Array(out.buffer, out.byteOffset, out.length / 2);
  const lut = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) lut[i] = samples[i] / 65535;
  luts.set(key, lut);
  while (luts.size > MAX_PROFILES) luts.delete(luts.keys().next().value!);
}

/** `image` converted to sRGB by a prepared table, or unchanged when none applies. */
export function toDisplaySrgb(image: RgbImage, meta: ImageMeta | undefined): RgbImage {
  const icc = displayProfile(meta);
  const lut = icc && luts.get(keyOf(icc));
  if (!lut) return image;
  const n = image.width * image.height;
  const d = image.data;
  const out = new Float32Array(n * 3);
  const s = N - 1;
  const stride = [3, 3 * N, 3 * N * N];
  for (let i = 0; i < n; i++) {
    const x = Math.min(s, Math.max(0, d[i] * s));
    const y = Math.min(s, Math.max(0, d[n + i] * s));
    const z = Math.min(s, Math.max(0, d[2 * n + i] * s));
    const x0 = Math.min(s - 1, Math.floor(x));
    const y0 = Math.min(s - 1, Math.floor(y));
    const z0 = Math.min(s - 1, Math.floor(z));
    const fx = x - x0;
    const fy = y - y0;
    const fz = z - z0;
    const base = x0 * stride[0] + y0 * stride[1] + z0 * stride[2];
    for (let c = 0; c < 3; c++) {
      const p = base + c;
      const c00 = lut[p] + (lut[p + stride[0]] - lut[p]) * fx;
      const c10 = lut[p + stride[1]] + (lut[p + stride[1] + stride[0]] - lut[p + stride[1]]) * fx;
      const q = p + stride[2];
      const c01 = lut[q] + (lut[q + stride[0]] - lut[q]) * fx;
      const c11 = lut[q + stride[1]] + (lut[q + stride[1] + stride[0]] - lut[q + stride[1]]) * fx;
      const c0 = c00 + (c10 - c00) * fy;
      const c1 = c01 + (c11 - c01) * fy;
      out[c * n + i] = c0 + (c1 - c0) * fz;
    }
  }
  return { width: image.width, height: image.height, data: out };
}

/**
 * RGBA8 bytes of `image` for display: planarToRgba8 of its sRGB rendering (toDisplaySrgb with the table
 * prepareDisplay made for `meta`'s profile; values already sRGB are written as they are).
 */
export function displayRgba8(
  image: RgbImage,
  alpha: Float32Array | undefined,
  meta?: ImageMeta,
): ArrayBuffer {
  return planarToRgba8(toDisplaySrgb(image, meta), alpha);
}
