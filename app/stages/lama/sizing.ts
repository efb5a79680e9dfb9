/** Sizing helpers of the LaMa stage: the model input size for a strategy, and padding to it. */
import type { Mask, RgbImage } from '../../image/types';

export interface ModelGeometry {
  /** Size the image is resized to (== original when scale is 1). */
  width: number;
  height: number;
  /** Size after padding (what the model receives). */
  paddedWidth: number;
  paddedHeight: number;
  scale: number;
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/**
 * @param fixedSize the model's square input, or null for dynamic models
 * @param multiple dynamic models: padded sizes are multiples of this
 * @param longSide dynamic models in resize mode: the longer side is scaled down to this (never up);
 *   null means original size
 */
export function modelGeometry(
  width: number,
  height: number,
  fixedSize: number | null,
  multiple: number,
  longSide: number | null,
): ModelGeometry {
  const limit = fixedSize ?? longSide;
  const scale = limit === null ? 1 : Math.min(1, limit / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const m = Math.max(1, multiple);
  return {
    width: w,
    height: h,
    paddedWidth: fixedSize ?? roundUp(w, m),
    paddedHeight: fixedSize ?? roundUp(h, m),
    scale,
  };
}

/** Pads by mirroring the image at its right and bottom edges (a mirror hides the padding from the model). */
export function padImage(img: RgbImage, width: number, height: number): RgbImage {
  if (width === img.width && height === img.height) return img;
  const out = new Float32Array(width * height * 3);
  const mirror = (i: number, n: number) => {
    if (n === 1) return 0;
    const p = 2 * (n - 1);
    let k = i % p;
    if (k >= n) k = p - k;
    return k;
  };
  const xs = new Int32Array(width);
  for (let x = 0; x < width; x++) xs[x] = mirror(x, img.width);
  for (let c = 0; c < 3; c++) {
    const sb = c * img.width * img.height;
    const db = c * width * height;
    for (let y = 0; y < height; y++) {
      const sr = sb + mirror(y, img.height) * img.width;
      const dr = db + y * width;
      for (let x = 0; x < width; x++) out[dr + x] = img.data[sr + xs[x]];
    }
  }
  return { width, height, data: out };
}

/** Pads a mask with known (0) pixels. */
export function padMask(mask: Mask, width: number, height: number): Mask {
  if (width === mask.width && height === mask.height) return mask;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < mask.height; y++)
    out.set(mask.data.subarray(y * mask.width, (y + 1) * mask.width), y * width);
  return { width, height, data: out };
}
