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

/**
 * The images of one batched call: at least one, all of one size, each accepted by the model
 * (see checkSize), as many masks as images; more than one only when the model takes a batch
 * (`oneReason` says why it does not, in the message).
 * @throws StudioError INTERNAL otherwise (the caller groups and pads before calling an adapter);
 *   MASK_SIZE when an image and its mask differ.
 */
export function checkBatch(
  convention: string,
  images: readonly RgbImage[],
  masks: readonly Mask[],
  fixedSize: number | null,
  multiple: number,
  dynamicBatch: boolean,
  oneReason = 'its batch dimension is fixed',
): void {
  if (images.length === 0 || images.length !== masks.length) {
    throw new StudioError(
      'INTERNAL',
      `The ${convention} model was given ${images.length} images and ${masks.length} masks; a call takes one mask per image and at least one image`,
    );
  }
  if (images.length > 1 && !dynamicBatch) {
    throw new StudioError(
      'INTERNAL',
      `The ${convention} model takes one image per call (${oneReason}) but was given ${images.length}`,
    );
  }
  const { width, height } = images[0];
  for (let k = 0; k < images.length; k++) {
    checkSize(convention, images[k], masks[k], fixedSize, multiple);
    if (images[k].width !== width || images[k].height !== height) {
      throw new StudioError(
        'INTERNAL',
        `The ${convention} model was given a batch of images of different sizes (${width}x${height} and ${images[k].width}x${images[k].height})`,
      );
    }
  }
}

/**
 * Writes an image's 3 planes in `order` into `dst` at `offset` (float32, values as given); with
 * `mask`, hole pixels are 0.
 */
export function writeImageF32(
  dst: Float32Array,
  offset: number,
  image: RgbImage,
  order: ColorOrder,
  mask?: Mask,
): void {
  const n = image.width * image.height;
  const src = planeOrder(order);
  for (let c = 0; c < 3; c++) {
    const s = image.data.subarray(src[c] * n, src[c] * n + n);
    const o = offset + c * n;
    if (mask) {
      const m = mask.data;
      for (let i = 0; i < n; i++) dst[o + i] = m[i] ? 0 : s[i];
    } else {
      dst.set(s, o);
    }
  }
}

/** float32 [N,3,H,W] of N images of one size, planes in `order`; with `masks`, hole pixels are 0. */
export function imageBatchF32(
  images: readonly RgbImage[],
  order: ColorOrder,
  masks?: readonly Mask[],
): TensorValue {
  const { width, height } = images[0];
  const n = width * height;
  const data = new Float32Array(images.length * 3 * n);
  images.forEach((img, k) => writeImageF32(data, k * 3 * n, img, order, masks?.[k]));
  return { dtype: 'float32', dims: [images.length, 3, height, width], data };
}

/** float32 [1,3,H,W], planes in `order`, values 0..1 as given; with `mask`, hole pixels are 0. */
export function imageTensorF32(image: RgbImage, order: ColorOrder, mask?: Mask): TensorValue {
  return imageBatchF32([image], order, mask ? [mask] : undefined);
}

/** uint8 [N,3,H,W] of N images of one size, planes in `order` (default RGB), round(v*255) clamped. */
export function imageBatchU8(images: readonly RgbImage[], order: ColorOrder = 'RGB'): TensorValue {
  const { width, height } = images[0];
  const n = width * height;
  const per = 3 * n;
  const src = planeOrder(order);
  const data = new Uint8Array(images.length * per);
  images.forEach((img, k) => {
    for (let c = 0; c < 3; c++) {
      const from = img.data.subarray(src[c] * n, src[c] * n + n);
      const o = k * per + c * n;
      for (let i = 0; i < n; i++) {
        const v = Math.round(from[i] * 255);
        data[o + i] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  });
  return { dtype: 'uint8', dims: [images.length, 3, height, width], data };
}

/** uint8 [1,3,H,W] RGB, round(v*255) clamped. */
export function imageTensorU8(image: RgbImage): TensorValue {
  return imageBatchU8([image]);
}

/** An [N,1,H,W] stack of N masks of one size, of `dtype`, with `hole` at holes and `known` elsewhere. */
export function maskBatch(
  masks: readonly Mask[],
  dtype: 'float32' | 'uint8',
  hole: number,
  known: number,
): TensorValue {
  const { width, height } = masks[0];
  const n = width * height;
  const data = dtype === 'float32' ? new Float32Array(masks.length * n) : new Uint8Array(masks.length * n);
  masks.forEach((mask, k) => {
    const m = mask.data;
    const o = k * n;
    for (let i = 0; i < n; i++) data[o + i] = m[i] ? hole : known;
  });
  return { dtype, dims: [masks.length, 1, height, width], data };
}

/** A [1,1,H,W] mask plane of `dtype` with `hole` at holes and `known` elsewhere. */
export function maskTensor(mask: Mask, dtype: 'float32' | 'uint8', hole: number, known: number): TensorValue {
  return maskBatch([mask], dtype, hole, known);
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
  return readOutputs(outputs, name, model, 1, width, height, order, scale)[0];
}

/**
 * Reads an [N,3,H,W] output (planes in `order`, values in 0..`scale`) as N RGB images 0..1, clamped.
 * @throws StudioError INFERENCE when the output is missing or not [count,3,H,W] of the input's size
 *   (a model that declares a dynamic batch but returns fewer results fails here, not silently).
 */
export function readOutputs(
  outputs: Record<string, TensorValue>,
  name: string,
  model: string,
  count: number,
  width: number,
  height: number,
  order: ColorOrder,
  scale: number,
): RgbImage[] {
  const t = outputs[name];
  const dims = t?.dims ?? [];
  if (
    !t ||
    dims.length !== 4 ||
    dims[0] !== count ||
    dims[1] !== 3 ||
    dims[2] !== height ||
    dims[3] !== width
  ) {
    throw new StudioError(
      'INFERENCE',
      `The model ${model} returned ${t ? `${name} [${dims.join(',')}]` : `no output ${name}`}; expected [${count},3,${height},${width}]`,
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
  const from = planeOrder(order); // the same permutation maps back (it is its own inverse)
  const inv = 1 / scale;
  const images: RgbImage[] = [];
  for (let k = 0; k < count; k++) {
    const out = new Float32Array(3 * n);
    for (let c = 0; c < 3; c++) {
      const so = k * 3 * n + from[c] * n;
      const dOff = c * n;
      for (let i = 0; i < n; i++) {
        const v = src[so + i] * inv;
        out[dOff + i] = v > 0 ? (v < 1 ? v : 1) : 0; // also maps NaN to 0
      }
    }
    images.push(createImage(width, height, out));
  }
  return images;
}
