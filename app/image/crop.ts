/**
 * Rectangles of images and masks: crop, paste back, bounding box of a hole, margin around it.
 * Rectangles are whole pixels: x, y >= 0, width, height >= 1.
 */
import { StudioError } from '../common/errors';
import type { Rect } from '../common/params';
import type { Mask, RgbImage } from './types';
import { createImage, createMask } from './types';
import { nonZeroBox } from './scan';

function describeRect(r: Rect): string {
  return `${r.x},${r.y} ${r.width}x${r.height}`;
}

/** @throws StudioError PARAM_INVALID unless rect is whole pixels, non-empty and inside width x height. */
function checkInside(rect: Rect, width: number, height: number, what: string): void {
  const { x, y, width: w, height: h } = rect;
  const whole = [x, y, w, h].every((v) => Number.isInteger(v));
  if (!whole || x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height) {
    throw new StudioError(
      'PARAM_INVALID',
      `The rectangle ${describeRect(rect)} is not a whole-pixel rectangle inside the ${width}x${height} ${what}`,
    );
  }
}

/**
 * Copies the pixels of `rect` into a new image of rect's size.
 * @throws StudioError PARAM_INVALID when rect is not whole pixels inside the image.
 */
export function cropImage(img: RgbImage, rect: Rect): RgbImage {
  checkInside(rect, img.width, img.height, 'image');
  const { x, y, width: w, height: h } = rect;
  const n = img.width * img.height;
  const m = w * h;
  const out = new Float32Array(m * 3);
  for (let c = 0; c < 3; c++) {
    for (let r = 0; r < h; r++) {
      const from = c * n + (y + r) * img.width + x;
      out.set(img.data.subarray(from, from + w), c * m + r * w);
    }
  }
  return createImage(w, h, out);
}

/**
 * Copies the mask values of `rect` into a new mask of rect's size.
 * @throws StudioError PARAM_INVALID when rect is not whole pixels inside the mask.
 */
export function cropMask(mask: Mask, rect: Rect): Mask {
  checkInside(rect, mask.width, mask.height, 'mask');
  const { x, y, width: w, height: h } = rect;
  const out = new Uint8Array(w * h);
  for (let r = 0; r < h; r++) {
    const from = (y + r) * mask.width + x;
    out.set(mask.data.subarray(from, from + w), r * w);
  }
  return createMask(w, h, out);
}

/**
 * Writes all of `src` into `dst` (in place) with src's top-left corner at (x, y).
 * @throws StudioError PARAM_INVALID when src does not lie entirely inside dst at whole-pixel (x, y).
 */
export function pasteImage(dst: RgbImage, src: RgbImage, x: number, y: number): void {
  checkInside({ x, y, width: src.width, height: src.height }, dst.width, dst.height, 'destination image');
  const n = dst.width * dst.height;
  const m = src.width * src.height;
  for (let c = 0; c < 3; c++) {
    for (let r = 0; r < src.height; r++) {
      const from = c * m + r * src.width;
      dst.data.set(src.data.subarray(from, from + src.width), c * n + (y + r) * dst.width + x);
    }
  }
}

/** Smallest rectangle holding every hole pixel, or null when the mask has no hole (skips empty words). */
export function maskBoundingBox(mask: Mask): Rect | null {
  const b = nonZeroBox(mask.data, mask.width, mask.height);
  return b && { x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0 };
}

/**
 * Grows a rectangle by `margin` whole pixels on every side, clipped to width x height (the context a
 * fill needs around a hole).
 * @throws StudioError PARAM_INVALID when margin is negative or fractional.
 */
export function expandRect(rect: Rect, margin: number, width: number, height: number): Rect {
  if (!Number.isInteger(margin) || margin < 0) {
    throw new StudioError('PARAM_INVALID', `Expected a whole number >= 0 for margin but received ${margin}`);
  }
  const x = Math.max(0, rect.x - margin);
  const y = Math.max(0, rect.y - margin);
  const x1 = Math.min(width, rect.x + rect.width + margin);
  const y1 = Math.min(height, rect.y + rect.height + margin);
  return { x, y, width: x1 - x, height: y1 - y };
}

/** The smallest rectangle holding both. */
export function rectHull(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

/** Interleaved RGB (3 channels) 8- or 16-bit samples of a whole image, as the codecs give them. */
export interface RgbSamples {
  samples: Uint8Array | Uint16Array;
  width: number;
  height: number;
}

/**
 * The float planes (0..1) of `rect` of 3-channel samples: exactly cropImage of the planes loadImage makes
 * (the same division), without making them for the whole image.
 * @throws StudioError PARAM_INVALID when rect is not whole pixels inside the image; INTERNAL when the
 *   samples are not width*height*3.
 */
export function cropSamples(src: RgbSamples, rect: Rect): RgbImage {
  checkSamples(src);
  checkInside(rect, src.width, src.height, 'image');
  const { x, y, width: w, height: h } = rect;
  const { samples, width: W } = src;
  const scale = 1 / (samples instanceof Uint16Array ? 65535 : 255);
  const m = w * h;
  const out = new Float32Array(m * 3);
  for (let r = 0; r < h; r++) {
    for (let k = 0, s = ((y + r) * W + x) * 3, o = r * w; k < w; k++, s += 3, o++) {
      out[o] = samples[s] * scale;
      out[m + o] = samples[s + 1] * scale;
      out[2 * m + o] = samples[s + 2] * scale;
    }
  }
  return createImage(w, h, out);
}

/**
 * Writes the pixels of `part` that `hole` marks (hole: part's size) into the samples at (x, y), rounded to
 * the samples' depth as export rounds planes (clamped to 0..1, NaN to 0); every other sample is left as
 * it is, so outside the hole the samples stay bit-exact.
 * @throws StudioError PARAM_INVALID when part does not lie inside the image at whole-pixel (x, y);
 *   INTERNAL when the samples or the hole do not match their sizes.
 */
export function pasteHoleIntoSamples(
  dst: RgbSamples,
  part: RgbImage,
  hole: Mask,
  x: number,
  y: number,
): void {
  checkSamples(dst);
  checkInside({ x, y, width: part.width, height: part.height }, dst.width, dst.height, 'destination image');
  if (hole.width !== part.width || hole.height !== part.height) {
    throw new StudioError(
      'INTERNAL',
      `The hole is ${hole.width}x${hole.height} but the part is ${part.width}x${part.height}`,
    );
  }
  const { samples, width: W } = dst;
  const max = samples instanceof Uint16Array ? 65535 : 255;
  const m = part.width * part.height;
  const d = part.data;
  for (let r = 0; r < part.height; r++) {
    for (let k = 0, o = r * part.width, s = ((y + r) * W + x) * 3; k < part.width; k++, o++, s += 3) {
      if (!hole.data[o]) continue;
      samples[s] = toSample(d[o], max);
      samples[s + 1] = toSample(d[m + o], max);
      samples[s + 2] = toSample(d[2 * m + o], max);
    }
  }
}

function toSample(v: number, max: number): number {
  // As convert.ts: `v > 0` is false for NaN, so NaN lands on 0.
  return v > 0 ? (v < 1 ? Math.round(v * max) : max) : 0;
}

function checkSamples(s: RgbSamples): void {
  if (s.samples.length !== s.width * s.height * 3) {
    throw new StudioError(
      'INTERNAL',
      `Sample buffer has ${s.samples.length} values; ${s.width}x${s.height} RGB needs ${s.width * s.height * 3}`,
    );
  }
}
