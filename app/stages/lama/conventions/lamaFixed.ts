/**
 * Fixed-size LaMa exports: image float32 [1,3,512,512] 0..1 + mask float32 [1,1,512,512], output
 * float32 0..255. 'lama-fixed-rgb' (Carve/LaMa-ONNX) takes RGB and mask 1 = hole;
 * 'lama-fixed-bgr' (OpenCV Zoo) takes BGR, counts mask > 0 as hole, and returns BGR. An export whose
 * batch dimension is symbolic ([N,3,512,512]) takes several images per call.
 */
import type { Mask, RgbImage } from '../../../image/types';
import type { ModelSession } from '../../../ort/types';
import { checkBatch, imageBatchF32, maskBatch, readOutputs } from './pixels';
import type { Binding } from './signatures';
import { defaultReading, type InpaintAdapter, type Reading } from './types';

export function createLamaFixedAdapter(
  session: ModelSession,
  binding: Binding,
  convention: 'lama-fixed-rgb' | 'lama-fixed-bgr',
  reading: Reading = defaultReading(convention),
): InpaintAdapter {
  const { order, outputScale, maskInverted } = reading;
  const size = binding.fixedSize ?? 512;
  const runBatch = async (
    images: readonly RgbImage[],
    masks: readonly Mask[],
    signal?: AbortSignal,
  ): Promise<RgbImage[]> => {
    checkBatch(convention, images, masks, size, 1, binding.dynamicBatch ?? false);
    const outputs = await session.run(
      {
        [binding.image]: imageBatchF32(images, order),
        [binding.mask]: maskBatch(masks, 'float32', maskInverted ? 0 : 1, maskInverted ? 1 : 0),
      },
      signal,
    );
    return readOutputs(
      outputs,
      binding.output,
      session.source,
      images.length,
      size,
      size,
      order,
      outputScale,
    );
  };
  return {
    convention,
    reading,
    fixedSize: size,
    multiple: 1,
    batchDim: binding.batch ?? 1,
    dynamicBatch: binding.dynamicBatch ?? false,
    runBatch,
    async run(image: RgbImage, mask: Mask, signal?: AbortSignal): Promise<RgbImage> {
      return (await runBatch([image], [mask], signal))[0];
    },
  };
}
