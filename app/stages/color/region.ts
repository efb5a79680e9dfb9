/**
 * The region a colour method works on: the hole's pixels packed in row-major order, their colours in the
 * working space (planar: channel c of pixel k at c * stride + k, stride = n rounded up to a multiple of 4
 * for the SIMD kernels), their 4-neighbours inside the hole (the grid the
 * gradient, orientation and TV terms use: pairs with one pixel outside the hole are left to the border
 * term), and, for the border term, how many untouched 4-neighbours each has and the sum of their colours.
 */
import { StudioError } from '../../common/errors';
import type { Mask, RgbImage } from '../../image/types';
import { SpaceConverter, type WorkingSpace } from './colorSpace';
import { maskBoundingBox } from '../../image/crop';

export interface Region {
  /** Number of hole pixels. */
  n: number;
  /** Plane stride of u, outSum and every colour array over the region: n rounded up to a multiple of 4. */
  stride: number;
  width: number;
  height: number;
  /** Image index (y * width + x) of each region pixel, increasing. */
  pixels: Int32Array;
  /** Region index of the right / lower neighbour when it is in the hole, else -1. */
  right: Int32Array;
  down: Int32Array;
  /** Number of 4-neighbours inside the image and outside the hole (0..4). */
  outCount: Uint8Array;
  /** Sum of those neighbours' working colours (planar, 3 * stride). */
  outSum: Float32Array;
  /** Sum of their squared norms (n), for the border energy's constant. */
  outSq: Float64Array;
  /** The current image's colours in the region, working space (planar, 3 * stride; padding is 0). */
  u: Float32Array;
}

/**
 * Packs the hole of `mask` over `image` (converted to `space`).
 * @throws StudioError MASK_SIZE when the sizes differ; INTERNAL when the mask has no hole.
 */
export function buildRegion(
  image: RgbImage,
  mask: Mask,
  space: WorkingSpace,
  conv: SpaceConverter = new SpaceConverter(space),
): Region {
  const { width, height } = image;
  if (mask.width !== width || mask.height !== height) {
    throw new StudioError(
      'MASK_SIZE',
      `The mask is ${mask.width}x${mask.height} but the image is ${width}x${height}; they must be the same size`,
    );
  }
  const box = maskBoundingBox(mask);
  if (!box) throw new StudioError('INTERNAL', 'The colour stage was given an empty hole');
  // Region index of each pixel of the hole's bounding box (-1 outside the hole).
  const local = new Int32Array(box.width * box.height).fill(-1);
  let n = 0;
  for (let y = 0; y < box.height; y++) {
    const row = (box.y + y) * width + box.x;
    for (let x = 0; x < box.width; x++) if (mask.data[row + x]) local[y * box.width + x] = n++;
  }
  const stride = Math.ceil(n / 4) * 4;
  const pixels = new Int32Array(n);
  const right = new Int32Array(n);
  const down = new Int32Array(n);
  const outCount = new Uint8Array(n);
  const outSum = new Float32Array(3 * stride);
  const outSq = new Float64Array(n);
  const u = new Float32Array(3 * stride);
  const plane = width * height;
  const d = image.data;
  const tmp = new Float64Array(3);
  const addOutside = (k: number, j: number) => {
    conv.toWorking(d[j], d[plane + j], d[2 * plane + j], tmp, 0);
    outCount[k]++;
    outSum[k] += tmp[0];
    outSum[stride + k] += tmp[1];
    outSum[2 * stride + k] += tmp[2];
    outSq[k] += tmp[0] * tmp[0] + tmp[1] * tmp[1] + tmp[2] * tmp[2];
  };
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const k = local[y * box.width + x];
      if (k < 0) continue;
      const gx = box.x + x;
      const gy = box.y + y;
      const i = gy * width + gx;
      pixels[k] = i;
      conv.toWorking(d[i], d[plane + i], d[2 * plane + i], tmp, 0);
      u[k] = tmp[0];
      u[stride + k] = tmp[1];
      u[2 * stride + k] = tmp[2];
      right[k] = x + 1 < box.width ? local[y * box.width + x + 1] : -1;
      down[k] = y + 1 < box.height ? local[(y + 1) * box.width + x] : -1;
      if (gx > 0 && !mask.data[i - 1]) addOutside(k, i - 1);
      if (gx + 1 < width && !mask.data[i + 1]) addOutside(k, i + 1);
      if (gy > 0 && !mask.data[i - width]) addOutside(k, i - width);
      if (gy + 1 < height && !mask.data[i + width]) addOutside(k, i + width);
    }
  }
  return { n, stride, width, height, pixels, right, down, outCount, outSum, outSq, u };
}

/**
 * Writes the region's working colours w (planar, region.stride) into `target` in place (sRGB, clamped to
 * 0..1); no other pixel is touched.
 */
export function writeRegionInto(
  target: RgbImage,
  region: Region,
  w: Float32Array,
  space: WorkingSpace,
  conv: SpaceConverter = new SpaceConverter(space),
): void {
  const data = target.data;
  const plane = target.width * target.height;
  const tmp = new Float64Array(3);
  const s = region.stride;
  for (let k = 0; k < region.n; k++) {
    conv.toSrgb(w[k], w[s + k], w[2 * s + k], tmp, 0);
    const i = region.pixels[k];
    for (let c = 0; c < 3; c++) {
      const v = tmp[c];
      data[c * plane + i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
}

/**
 * A copy of `image` with the region's working colours w written in (see writeRegionInto). Pixels outside
 * the hole are copied bit for bit.
 */
export function writeRegion(image: RgbImage, region: Region, w: Float32Array, space: WorkingSpace): RgbImage {
  const out = { width: image.width, height: image.height, data: image.data.slice() };
  writeRegionInto(out, region, w, space);
  return out;
}
