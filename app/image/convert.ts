/**
 * Conversions between the interleaved integer samples that codecs speak (8-bit 0..255, 16-bit 0..65535)
 * and the engine's planar Float32Array planes (0..1). Used by load.ts and save.ts.
 */
import { StudioError } from '../common/errors';
import type { RgbImage } from './types';
import { createImage } from './types';

export type Samples = Uint8Array | Uint16Array;

/** Largest sample value for a bit depth: 255 or 65535. */
export function maxSample(bitDepth: 8 | 16): number {
  return bitDepth === 16 ? 65535 : 255;
}

/**
 * Splits interleaved samples into RGB planes and, for 2 or 4 channels, an alpha plane.
 * 1 channel is grey (copied into R, G and B), 2 grey+alpha, 3 RGB, 4 RGBA.
 * Values are divided by 255 (Uint8Array) or 65535 (Uint16Array), so the result is 0..1 exactly.
 * @throws StudioError INTERNAL when `channels` is not 1..4 or the sample count does not match the size.
 */
export function interleavedToPlanar(
  samples: Samples,
  width: number,
  height: number,
  channels: number,
): { image: RgbImage; alpha?: Float32Array } {
  const n = width * height;
  if (!Number.isInteger(channels) || channels < 1 || channels > 4) {
    throw new StudioError('INTERNAL', `Cannot convert ${channels}-channel samples; expected 1 to 4 channels`);
  }
  if (samples.length !== n * channels) {
    throw new StudioError(
      'INTERNAL',
      `Sample buffer has ${samples.length} values; ${width}x${height} with ${channels} channels needs ${n * channels}`,
    );
  }
  const scale = 1 / (samples instanceof Uint16Array ? 65535 : 255);
  const data = new Float32Array(n * 3);
  const hasAlpha = channels === 2 || channels === 4;
  const alpha = hasAlpha ? new Float32Array(n) : undefined;
  const colourChannels = hasAlpha ? channels - 1 : channels;
  if (colourChannels === 1) {
    for (let i = 0, s = 0; i < n; i++, s += channels) {
      const v = samples[s] * scale;
      data[i] = v;
      data[n + i] = v;
      data[2 * n + i] = v;
      if (alpha) alpha[i] = samples[s + 1] * scale;
    }
  } else {
    for (let i = 0, s = 0; i < n; i++, s += channels) {
      data[i] = samples[s] * scale;
      data[n + i] = samples[s + 1] * scale;
      data[2 * n + i] = samples[s + 2] * scale;
      if (alpha) alpha[i] = samples[s + 3] * scale;
    }
  }
  return alpha
    ? { image: createImage(width, height, data), alpha }
    : { image: createImage(width, height, data) };
}

/**
 * Interleaves RGB planes (and an optional alpha plane) into 8-bit or 16-bit samples: 3 channels, or 4 with
 * alpha. Values are clamped to 0..1 and rounded to the nearest sample; NaN becomes 0.
 * @throws StudioError INTERNAL when the alpha plane's length is not width*height.
 */
export function planarToInterleaved(
  image: RgbImage,
  alpha: Float32Array | undefined,
  bitDepth: 8 | 16,
): Samples {
  const n = image.width * image.height;
  if (alpha && alpha.length !== n) {
    throw new StudioError(
      'INTERNAL',
      `Alpha plane has ${alpha.length} values; ${image.width}x${image.height} needs ${n}`,
    );
  }
  const channels = alpha ? 4 : 3;
  const max = maxSample(bitDepth);
  const out = bitDepth === 16 ? new Uint16Array(n * channels) : new Uint8Array(n * channels);
  const d = image.data;
  for (let i = 0, s = 0; i < n; i++, s += channels) {
    out[s] = toSample(d[i], max);
    out[s + 1] = toSample(d[n + i], max);
    out[s + 2] = toSample(d[2 * n + i], max);
    if (alpha) out[s + 3] = toSample(alpha[i], max);
  }
  return out;
}

function toSample(v: number, max: number): number {
  // `v > 0` is false for NaN, so NaN lands on 0.
  return v > 0 ? (v < 1 ? Math.round(v * max) : max) : 0;
}

/**
 * 8-bit RGBA for display (row-major, 4 bytes per pixel), as an ArrayBuffer that can be transferred.
 * Alpha comes from the plane when given, else 255.
 */
export function planarToRgba8(image: RgbImage, alpha?: Float32Array): ArrayBuffer {
  const n = image.width * image.height;
  const out = new Uint8Array(n * 4);
  const d = image.data;
  for (let i = 0, s = 0; i < n; i++, s += 4) {
    out[s] = toSample(d[i], 255);
    out[s + 1] = toSample(d[n + i], 255);
    out[s + 2] = toSample(d[2 * n + i], 255);
    out[s + 3] = alpha ? toSample(alpha[i], 255) : 255;
  }
  return out.buffer;
}
