import { describe, expect, it } from 'vitest';
import { createImage, createMask } from '../../../image/types';
import type { ModelSession, TensorInfo, TensorValue } from '../../../ort/types';
import { createAdapter } from './detect';
import { checkSize, imageTensorF32, imageTensorU8, maskTensor, readOutput } from './pixels';
import type { ConventionId } from './types';

// A 2x1 image: pixel 0 = (0.1, 0.2, 0.3) known, pixel 1 = (0.4, 0.5, 0.6) hole.
const image = createImage(2, 1, Float32Array.from([0.1, 0.4, 0.2, 0.5, 0.3, 0.6]));
const mask = createMask(2, 1, Uint8Array.from([0, 1]));

describe('tensor packing', () => {
  it('reorders planes for BGR and zeroes holes on request', () => {
    expect([...imageTensorF32(image, 'BGR').data]).toEqual([
      ...Float32Array.from([0.3, 0.6, 0.2, 0.5, 0.1, 0.4]),
    ]);
    expect([...imageTensorF32(image, 'RGB', mask).data]).toEqual([
      ...Float32Array.from([0.1, 0, 0.2, 0, 0.3, 0]),
    ]);
  });

  it('quantises to uint8 with rounding and clamping', () => {
    const img = createImage(1, 1, Float32Array.from([-0.2, 0.5, 1.3]));
    expect([...imageTensorU8(img).data]).toEqual([0, 128, 255]);
  });

  it('encodes masks as binary 1 = hole or 255 = known', () => {
    expect([...maskTensor(mask, 'float32', 1, 0).data]).toEqual([0, 1]);
    expect([...maskTensor(mask, 'uint8', 0, 255).data]).toEqual([255, 0]);
  });

  it('reads outputs back as clamped RGB 0..1, undoing BGR', () => {
    const out: TensorValue = {
      dtype: 'float32',
      dims: [1, 3, 1, 2],
      data: Float32Array.from([255, 300, 0, 51, -5, NaN]),
    };
    const img = readOutput({ y: out }, 'y', 'm', 2, 1, 'BGR', 255);
    expect([...img.data]).toEqual([...Float32Array.from([0, 0, 0, 0.2, 1, 1])]);
    expect(() => readOutput({ y: out }, 'y', 'm', 1, 2, 'RGB', 255)).toThrow(/expected \[1,3,2,1\]/);
    expect(() => readOutput({}, 'y', 'm', 2, 1, 'RGB', 255)).toThrow(/no output y/);
  });

  it('checks sizes: MASK_SIZE for a mismatched mask, INTERNAL for a size the model refuses', () => {
    expect(() => checkSize('x', image, createMask(1, 1), null, 1)).toThrow(
      expect.objectContaining({ code: 'MASK_SIZE' }),
    );
    expect(() => checkSize('x', image, mask, 512, 1)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => checkSize('x', image, mask, null, 32)).toThrow(
      expect.objectContaining({ code: 'INTERNAL' }),
    );
    expect(() => checkSize('x', image, mask, null, 1)).not.toThrow();
  });
});

/** A session that records its feeds and answers with `answer` (in the model's own encoding). */
function recorder(inputs: TensorInfo[], output: TensorInfo, answer: TensorValue) {
  const seen: Record<string, TensorValue>[] = [];
  const session: ModelSession = {
    source: 'fake.onnx',
    provider: 'cpu',
    attempts: [],
    inputs,
    outputs: [output],
    metadata: {},
    run: (feeds) => {
      seen.push(feeds);
      return Promise.resolve({ [output.name]: answer });
    },
    release: () => Promise.resolve(),
  };
  return { session, seen };
}

describe('adapters encode what each convention expects', () => {
  it('lama-fixed-bgr sends BGR 0..1 and a 1 = hole mask, and reads BGR 0..255 back', async () => {
    const size = 512;
    const n = size * size;
    const img = createImage(size, size);
    img.data.fill(0.25, 0, n); // R
    img.data.fill(0.75, 2 * n); // B
    const m = createMask(size, size);
    m.data[5] = 1;
    const answer = new Float32Array(3 * n);
    answer.fill(255, 0, n); // B plane = 255 -> blue in RGB
    const { session, seen } = recorder(
      [
        { name: 'image', dtype: 'float32', dims: [1, 3, 512, 512] },
        { name: 'mask', dtype: 'float32', dims: [1, 1, 512, 512] },
      ],
      { name: 'output', dtype: 'float32', dims: [1, 3, 512, 512] },
      { dtype: 'float32', dims: [1, 3, 512, 512], data: answer },
    );
    const out = await createAdapter(session, 'lama-fixed-bgr').run(img, m);
    const sent = seen[0].image.data as Float32Array;
    expect([sent[0], sent[2 * n]]).toEqual([0.75, 0.25]);
    expect(seen[0].mask.data[5]).toBe(1);
    expect(seen[0].mask.data[4]).toBe(0);
    expect([out.data[0], out.data[2 * n]]).toEqual([0, 1]);
  });

  it.each([['lama-dynamic-4ch', 32] as const, ['migan', 3] as const])(
    '%s packs its inputs',
    async (convention: ConventionId, size: number) => {
      const n = size * size;
      const img = createImage(size, size);
      img.data.fill(0.5);
      const m = createMask(size, size);
      m.data[0] = 1;
      const dynamic = convention === 'lama-dynamic-4ch';
      const inputs: TensorInfo[] = dynamic
        ? [{ name: 'input', dtype: 'float32', dims: [1, 4, 'h', 'w'] }]
        : [
            { name: 'image', dtype: 'uint8', dims: ['b', 3, 'h', 'w'] },
            { name: 'mask', dtype: 'uint8', dims: ['b', 1, 'h', 'w'] },
          ];
      const answer: TensorValue = dynamic
        ? { dtype: 'float32', dims: [1, 3, size, size], data: new Float32Array(3 * n).fill(0.5) }
        : { dtype: 'uint8', dims: [1, 3, size, size], data: new Uint8Array(3 * n).fill(51) };
      const { session, seen } = recorder(
        inputs,
        { name: 'y', dtype: answer.dtype, dims: [1, 3, 'h', 'w'] },
        answer,
      );
      const out = await createAdapter(session).run(img, m);
      if (dynamic) {
        const d = seen[0].input.data as Float32Array;
        expect([d[0], d[1], d[3 * n], d[3 * n + 1]]).toEqual([0, 0.5, 1, 0]);
        expect(out.data[0]).toBe(0.5);
      } else {
        expect([seen[0].image.data[0], seen[0].mask.data[0], seen[0].mask.data[1]]).toEqual([128, 0, 255]);
        expect(out.data[0]).toBeCloseTo(0.2, 6);
      }
    },
  );
});
