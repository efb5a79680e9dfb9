import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors';
import { resolveParams } from '../../common/params';
import { createImage, createMask } from '../../image/types';
import { createSessionPool } from '../../ort/sessions';
import type { StageContext } from '../../pipeline/types';
import { writeSafetensors } from '../../../native-models/safetensors';
import { TEXTURE_PARAMS } from './params';
import { textureStage } from './stage';
import { randomVgg19Weights } from './vgg19';

const dir = mkdtempSync(path.join(tmpdir(), 'texture-vgg-'));
const pool = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
afterAll(async () => {
  await pool.releaseAll();
  rmSync(dir, { recursive: true, force: true });
});

function context(file: string | null): StageContext {
  return {
    signal: new AbortController().signal,
    progress: () => {},
    sessions: pool,
    models: {
      resolve: async (purpose) => (purpose === 'features' && file ? { id: 'vgg19-conv', path: file } : null),
    },
    seed: 1,
    log: () => {},
  };
}

function input() {
  const w = 48,
    h = 48,
    n = w * h;
  const image = createImage(w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = 0.5 + 0.3 * Math.sin((x + 2 * y) * 0.7);
      for (let c = 0; c < 3; c++) image.data[c * n + y * w + x] = v * (1 - 0.2 * c);
    }
  const mask = createMask(w, h);
  for (let y = 18; y < 30; y++) for (let x = 18; x < 30; x++) mask.data[y * w + x] = 1;
  const flat = { ...image, data: image.data.slice() };
  for (let i = 0; i < n; i++) if (mask.data[i]) for (let c = 0; c < 3; c++) flat.data[c * n + i] = 0.5;
  return { image: flat, original: image, mask, artifacts: {} };
}

describe('texture stage with VGG19', () => {
  it('runs the installed VGG19 weights through the same loss, changing only the hole', async () => {
    const file = path.join(dir, 'vgg19-conv.safetensors');
    const weights = randomVgg19Weights(7, 'conv4_4');
    await writeSafetensors(
      file,
      [...weights].map(([name, t]) => ({
        name,
        dtype: 'F32' as const,
        shape: t.shape,
        data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      })),
    );
    const inp = input();
    const params = resolveParams(TEXTURE_PARAMS, {
      network: 'vgg19',
      iterations: 4,
      levels: 1,
      maxSide: 64,
      structure: 'off',
      // The 48 px image's ring is too small to classify (the cautious answer, object, would skip it).
      holes: 'all',
      borrowDetail: false,
    });
    const out = await textureStage.run(inp, params, context(file));
    const info = out.info as { network: string; lossStart: number; lossEnd: number };
    expect(info.network).toMatch(/vgg19/);
    expect(info.lossEnd).toBeLessThan(info.lossStart);
    const n = 48 * 48;
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < n; i++)
        if (!inp.mask.data[i]) expect(out.image.data[c * n + i]).toBe(inp.image.data[c * n + i]);
  });

  it('says how to install the weights when they are missing', async () => {
    const params = resolveParams(TEXTURE_PARAMS, { network: 'vgg19' });
    await expect(textureStage.run(input(), params, context(null))).rejects.toSatisfy(
      (e) =>
        e instanceof StudioError &&
        e.code === 'MODEL_MISSING' &&
        /models download vgg19-conv/.test(e.message),
    );
  });
});
