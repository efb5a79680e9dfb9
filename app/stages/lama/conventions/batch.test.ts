import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_MODELS, ensureGeneratedModel } from '../../../../native-models/generated/index';
import { createImage, createMask, type Mask, type RgbImage } from '../../../image/types';
import { mulberry32 } from '../../../common/random';
import { createSessionPool, type StudioSessionPool } from '../../../ort/sessions';
import type { ModelSession, TensorInfo } from '../../../ort/types';
import { createAdapter } from './detect';
import { imageBatchF32, maskBatch, readOutputs } from './pixels';
import { batchOf } from './signatures';
import type { ConventionId } from './types';

let dir: string;
let pool: StudioSessionPool;
const paths: Record<string, string> = {};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conventions-batch-'));
  pool = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
  for (const m of GENERATED_MODELS) paths[m.convention] = await ensureGeneratedModel(m.id, dir);
});
afterAll(async () => {
  await pool.releaseAll();
  await rm(dir, { recursive: true, force: true });
});

/**
 * The batch dimension each generated model declares, as the real family's export does, and whether
 * the adapter batches: MI-GAN's pipeline declares a symbolic batch but its graph works only with 1.
 */
const BATCH: Record<ConventionId, [number | string, boolean]> = {
  'lama-fixed-rgb': ['batch', true],
  'lama-fixed-bgr': [1, false],
  'lama-dynamic-4ch': [1, false],
  migan: ['batch_size', false],
};
const SIZE: Record<ConventionId, [number, number]> = {
  'lama-fixed-rgb': [512, 512],
  'lama-fixed-bgr': [512, 512],
  'lama-dynamic-4ch': [128, 96],
  migan: [101, 77],
};

/** A textured image with a hole of its own (different per seed). */
function scene(w: number, h: number, seed: number): { image: RgbImage; mask: Mask } {
  const rnd = mulberry32(seed);
  const image = createImage(w, h);
  const mask = createMask(w, h);
  const n = w * h;
  const [cx, cy, r] = [w * (0.3 + 0.4 * rnd()), h * (0.3 + 0.4 * rnd()), Math.min(w, h) * 0.15];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      for (let c = 0; c < 3; c++)
        image.data[c * n + i] = 0.5 + 0.4 * Math.sin(x * 0.1 * (c + 1) + seed + y * 0.03);
      if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) mask.data[i] = 1;
    }
  return { image, mask };
}

describe.each(GENERATED_MODELS.map((m) => [m.convention] as const))('%s batching', (convention) => {
  it('reads the batch dimension from the declared input shape', async () => {
    const a = createAdapter(await pool.get(paths[convention]));
    expect([a.batchDim, a.dynamicBatch]).toEqual(BATCH[convention]);
  });

  it('runBatch gives, in one call, bit for bit what run gives for each image', async () => {
    const a = createAdapter(await pool.get(paths[convention]));
    const [w, h] = SIZE[convention];
    const scenes = [1, 2, 3].map((s) => scene(w, h, s));
    const before = pool.runCounts.get(paths[convention]) ?? 0;
    const single = [];
    for (const s of scenes) single.push(await a.run(s.image, s.mask));
    expect(pool.runCounts.get(paths[convention])).toBe(before + 3);
    if (!a.dynamicBatch) {
      await expect(
        a.runBatch(
          scenes.map((s) => s.image),
          scenes.map((s) => s.mask),
        ),
      ).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringMatching(/takes one image per call/),
      });
      expect(pool.runCounts.get(paths[convention])).toBe(before + 3); // refused before the model ran
      return;
    }
    const batched = await a.runBatch(
      scenes.map((s) => s.image),
      scenes.map((s) => s.mask),
    );
    expect(pool.runCounts.get(paths[convention])).toBe(before + 4);
    expect(batched).toHaveLength(3);
    for (let k = 0; k < 3; k++) {
      expect([batched[k].width, batched[k].height]).toEqual([w, h]);
      // Bit-exact: every sample of the batch goes through the same kernels as alone.
      expect(Buffer.from(batched[k].data.buffer).equals(Buffer.from(single[k].data.buffer))).toBe(true);
    }
    // The fills differ between samples (the batch is not one image repeated).
    expect(Buffer.from(batched[0].data.buffer).equals(Buffer.from(batched[1].data.buffer))).toBe(false);
  });
});

describe('MI-GAN', () => {
  it('runs one image per call although its pipeline declares a symbolic batch, and says why', async () => {
    const a = createAdapter(await pool.get(paths.migan));
    expect(a.batchDim).toBe('batch_size');
    expect(a.dynamicBatch).toBe(false);
    expect(a.batchReason).toMatch(/MI-GAN.*batch 1/);
    const s = [1, 2].map((k) => scene(64, 48, k));
    const before = pool.runCounts.get(paths.migan) ?? 0;
    await expect(
      a.runBatch(
        s.map((x) => x.image),
        s.map((x) => x.mask),
      ),
    ).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/MI-GAN.*batch 1/) });
    expect(pool.runCounts.get(paths.migan) ?? 0).toBe(before);
  });
});

describe('batch detection and packing', () => {
  const t = (name: string, dims: (number | string)[]): TensorInfo => ({ name, dtype: 'float32', dims });

  it('is dynamic only when every input and the declared output leave dim 0 free', () => {
    expect(batchOf([t('a', ['N', 3, 8, 8]), t('b', ['N', 1, 8, 8])], t('o', ['N', 3, 8, 8]))).toEqual({
      batch: 'N',
      dynamicBatch: true,
    });
    expect(batchOf([t('a', ['N', 3, 8, 8]), t('b', [1, 1, 8, 8])], undefined)).toEqual({
      batch: 1,
      dynamicBatch: false,
    });
    expect(batchOf([t('a', ['N', 3, 8, 8])], t('o', [1, 3, 8, 8]))).toEqual({
      batch: 1,
      dynamicBatch: false,
    });
    expect(batchOf([t('a', ['N', 3, 8, 8])], t('o', []))).toEqual({ batch: 'N', dynamicBatch: true });
  });

  it('an adapter of a fake [N,...] session stacks along dim 0 and splits the output in order', async () => {
    const fake: ModelSession = {
      source: 'fake.onnx',
      provider: 'cpu',
      attempts: [],
      inputs: [t('image', ['N', 3, 512, 512]), t('mask', ['N', 1, 512, 512])],
      outputs: [t('output', ['N', 3, 512, 512])],
      metadata: {},
      // Answers each sample's first pixel's red value, times 255, everywhere in that sample.
      run: (feeds) => {
        const [n] = feeds.image.dims;
        const plane = 512 * 512;
        const data = new Float32Array(n * 3 * plane);
        for (let k = 0; k < n; k++)
          data.fill(
            (feeds.image.data as Float32Array)[k * 3 * plane] * 255,
            k * 3 * plane,
            (k + 1) * 3 * plane,
          );
        return Promise.resolve({ output: { dtype: 'float32', dims: [n, 3, 512, 512], data } });
      },
      release: () => Promise.resolve(),
    };
    const a = createAdapter(fake);
    expect([a.convention, a.batchDim, a.dynamicBatch]).toEqual(['lama-fixed-rgb', 'N', true]);
    const imgs = [0.25, 0.5, 0.75].map((v) => createImage(512, 512, new Float32Array(3 * 512 * 512).fill(v)));
    const masks = imgs.map(() => createMask(512, 512));
    const out = await a.runBatch(imgs, masks);
    expect(out.map((o) => o.data[0])).toEqual([0.25, 0.5, 0.75]);
  });

  it('a dynamic-size model with a free batch refuses a batch of mixed sizes before running', async () => {
    // None of the generated models has both a free batch and a free size, so a fake session stands in.
    let runs = 0;
    const fake: ModelSession = {
      source: 'fake-4ch.onnx',
      provider: 'cpu',
      attempts: [],
      inputs: [t('input', ['N', 4, 'H', 'W'])],
      outputs: [t('output', ['N', 3, 'H', 'W'])],
      metadata: {},
      run: () => {
        runs++;
        return Promise.reject(new Error('the model must not run'));
      },
      release: () => Promise.resolve(),
    };
    const a = createAdapter(fake);
    expect([a.convention, a.fixedSize, a.dynamicBatch]).toEqual(['lama-dynamic-4ch', null, true]);
    const s1 = scene(64, 64, 1);
    const s2 = scene(64 + a.multiple, 64, 2);
    await expect(a.runBatch([s1.image, s2.image], [s1.mask, s2.mask])).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/different sizes \(64x64 and 96x64\)/),
    });
    expect(runs).toBe(0);
  });

  it('packs N images and masks and reads N outputs, refusing a wrong count', () => {
    const a = createImage(2, 1, Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]));
    const b = createImage(2, 1, Float32Array.from([0.7, 0.8, 0.9, 1, 0, 0.05]));
    const m = createMask(2, 1, Uint8Array.from([0, 1]));
    const packed = imageBatchF32([a, b], 'BGR', [m, m]);
    expect(packed.dims).toEqual([2, 3, 1, 2]);
    expect([...packed.data]).toEqual([...Float32Array.from([0.5, 0, 0.3, 0, 0.1, 0, 0, 0, 0.9, 0, 0.7, 0])]);
    expect(maskBatch([m, m], 'uint8', 0, 255).dims).toEqual([2, 1, 1, 2]);
    const out = { dtype: 'float32' as const, dims: [2, 3, 1, 2], data: packed.data };
    const read = readOutputs({ y: out }, 'y', 'm', 2, 2, 1, 'BGR', 1);
    expect([...read[1].data]).toEqual([...Float32Array.from([0.7, 0, 0.9, 0, 0, 0])]);
    expect(() => readOutputs({ y: out }, 'y', 'm', 3, 2, 1, 'BGR', 1)).toThrow(/expected \[3,3,1,2\]/);
  });
});
