/**
 * MI-GAN's ONNX pipeline: image uint8 [1,3,H,W] RGB 0..255 + mask uint8 [1,1,H,W] with 255 = known
 * and 0 = hole (the inverse of the engine's mask), any size; output uint8 [1,3,H,W] RGB.
 */
import type { Mask, RgbImage } from '../../../image/types';
import type { ModelSession } from '../../../ort/types';
import { checkSize, imageTensorU8, maskTensor, readOutput } from './pixels';
import type { Binding } from './signatures';
import type { InpaintAdapter } from './types';

export function createMiganAdapter(session: ModelSession, binding: Binding): InpaintAdapter {
  return {
    convention: 'migan',
    fixedSize: null,
    multiple: 1,
    async run(image: RgbImage, mask: Mask, signal?: AbortSignal): Promise<RgbImage> {
      checkSize('migan', image, mask, null, 1);
      const outputs = await session.run(
        { [binding.image]: imageTensorU8(image), [binding.mask]: maskTensor(mask, 'uint8', 0, 255) },
        signal,
      );
      return readOutput(outputs, binding.output, session.source, image.width, image.height, 'RGB', 255);
    },
  };
}
