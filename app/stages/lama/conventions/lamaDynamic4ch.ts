/**
 * Dynamic-size 4-channel LaMa exports: one input float32 [1,4,H,W] = RGB 0..1 with the hole pixels
 * zeroed, then the mask (1 = hole); H and W multiples of 32; output float32 [1,3,H,W] in 0..1.
 */
import type { Mask, RgbImage } from '../../../image/types';
import type { ModelSession } from '../../../ort/types';
import { checkSize, imageTensorF32, readOutput } from './pixels';
import type { Binding } from './signatures';
import type { InpaintAdapter } from './types';

export const LAMA_DYNAMIC_MULTIPLE = 32;

export function createLamaDynamic4chAdapter(session: ModelSession, binding: Binding): InpaintAdapter {
  const fixedSize = binding.fixedSize;
  return {
    convention: 'lama-dynamic-4ch',
    fixedSize,
    multiple: fixedSize === null ? LAMA_DYNAMIC_MULTIPLE : 1,
    async run(image: RgbImage, mask: Mask, signal?: AbortSignal): Promise<RgbImage> {
      checkSize('lama-dynamic-4ch', image, mask, fixedSize, LAMA_DYNAMIC_MULTIPLE);
      const { width, height } = image;
      const n = width * height;
      const data = new Float32Array(4 * n);
      data.set(imageTensorF32(image, 'RGB', mask).data as Float32Array, 0);
      const m = mask.data;
      for (let i = 0; i < n; i++) data[3 * n + i] = m[i] ? 1 : 0;
      const outputs = await session.run(
        { [binding.image]: { dtype: 'float32', dims: [1, 4, height, width], data } },
        signal,
      );
      return readOutput(outputs, binding.output, session.source, width, height, 'RGB', 1);
    },
  };
}
