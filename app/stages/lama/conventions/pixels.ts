/**
 * Pixel plumbing shared by the adapters: size checks, planar RGB <-> model tensors (colour order,
 * scaling, quantisation) and reading a model's output back as clamped RGB 0..1.
 */
import { StudioError } from '../../../common/errors';
import { assertSameSize, createImage, type Mask, type RgbImage } from '../../../image/types';
import type { TensorValue } from '../../../ort/types';

export type ColorOrder = 'RGB' | 'BGR';

/**
 * @throws StudioError MASK_SIZE when image and mask differ; INTERNAL when the size is not one the
 *   model accepts (the caller resizes/pads before calling an adapter).
 */
export function checkSize(
  convention: string,
  image: RgbImage,
  mask: Mask,
  fixedSize: number | null,
  multiple: number,
): void {
  assertSameSize(image, mask);
  const { width, height } = image;
  if (fixedSize !== null) {
    if (width !== fixedSize || height !== fixedSize) {
      throw new StudioError(
        'INTERNAL',
        `The ${convention} model takes ${fixedSize}x${fixedSize} input but was given ${width}x${height}`,
      );
    }
  } else if (width % multiple !== 0 || height % multiple !== 0) {
    throw new StudioError(
      'INTERNAL',
      `The ${convention} model takes sizes that are multiples of ${multiple} but was given ${width}x${height}`,
    );
  }
}

/** Source plane of each destination plane for a colour order (RGB planes in, `order` planes out). */
function planeOrder(order: ColorOrder): readonly number[] {
  return order === 'RGB' ? [0, 1, 2] : [2, 1, 0];
}

/** float32 [1,3,H,W], planes in `order`, values 0..1 as given; with `mask`, hole pixels are 0. */
export function imageTensorF32(image: RgbImage, order: ColorOrder, mask?: Mask): TensorValue {
  const n = image.width * image.height;
  const data = new Float32Array(3 * n);
  const src = planeOrder(order);
  for (let c = 0; c < 3; c++) {
    const s = image.data.subarray(src[c] * n, src[c] * n + n);
    if (mask) {
      const m = mask.data;
      for (let i = 0; i < n; i++) data[c * n + i] = m[i] ? 0 : s[i];
    } else {
      data.set(s, c * n);
    }
  }
  return { dtype: 'float32', dims: [1, 3, image.height, image.width], data };
}

/** uint8 [1,3,H,W] RGB, round(v*255) clamped. */
export function imageTensorU8(image: RgbImage): TensorValue {
  const src = image.data;
  const data = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = Math.round(src[i] * 255);
    data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { dtype: 'uint8', dims: [1, 3, image.height, image.width], data };
}

/** A [1,1,H,W] mask plane of `dtype` with `hole` at holes and `known` elsewhere. */
export function maskTensor(mask: Mask, dtype: 'float32' | 'uint8', hole: number, known: number): TensorValue {
  const n = mask.width * mask.height;
  const data = dtype === 'float32' ? new Float32Array(n) : new Uint8Array(n);
  const m = mask.data;
  for (let i = 0; i < n; i++) data[i] = m[i] ? hole : known;
  return { dtype, dims: [1, 1, mask.height, mask.width], data };
}

/**
 * Reads a [1,3,H,W] output (planes in `order`, values in 0..`scale`) as RGB 0..1, clamped.
 * @throws StudioError INFERENCE when the output is missing or not [1,3,H,W] of the input's size.
 */
export function readOutput(
  outputs: Record<string, TensorValue>,
  name: string,
  model: string,
  width: number,
  height: number,
  order: ColorOrder,
  scale: number,
): RgbImage {
  const t = outputs[name];
  const dims = t?.dims ?? [];
  if (!t || dims.length !== 4 || dims[0] !== 1 || dims[1] !== 3 || dims[2] !== height || dims[3] !== width) {
    throw new StudioError(
      'INFERENCE',
      `The model ${model} returned ${t ? `${name} [${dims.join(',')}]` : `no output ${name}`}; expected [1,3,${height},${width}]`,
    );
  }
  if (t.dtype !== 'float32' && t.dtype !== 'uint8') {
    throw new StudioError(
      'INFERENCE',
      `The model ${model} returned ${name} as ${t.dtype}; expected float32 or uint8`,
    );
  }
  const src = t.data as Float32Array | Uint8Array;
  const n = width * height;
  const out = new Float32Array(3 * n);
  const from = planeOrder(order); // the same permutation maps back (it is its own inverse)
  const inv = 1 / scale;
  for (let c = 0; c < 3; c++) {
    const so = from[c] * n;
    const dOff = c * n;
    for (let i = 0; i < n; i++) {
      const v = src[so + i] * inv;
      out[dOff + i] = v > 0 ? (v < 1 ? v : 1) : 0; // also maps NaN to 0
    }
  }
  return createImage(width, height, out);
}
