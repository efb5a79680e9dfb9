import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors';
import { checkDeclaration, resolveParams } from '../../common/params';
import { createImage, createMask, type Mask, type RgbImage } from '../../image/types';
import { Random } from '../../graph/random';
import { createSessionPool } from '../../ort/sessions';
import type { ProgressUpdate } from '../../pipeline/types';
import { TEXTURE_PARAMS } from './params';
import { textureStage } from './stage';
import { testContext } from '../../testing/sessionContext';

/** Diagonal stripes with grain: a texture with structure at a few scales, in colour. */
function stripes(w: number, h: number, seed = 1): RgbImage {
  const img = createImage(w, h);
  const rnd = new Random(seed);
  const n = w * h;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const v = 0.5 + 0.3 * Math.sin((x + y) * 0.6) + 0.05 * rnd.normal();
      img.data[i] = v;
      img.data[n + i] = 0.8 * v;
      img.data[2 * n + i] = 0.3 + 0.2 * v;
    }
  return img;
}

function square(w: number, h: number, x0: number, y0: number, side: number): Mask {
  const m = createMask(w, h);
  for (let y = y0; y < y0 + side; y++) for (let x = x0; x < x0 + side; x++) m.data[y * w + x] = 1;
  return m;
}

const pool = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
afterAll(() => pool.releaseAll());

const context = (signal?: AbortSignal, updates?: ProgressUpdate[]) => testContext(pool, signal, updates);

/** A flat grey fill of the hole, standing in for the previous stage's (texture-less) fill. */
function flatFill(img: RgbImage, mask: Mask): RgbImage {
  const out = { ...img, data: img.data.slice() };
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) if (mask.data[i]) for (let c = 0; c < 3; c++) out.data[c * n + i] = 0.45;
  return out;
}

const FAST = { iterations: 12, maxSide: 96, levels: 1, margin: 40 };
/** The optimisation alone (no detail borrowed first, no structure copy): what these tests are about. */
const OPTIMISE = { ...FAST, structure: 'off' as const, borrowDetail: false };

describe('texture stage', () => {
  it('declares valid parameters', () => {
    expect(checkDeclaration(TEXTURE_PARAMS)).toEqual([]);
  });

  it('adds texture inside the hole, lowers the loss, and leaves every other pixel bit-exact', async () => {
    const original = stripes(96, 96);
    const mask = square(96, 96, 36, 36, 24);
    const image = flatFill(original, mask);
    const updates: ProgressUpdate[] = [];
    const params = resolveParams(TEXTURE_PARAMS, { ...OPTIMISE, channels: 'rgb' });
    const out = await textureStage.run(
      { image, original, mask, artifacts: {} },
      params,
      context(undefined, updates),
    );
    const n = 96 * 96;
    let changedOutside = 0,
      changedInside = 0;
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < n; i++) {
        const same = out.image.data[c * n + i] === image.data[c * n + i];
        if (mask.data[i]) changedInside += same ? 0 : 1;
        else changedOutside += same ? 0 : 1;
      }
    expect(changedOutside).toBe(0);
    expect(changedInside).toBeGreaterThan(0.9 * 3 * 24 * 24);
    const info = out.info as { lossStart: number; lossEnd: number; exemplar: { source: string } };
    expect(info.lossEnd).toBeLessThan(0.5 * info.lossStart);
    expect(info.exemplar.source).toBe('surroundings');
    expect(updates.at(-1)?.step).toBe(updates.at(-1)?.total);
    expect(updates.some((u) => u.message?.includes('loss'))).toBe(true);
    for (const v of out.image.data) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('brings the hole variance towards the exemplar’s from a flat start (luma, two scales)', async () => {
    const original = stripes(96, 96, 2);
    const mask = square(96, 96, 36, 36, 24);
    const image = flatFill(original, mask);
    const params = resolveParams(TEXTURE_PARAMS, { ...OPTIMISE, levels: 2, iterations: 15 });
    const out = await textureStage.run({ image, original, mask, artifacts: {} }, params, context());
    const variance = (img: RgbImage) => {
      let s = 0,
        s2 = 0,
        k = 0;
      for (let i = 0; i < 96 * 96; i++)
        if (mask.data[i]) {
          s += img.data[i];
          s2 += img.data[i] ** 2;
          k++;
        }
      return s2 / k - (s / k) ** 2;
    };
    // The flat start has none; the truth has about 0.045. Luma keeps the start's chroma exactly.
    expect(variance(out.image)).toBeGreaterThan(0.25 * variance(original));
    // Red and green moved by the same offset (up to clipping at 0 and 1 and float rounding).
    const n = 96 * 96;
    let off = 0,
      k = 0;
    for (let i = 0; i < n; i++)
      if (mask.data[i]) {
        off += Math.abs(out.image.data[i] - image.data[i] - (out.image.data[n + i] - image.data[n + i]));
        k++;
      }
    expect(off / k).toBeLessThan(1e-3);
  });

  it('uses a chosen exemplar rectangle and refuses one inside the hole', async () => {
    const original = stripes(96, 96);
    const mask = square(96, 96, 36, 36, 24);
    const image = flatFill(original, mask);
    const params = resolveParams(TEXTURE_PARAMS, {
      ...FAST,
      iterations: 2,
      exemplar: { x: 0, y: 0, width: 30, height: 30 },
    });
    const out = await textureStage.run({ image, original, mask, artifacts: {} }, params, context());
    expect((out.info as { exemplar: { source: string } }).exemplar.source).toBe('rect');
    const fromBlockmatch = await textureStage.run(
      { image, original, mask, artifacts: { exemplar: { x: 60, y: 0, width: 30, height: 30 } } },
      resolveParams(TEXTURE_PARAMS, { ...FAST, iterations: 1 }),
      context(),
    );
    expect((fromBlockmatch.info as { exemplar: { source: string } }).exemplar.source).toBe('blockmatch');
    const inside = resolveParams(TEXTURE_PARAMS, {
      ...FAST,
      exemplar: { x: 40, y: 40, width: 8, height: 8 },
    });
    await expect(
      textureStage.run({ image, original, mask, artifacts: {} }, inside, context()),
    ).rejects.toSatisfy((e) => e instanceof StudioError && e.code === 'PARAM_INVALID');
  });

  it('starts from noise or the mean colour when asked, and stops when cancelled', async () => {
    const original = stripes(64, 64);
    const mask = square(64, 64, 24, 24, 16);
    for (const init of ['noise', 'mean'] as const) {
      const params = resolveParams(TEXTURE_PARAMS, { ...FAST, iterations: 0, init, channels: 'rgb' });
      const out = await textureStage.run(
        { image: original, original, mask, artifacts: {} },
        params,
        context(),
      );
      const v = out.image.data[24 * 64 + 30];
      expect(v).not.toBe(original.data[24 * 64 + 30]);
    }
    // From noise the detail must come down to the texture's: the detail stop (for adding detail to a
    // fill) does not end the synthesis before it starts.
    const fromNoise = await textureStage.run(
      { image: original, original, mask, artifacts: {} },
      resolveParams(TEXTURE_PARAMS, { ...FAST, iterations: 5, init: 'noise' }),
      context(),
    );
    expect((fromNoise.info as { iterations: number }).iterations).toBeGreaterThan(0);
    const ac = new AbortController();
    const ctx = context(ac.signal);
    ctx.progress = (u) => {
      if (u.step >= 2) ac.abort();
    };
    const params = resolveParams(TEXTURE_PARAMS, { ...OPTIMISE, iterations: 50 });
    // A flat start, so the run does not stop by itself at the exemplar's detail level first.
    await expect(
      textureStage.run({ image: flatFill(original, mask), original, mask, artifacts: {} }, params, ctx),
    ).rejects.toSatisfy((e) => e instanceof StudioError && e.code === 'CANCELLED');
  });

  it('returns the image unchanged without a hole', async () => {
    const image = stripes(32, 32);
    const out = await textureStage.run(
      { image, original: image, mask: createMask(32, 32), artifacts: {} },
      resolveParams(TEXTURE_PARAMS, {}),
      context(),
    );
    expect(out.image.data).toEqual(image.data);
  });
});

describe('texture stage on a fill that already has the texture', () => {
  it('stops at the exemplar’s detail level: a start equal to the truth moves far less than a flat one', async () => {
    const original = stripes(96, 96, 5);
    const mask = square(96, 96, 36, 36, 24);
    const n = 96 * 96;
    const moved = async (start: RgbImage) => {
      const out = await textureStage.run(
        { image: start, original, mask, artifacts: {} },
        resolveParams(TEXTURE_PARAMS, { ...OPTIMISE, iterations: 30 }),
        context(),
      );
      let sum = 0,
        k = 0;
      for (let i = 0; i < n; i++)
        if (mask.data[i]) {
          for (let c = 0; c < 3; c++) sum += Math.abs(out.image.data[c * n + i] - start.data[c * n + i]);
          k += 3;
        }
      return { change: sum / k, iterations: (out.info as { iterations: number }).iterations };
    };
    const textured = await moved(original);
    const flat = await moved(flatFill(original, mask));
    expect(textured.change).toBeLessThan(0.25 * flat.change);
    expect(textured.iterations).toBeLessThan(30);
  });
});
