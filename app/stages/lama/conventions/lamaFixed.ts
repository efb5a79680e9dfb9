/**
 * Fixed-size LaMa exports: image float32 [1,3,512,512] 0..1 + mask float32 [1,1,512,512], output
 * float32 0..255. 'lama-fixed-rgb' (Carve/LaMa-ONNX) takes RGB and mask 1 = hole;
 * 'lama-fixed-bgr' (OpenCV Zoo) takes BGR, counts mask > 0 as hole, and returns BGR.
 */
import type { Mask, RgbImage } from '../../../image/types';
import type { ModelSession } from '../../../ort/types';
import { checkSize, imageTensorF32, maskTensor, readOutput } from './pixels';
import type { Binding } from './signatures';
import type { InpaintAdapter } from './types';

export function createLamaFixedAdapter(
  session: ModelSession,
  binding: Binding,
  convention: 'lama-fixed-rgb' | 'lama-fixed-bgr',
): InpaintAdapter {
  const order = convention === 'lama-fixed-bgr' ? 'BGR' : 'RGB';
  const size = binding.fixedSize ?? 512;
  return {
    convention,
    fixedSize: size,
    multiple: 1,
    async run(image: RgbImage, mask: Mask, signal?: AbortSignal): Promise<RgbImage> {
      checkSize(convention, image, mask, size, 1);
      const outputs = await session.run(
        { [binding.image]: imageTensorF32(image, order), [binding.mask]: maskTensor(mask, 'float32', 1, 0) },
        signal,
      );
      return readOutput(outputs, binding.output, session.source, image.width, image.height, order, 255);
    },
  };
}
