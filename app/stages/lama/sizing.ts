/**
 * Sizing helpers of the LaMa stage: the scale at which a crop fits a fill engine, the working and padded
 * sizes, and the padding itself.
 */
import type { Rect } from '../../common/params';
import type { Mask, RgbImage } from '../../image/types';

/** What sizing needs to know of a fill engine (a model adapter or the embedded fill). */
export interface FillerGeometry {
  /** Square input the engine requires, or null when it takes any size. */
  readonly fixedSize: number | null;
  /** Engines without a fixed size: padded sizes are multiples of this (1 = no padding). */
  readonly multiple: number;
  /** Engines without a fixed size: the longest side a pass may have (null = no limit, full resolution). */
  readonly limit: number | null;
}

/** The longest side a pass of this engine takes, or null when it takes any size. */
export function engineSide(g: FillerGeometry): number | null {
  return g.fixedSize ?? g.limit;
}

/**
 * The largest scale <= 1 at which a width x height crop fits the engine (1 when the engine takes any
 * size or the crop already fits).
 */
export function fitScale(width: number, height: number, g: FillerGeometry): number {
  const side = engineSide(g);
  return side === null ? 1 : Math.min(1, side / Math.max(width, height));
}

/** The size a rect has at `scale` (>= 1 pixel each way). */
export function workingSize(rect: Rect, scale: number): { width: number; height: number } {
  if (scale === 1) return { width: rect.width, height: rect.height };
  return {
    width: Math.max(1, Math.round(rect.width * scale)),
    height: Math.max(1, Math.round(rect.height * scale)),
  };
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/** What the engine receives for a working size: the fixed square, or the size rounded up to the multiple. */
export function paddedSize(
  width: number,
  height: number,
  g: FillerGeometry,
): { width: number; height: number } {
  if (g.fixedSize !== null) return { width: g.fixedSize, height: g.fixedSize };
  const m = Math.max(1, g.multiple);
  return { width: roundUp(width, m), height: roundUp(height, m) };
}

/** Index of the mirror image of i in [0, n) (reflection without repeating the edge pixel). */
function mirrorIndex(n: number): (i: number) => number {
  if (n === 1) return () => 0;
  const p = 2 * (n - 1);
  return (i) => {
    const k = i % p;
    return k >= n ? p - k : k;
  };
}

/** Pads by mirroring the image at its right and bottom edges (a mirror hides the padding from the model). */
export function padImage(img: RgbImage, width: number, height: number): RgbImage {
  if (width === img.width && height === img.height) return img;
  const out = new Float32Array(width * height * 3);
  const mx = mirrorIndex(img.width);
  const my = mirrorIndex(img.height);
  const xs = new Int32Array(width);
  for (let x = 0; x < width; x++) xs[x] = mx(x);
  for (let c = 0; c < 3; c++) {
    const sb = c * img.width * img.height;
    const db = c * width * height;
    for (let y = 0; y < height; y++) {
      const sr = sb + my(y) * img.width;
      const dr = db + y * width;
      for (let x = 0; x < width; x++) out[dr + x] = img.data[sr + xs[x]];
    }
  }
  return { width, height, data: out };
}

/**
 * Pads a mask by mirroring it like padImage: the mirrored copy of a hole is a hole too, so that the
 * mirrored content under a hole touching the right or bottom edge (the object being removed) is never
 * shown to the model as known context.
 */
export function padMask(mask: Mask, width: number, height: number): Mask {
  if (width === mask.width && height === mask.height) return mask;
  const out = new Uint8Array(width * height);
  const mx = mirrorIndex(mask.width);
  const my = mirrorIndex(mask.height);
  for (let y = 0; y < height; y++) {
    const sr = my(y) * mask.width;
    const dr = y * width;
    out.set(mask.data.subarray(sr, sr + mask.width), dr);
    for (let x = mask.width; x < width; x++) out[dr + x] = mask.data[sr + mx(x)];
  }
  return { width, height, data: out };
}
