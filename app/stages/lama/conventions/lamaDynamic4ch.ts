/**
 * Dynamic-size 4-channel LaMa exports: one input float32 [1,4,H,W] = RGB 0..1 with the hole pixels
 * zeroed, then the mask (1 = hole); H and W multiples of 32; output float32 [1,3,H,W] in 0..1. An
 * export whose batch dimension is symbolic ([N,4,H,W]) takes several images of one size per call.
 */
import type { Mask, RgbImage } from '../../../image/types';
import type { ModelSession } from '../../../ort/types';
import { checkBatch, readOutputs, writeImageF32 } from './pixels';
import type { Binding } from './signatures';
import { defaultReading, type InpaintAdapter, type Reading } from './types';

export const LAMA_DYNAMIC_MULTIPLE = 32;

export function createLamaDynamic4chAdapter(
  session: ModelSession,
  binding: Binding,
  reading: Reading = defaultReading('lama-dynamic-4ch'),
): InpaintAdapter {
  const { order, outputScale, maskInverted } = reading;
  const [hole, known] = maskInverted ? [0, 1] : [1, 0];
  const fixedSize = binding.fixedSize;
  const multiple = fixedSize === null ? LAMA_DYNAMIC_MULTIPLE : 1;
  const runBatch = async (
    images: readonly RgbImage[],
    masks: readonly Mask[],
    signal?: AbortSignal,
  ): Promise<RgbImage[]> => {
    checkBatch(
      'lama-dynamic-4ch',
      images,
      masks,
      fixedSize,
      LAMA_DYNAMIC_MULTIPLE,
      binding.dynamicBatch ?? false,
    );
    const { width, height } = images[0];
    const n = width * height;
    const data = new Float32Array(images.length * 4 * n);
    for (let k = 0; k < images.length; k++) {
      const o = k * 4 * n;
      writeImageF32(data, o, images[k], order, masks[k]);
      const m = masks[k].data;
      for (let i = 0; i < n; i++) data[o + 3 * n + i] = m[i] ? hole : known;
    }
    const outputs = await session.run(
      { [binding.image]: { dtype: 'float32', dims: [images.length, 4, height, width], data } },
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
    convention: 'lama-dynamic-4ch',
    reading,
    fixedSize,
    multiple,
    batchDim: binding.batch ?? 1,
    dynamicBatch: binding.dynamicBatch ?? false,
    runBatch,
    async run(image: RgbImage, mask: Mask, signal?: AbortSignal): Promise<RgbImage> {
      return (await runBatch([image], [mask], signal))[0];
    },
  };
}
