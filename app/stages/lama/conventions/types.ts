/**
 * Inpainting model conventions. Model families differ in layout (one 4-channel input or image + mask),
 * colour order, value ranges, dtypes and sizing. An adapter per convention is chosen from the model's
 * own metadata at load; nothing is hard-coded to one file.
 */
import type { ConventionId } from '../../../../native-models/conventionId';
import { readingText } from '../../../common/lamaInfoText';
import type { PixelReading } from '../../../common/stageInfo';
import type { Mask, RgbImage } from '../../../image/types';

export type { ConventionId };

/**
 * How the engine reads a model of a convention: the colour order of its image planes (in and out),
 * the range of its output, and whether its mask means the opposite of the convention's. Each
 * convention has a default (defaultReading); the self-check (selfCheck.ts) may find another.
 */
export type Reading = PixelReading;

/** The reading each convention's documentation gives (see the ConventionId comments). */
export function defaultReading(convention: ConventionId): Reading {
  switch (convention) {
    case 'lama-fixed-rgb':
      return { order: 'RGB', outputScale: 255, maskInverted: false };
    case 'lama-fixed-bgr':
      return { order: 'BGR', outputScale: 255, maskInverted: false };
    case 'lama-dynamic-4ch':
      return { order: 'RGB', outputScale: 1, maskInverted: false };
    case 'migan':
      return { order: 'RGB', outputScale: 255, maskInverted: false };
  }
}

/** `RGB, output 0..255, mask as documented` (for messages; the stage's info carries the Reading). */
export const describeReading = readingText;

export interface InpaintAdapter {
  readonly convention: ConventionId;
  /** How the model's tensors are read and written (colour order, output range, mask polarity). */
  readonly reading: Reading;
  /** Square input size the model requires, or null when it takes any size. */
  readonly fixedSize: number | null;
  /** For models without a fixed size: height and width must be multiples of this (1 = any). */
  readonly multiple: number;
  /** The batch dimension the model's inputs declare: a symbolic name (any batch) or the fixed size 1. */
  readonly batchDim: number | string;
  /**
   * Whether one call may take several images (runBatch with more than one): true when the batch
   * dimension of every input, and of the output where it is declared, is symbolic.
   */
  readonly dynamicBatch: boolean;
  /** Why one image per call although the batch dimension is symbolic (e.g. MI-GAN), for messages. */
  readonly batchReason?: string;
  /**
   * Runs the model on an image whose size the model accepts (fixedSize x fixedSize, or multiples of
   * `multiple`). Mask 1 = hole. Returns the model's fill as sRGB 0..1 at the same size (not composited).
   * @throws StudioError INFERENCE when the run fails, CANCELLED when the signal fires.
   */
  run(image: RgbImage, mask: Mask, signal?: AbortSignal): Promise<RgbImage>;
  /**
   * Runs the model once on several images of one size (stacked along the batch dimension) and
   * returns one fill per image, in order: what `run` gives for each, in one call.
   * @throws StudioError INTERNAL for more than one image when dynamicBatch is false, for images of
   *   different sizes, or none; INFERENCE, CANCELLED as run.
   */
  runBatch(images: readonly RgbImage[], masks: readonly Mask[], signal?: AbortSignal): Promise<RgbImage[]>;
}
