/**
 * Filling one crop of the image with a fill engine: every sizing strategy goes through here. The crop
 * is cut out, resized to the working scale when the engine needs it, the hole dilated for the model,
 * padded to what the engine accepts, run, unpadded; the fill comes back at the working scale and only
 * the parts the composite asks for (the hole's tiles) are brought back to full resolution.
 */
import { StudioError } from '../../../common/errors';
import type { Rect } from '../../../common/params';
import { cropImage, cropMask } from '../../../image/crop';
import { growMask } from '../../../image/morphology';
import { resampleRegion } from '../../../image/resampleRegion';
import { resizeImage, resizeMask } from '../../../image/resize';
import type { Mask, RgbImage } from '../../../image/types';
import type { FillSource } from '../composite';
import { padImage, padMask, paddedSize, workingSize, type FillerGeometry } from '../sizing';

/** A fill engine: a model adapter or the embedded fill, behind one shape. */
export interface Filler extends FillerGeometry {
  /** What runs, for messages: "generated-lama-fixed-rgb (lama-fixed-rgb)", "embedded patchmatch fill". */
  readonly label: string;
  /** Dilation of the hole the engine sees, in full-resolution pixels (scaled with the crop). */
  readonly dilate: number;
  /**
   * Fills `mask` (1 = hole) in `image`, which has a size the engine accepts (see paddedSize). Returns the
   * engine's output at the same size; hole pixels hold the fill, other pixels may differ from the input.
   */
  run(
    image: RgbImage,
    mask: Mask,
    signal: AbortSignal,
    onProgress?: (step: number, total: number) => void,
  ): Promise<RgbImage>;
  /**
   * Most inputs one call of `runBatch` takes (absent or 1: the engine runs one input per call;
   * Infinity: a model whose batch dimension is dynamic).
   */
  readonly maxBatch?: number;
  /**
   * Fills several inputs of one size (a size the engine accepts) in one call: what `run` gives for
   * each, in order. Present when maxBatch > 1.
   */
  runBatch?(images: readonly RgbImage[], masks: readonly Mask[], signal: AbortSignal): Promise<RgbImage[]>;
}

/** Whether the engine can fill more than one input per call. */
export function canBatch(filler: Filler): boolean {
  return (filler.maxBatch ?? 1) > 1 && filler.runBatch !== undefined;
}

/** The crop as the engine sees it before padding. */
export interface CropInput {
  image: RgbImage;
  /** The hole at the working scale, dilated by filler.dilate * scale. */
  hole: Mask;
}

/** A crop's fill at its working scale. */
export interface CropFill {
  /** The crop, in image pixels. */
  rect: Rect;
  /** Working scale: the fill is rect's size times scale (rounded). */
  scale: number;
  /** The fill at the working scale (the engine's output, unpadded). */
  image: RgbImage;
}

function isWhole(rect: Rect, width: number, height: number): boolean {
  return rect.x === 0 && rect.y === 0 && rect.width === width && rect.height === height;
}

/**
 * Cuts `rect` out of the image and the hole and brings them to `scale` (area averaging; the hole resized
 * conservatively, so no hole pixel is lost), then dilates the hole by `dilate * scale`.
 * @param scale in (0, 1]
 */
export function prepareCrop(
  image: RgbImage,
  hole: Mask,
  rect: Rect,
  scale: number,
  dilate: number,
): CropInput {
  const whole = isWhole(rect, image.width, image.height);
  const img0 = whole ? image : cropImage(image, rect);
  const hole0 = whole ? hole : cropMask(hole, rect);
  const { width, height } = workingSize(rect, scale);
  const same = width === rect.width && height === rect.height;
  const img = same ? img0 : resizeImage(img0, width, height);
  const small = same ? hole0 : resizeMask(hole0, width, height);
  const d = dilate * scale;
  return { image: img, hole: d > 0 ? growMask(small, d) : small };
}

/** Pads the input to what the engine accepts (mirrored), runs it, and crops the padding off its output. */
export async function runFiller(
  filler: Filler,
  image: RgbImage,
  mask: Mask,
  signal: AbortSignal,
  onProgress?: (step: number, total: number) => void,
): Promise<RgbImage> {
  const padded = paddedSize(image.width, image.height, filler);
  const out = await filler.run(
    padImage(image, padded.width, padded.height),
    padMask(mask, padded.width, padded.height),
    signal,
    onProgress,
  );
  if (out.width === image.width && out.height === image.height) return out;
  return cropImage(out, { x: 0, y: 0, width: image.width, height: image.height });
}

/**
 * runFiller for several inputs that pad to one size, in one engine call (one input: `run`).
 * @throws StudioError INTERNAL when they pad to different sizes or the engine cannot batch them
 */
export async function runFillerBatch(
  filler: Filler,
  inputs: readonly CropInput[],
  signal: AbortSignal,
): Promise<RgbImage[]> {
  if (inputs.length === 1) return [await runFiller(filler, inputs[0].image, inputs[0].hole, signal)];
  const padded = paddedSize(inputs[0].image.width, inputs[0].image.height, filler);
  for (const { image } of inputs) {
    const p = paddedSize(image.width, image.height, filler);
    if (p.width !== padded.width || p.height !== padded.height) {
      throw new StudioError(
        'INTERNAL',
        `A batch of ${filler.label} mixes padded sizes ${padded.width}x${padded.height} and ${p.width}x${p.height}`,
      );
    }
  }
  if (!canBatch(filler) || inputs.length > (filler.maxBatch ?? 1)) {
    throw new StudioError('INTERNAL', `${filler.label} cannot take ${inputs.length} inputs in one call`);
  }
  const outs = await filler.runBatch!(
    inputs.map((c) => padImage(c.image, padded.width, padded.height)),
    inputs.map((c) => padMask(c.hole, padded.width, padded.height)),
    signal,
  );
  return outs.map((out, k) => {
    const { width, height } = inputs[k].image;
    if (out.width === width && out.height === height) return out;
    return cropImage(out, { x: 0, y: 0, width, height });
  });
}

/**
 * Fills one crop at one scale: one engine call.
 * @param rect whole pixels inside the image
 * @param scale in (0, 1]; the working size must fit the engine (see fitScale)
 * @throws what the engine throws (INFERENCE, CANCELLED, ...)
 */
export async function fillCrop(
  image: RgbImage,
  hole: Mask,
  rect: Rect,
  scale: number,
  filler: Filler,
  signal: AbortSignal,
  onProgress?: (step: number, total: number) => void,
): Promise<CropFill> {
  const input = prepareCrop(image, hole, rect, scale, filler.dilate);
  const out = await runFiller(filler, input.image, input.hole, signal, onProgress);
  return { rect, scale, image: out };
}

/**
 * The fill's values for rectangles of the image (inside the crop): copied at scale 1, otherwise
 * bicubic-resampled from the working scale, only where asked.
 */
export function cropFillSource(fill: CropFill): FillSource {
  const { rect: crop, image } = fill;
  const native = image.width === crop.width && image.height === crop.height;
  return (r) => {
    const local = { x: r.x - crop.x, y: r.y - crop.y, width: r.width, height: r.height };
    return native ? cropImage(image, local) : resampleRegion(image, crop.width, crop.height, local);
  };
}
