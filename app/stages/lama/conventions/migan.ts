/**
 * MI-GAN's ONNX pipeline: image uint8 [B,3,H,W] RGB 0..255 + mask uint8 [B,1,H,W] with 255 = known
 * and 0 = hole (the inverse of the engine's mask), any size; output uint8 [B,3,H,W] RGB. The pipeline
 * declares a symbolic B, but its graph works only with B = 1, so the adapter runs one image per call.
 */
import type { Mask, RgbImage } from '../../../image/types';
import type { ModelSession } from '../../../ort/types';
import { checkBatch, imageBatchU8, maskBatch, readOutputs } from './pixels';
import type { Binding } from './signatures';
import { defaultReading, type InpaintAdapter, type Reading } from './types';

/** Why the MI-GAN adapter never batches (messages and the stage's info). */
export const MIGAN_BATCH_REASON =
  "MI-GAN's ONNX pipeline declares a symbolic batch, but its graph works only with batch 1";

export function createMiganAdapter(
  session: ModelSession,
  binding: Binding,
  reading: Reading = defaultReading('migan'),
): InpaintAdapter {
  const { order, outputScale, maskInverted } = reading;
  const [hole, known] = maskInverted ? [255, 0] : [0, 255];
  const runBatch = async (
    images: readonly RgbImage[],
    masks: readonly Mask[],
    signal?: AbortSignal,
  ): Promise<RgbImage[]> => {
    checkBatch('migan', images, masks, null, 1, false, MIGAN_BATCH_REASON);
    const { width, height } = images[0];
    const outputs = await session.run(
      {
        [binding.image]: imageBatchU8(images, order),
        [binding.mask]: maskBatch(masks, 'uint8', hole, known),
      },
      signal,
    );
    return readOutputs(
      outputs,
      binding.output,
      session.source,
      images.length,
      width,
      height,
      order,
      outputScale,
    );
  };
  return {
    convention: 'migan',
    reading,
    fixedSize: null,
    multiple: 1,
    batchDim: binding.batch ?? 1,
    dynamicBatch: false,
    batchReason: MIGAN_BATCH_REASON,
    runBatch,
    async run(image: RgbImage, mask: Mask, signal?: AbortSignal): Promise<RgbImage> {
      return (await runBatch([image], [mask], signal))[0];
    },
  };
}
