import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../graph/onnxBuilder';
import { GENERATED_MODELS, ensureGeneratedModel } from '../../../../native-models/generated/index';
import { StudioError } from '../../../common/errors';
import { createImage, createMask, type Mask, type RgbImage } from '../../../image/types';
import { createSessionPool, loadModelSession, type StudioSessionPool } from '../../../ort/sessions';
import type { ModelSession, TensorInfo } from '../../../ort/types';
import { createAdapter } from './detect';
import type { ConventionId, InpaintAdapter } from './types';

let dir: string;
let pool: StudioSessionPool;
const paths: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conventions-'));
  pool = createSessionPool({ providers: ['cpu'] });
  for (const m of GENERATED_MODELS) paths[m.convention] = await ensureGeneratedModel(m.id, dir);
});
afterAll(async () => {
  await pool.releaseAll();
  await rm(dir, { recursive: true, force: true });
});

const adapterFor = async (c: ConventionId): Promise<InpaintAdapter> =>
  createAdapter(await pool.get(paths[c]));

/** Size each convention is tested at: the fixed 512, a dynamic multiple of 32, an odd size for MI-GAN. */
const SIZE: Record<ConventionId, [number, number]> = {
  'lama-fixed-rgb': [512, 512],
  'lama-fixed-bgr': [512, 512],
  'lama-dynamic-4ch': [320, 256],
  migan: [301, 257],
};
/** Largest difference outside the hole: float paths keep values, 8-bit paths quantise. */
const TOLERANCE: Record<ConventionId, number> = {
  'lama-fixed-rgb': 1e-4,
  'lama-fixed-bgr': 1e-4,
  'lama-dynamic-4ch': 1e-4,
  migan: 1 / 255 + 1e-6,
};

function scene(
  w: number,
  h: number,
  colour: (x: number) => readonly number[],
): { image: RgbImage; mask: Mask } {
  const image = createImage(w, h);
  const mask = createMask(w, h);
  const n = w * h;
  const hole = 50; // 100-px square hole
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const c = colour(x);
      for (let k = 0; k < 3; k++) image.data[k * n + i] = c[k];
      if (Math.abs(x - w / 2) < hole && Math.abs(y - h / 2) < hole) mask.data[i] = 1;
    }
  }
  return { image, mask };
}

/** Mean colour of the hole pixels with x in [x0, x1). */
function meanInHole(img: RgbImage, mask: Mask, x0: number, x1: number): number[] {
  const n = img.width * img.height;
  const sum = [0, 0, 0];
  let count = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * img.width + x;
      if (!mask.data[i]) continue;
      for (let k = 0; k < 3; k++) sum[k] += img.data[k * n + i];
      count++;
    }
  }
  return sum.map((s) => s / count);
}

function maxDiffOutside(a: RgbImage, b: RgbImage, mask: Mask): number {
  const n = a.width * a.height;
  let worst = 0;
  for (let k = 0; k < 3; k++) {
    for (let i = 0; i < n; i++)
      if (!mask.data[i]) worst = Math.max(worst, Math.abs(a.data[k * n + i] - b.data[k * n + i]));
  }
  return worst;
}

describe.each(GENERATED_MODELS.map((m) => [m.convention] as const))(
  'generated %s model through its adapter',
  (convention) => {
    it('is detected as its own convention from its metadata', async () => {
      const adapter = await adapterFor(convention);
      expect(adapter.convention).toBe(convention);
      const s = await pool.get(paths[convention]);
      expect(s.provider).toBe('cpu');
      expect(s.attempts.at(-1)).toEqual({ provider: 'cpu', ok: true });
    });

    it('fills a hole in a uniform colour with that colour and keeps the known pixels', async () => {
      const adapter = await adapterFor(convention);
      const [w, h] = SIZE[convention];
      const colour = [0.2, 0.55, 0.85];
      const { image, mask } = scene(w, h, () => colour);
      const before = pool.runCounts.get(paths[convention]) ?? 0;
      const out = await adapter.run(image, mask);
      expect(pool.runCounts.get(paths[convention])).toBe(before + 1);
      expect([out.width, out.height]).toEqual([w, h]);
      expect(maxDiffOutside(out, image, mask)).toBeLessThanOrEqual(TOLERANCE[convention]);
      const n = w * h;
      let worst = 0;
      for (let i = 0; i < n; i++) {
        if (!mask.data[i]) continue;
        for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(out.data[k * n + i] - colour[k]));
      }
      expect(worst).toBeLessThan(0.05);
    });

    it('fills a hole across a colour edge left-ish on the left and right-ish on the right', async () => {
      const adapter = await adapterFor(convention);
      const [w, h] = SIZE[convention];
      const left = [0.9, 0.15, 0.1];
      const right = [0.1, 0.3, 0.9];
      const { image, mask } = scene(w, h, (x) => (x < w / 2 ? left : right));
      // The hole pixels hold garbage: the fill must not depend on them.
      const n = w * h;
      for (let i = 0; i < n; i++) if (mask.data[i]) for (let k = 0; k < 3; k++) image.data[k * n + i] = 0.5;
      const out = await adapter.run(image, mask);
      expect(maxDiffOutside(out, image, mask)).toBeLessThanOrEqual(TOLERANCE[convention]);
      const cx = Math.floor(w / 2);
      const l = meanInHole(out, mask, cx - 50, cx - 25);
      const r = meanInHole(out, mask, cx + 25, cx + 50);
      // Red dominates on the left, blue on the right (so a BGR mix-up would fail too).
      expect(l[0]).toBeGreaterThan(l[2] + 0.1);
      expect(r[2]).toBeGreaterThan(r[0] + 0.1);
      expect(l[0]).toBeGreaterThan(r[0] + 0.2);
      // and the hole changed from its placeholder grey
      expect(Math.abs(l[0] - 0.5)).toBeGreaterThan(0.1);
    });

    it('refuses a size the model does not accept with INTERNAL', async () => {
      const adapter = await adapterFor(convention);
      if (adapter.fixedSize === null && adapter.multiple === 1) return; // any size is fine
      const { image, mask } = scene(100, 100, () => [0, 0, 0]);
      await expect(adapter.run(image, mask)).rejects.toMatchObject({ code: 'INTERNAL' });
    });
  },
);

describe('createAdapter', () => {
  it('follows a manifest hint that fits (the OpenCV BGR model has the RGB model’s signature)', async () => {
    const s = await pool.get(paths['lama-fixed-rgb']);
    expect(createAdapter(s, 'lama-fixed-bgr').convention).toBe('lama-fixed-bgr');
    expect(createAdapter(s).convention).toBe('lama-fixed-rgb');
  });

  it('refuses a hint that does not fit the model', async () => {
    const s = await pool.get(paths.migan);
    expect(() => createAdapter(s, 'lama-dynamic-4ch')).toThrow(StudioError);
    try {
      createAdapter(s, 'lama-dynamic-4ch');
    } catch (e) {
      expect((e as StudioError).code).toBe('MODEL_UNSUPPORTED');
      expect((e as StudioError).message).toContain('image uint8 [batch_size,3,height,width]');
    }
  });

  it('decides by signature alone when there is no metadata', () => {
    const fake = (
      inputs: TensorInfo[],
      outputs: TensorInfo[],
      metadata: Record<string, string> = {},
    ): ModelSession => ({
      source: 'fake.onnx',
      provider: 'cpu',
      attempts: [],
      inputs,
      outputs,
      metadata,
      run: () => Promise.reject(new Error('not runnable')),
      release: () => Promise.resolve(),
    });
    const fixed = fake(
      [
        { name: 'image', dtype: 'float32', dims: [1, 3, 512, 512] },
        { name: 'mask', dtype: 'float32', dims: [1, 1, 512, 512] },
      ],
      [{ name: 'output', dtype: 'float32', dims: [1, 3, 512, 512] }],
    );
    expect(createAdapter(fixed).convention).toBe('lama-fixed-rgb');
    const bgr = { ...fixed, metadata: { 'inpaint_studio.color_order': 'BGR' } };
    expect(createAdapter(bgr).convention).toBe('lama-fixed-bgr');
    const dyn = fake(
      [{ name: 'x', dtype: 'float32', dims: [1, 4, 'h', 'w'] }],
      [{ name: 'y', dtype: 'float32', dims: [1, 3, 'h', 'w'] }],
    );
    const a = createAdapter(dyn);
    expect([a.convention, a.fixedSize, a.multiple]).toEqual(['lama-dynamic-4ch', null, 32]);
    const mi = fake(
      [
        { name: 'mask', dtype: 'uint8', dims: ['b', 1, 'h', 'w'] },
        { name: 'image', dtype: 'uint8', dims: ['b', 3, 'h', 'w'] },
      ],
      [{ name: 'result', dtype: 'uint8', dims: ['b', 3, 'h', 'w'] }],
    );
    expect(createAdapter(mi).convention).toBe('migan');
  });

  it('throws MODEL_UNSUPPORTED naming the inputs of a model with another signature', async () => {
    const g = new GraphBuilder('odd');
    const x = g.input('pixels', 'float32', [1, 3, 256, 256]);
    g.output(g.op('Relu', [x]), 'activations', 'float32', [1, 3, 256, 256]);
    const s = await loadModelSession(g.build(), { providers: ['cpu'] });
    try {
      const e = (() => {
        try {
          createAdapter(s);
        } catch (err) {
          return err as StudioError;
        }
        throw new Error('expected MODEL_UNSUPPORTED');
      })();
      expect(e.code).toBe('MODEL_UNSUPPORTED');
      expect(e.message).toContain('pixels float32 [1,3,256,256]');
      expect(e.message).toContain('activations float32 [1,3,256,256]');
      for (const c of ['lama-fixed-rgb', 'lama-fixed-bgr', 'lama-dynamic-4ch', 'migan'])
        expect(e.message).toContain(c);
    } finally {
      await s.release();
    }
  });
});
