// The sampling area in the LaMa stage (issue 15 §4): pixels outside the area (and outside the hole) do not
// feed the fill (the engine fills hole ∪ excluded), and only the hole is composited, so the excluded
// pixels come back unchanged. Checked with the embedded fills and the generated models.
import type { LamaInfo } from '../../common/stageInfo';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelStore } from '../../../native-models/store';
import { createModelResolver } from '../services';
import { createImage, createMask, type Mask, type RgbImage } from '../../image/types';
import { createSessionPool } from '../../ort/sessions';
import { Pipeline } from '../../pipeline/run';
import { lamaStage } from '../../stages/lama/stage';
import { changedOutside } from '../../testing/masks';

const store = new ModelStore({ dir: mkdtempSync(path.join(os.tmpdir(), 'lama-sampling-models-')) });
const sessions = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
const models = createModelResolver(store);
afterAll(() => sessions.releaseAll());

const W = 160,
  H = 120;

/** A grey, lightly textured wall with a white object (x 64..88, y 36..84) right left of the hole. */
function scene(): { image: RgbImage; hole: Mask; sampling: Mask } {
  const image = createImage(W, H);
  const n = W * H;
  const hole = createMask(W, H);
  const sampling = createMask(W, H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const object = x >= 64 && x < 88 && y >= 36 && y < 84;
      const v = object ? 1 : 0.35 + 0.04 * Math.sin(x * 0.9) * Math.cos(y * 0.7);
      image.data[i] = v;
      image.data[n + i] = object ? 1 : v + 0.02;
      image.data[2 * n + i] = object ? 1 : v - 0.02;
      if (x >= 88 && x < 112 && y >= 40 && y < 80) hole.data[i] = 1;
      // Brushed out: the object and a 4 px margin around it.
      sampling.data[i] = x >= 60 && x < 92 && y >= 32 && y < 88 ? 0 : 1;
    }
  return { image, hole, sampling };
}

/** The brightest hole pixel (mean of R, G, B) and how many hole pixels are brighter than 0.6. */
function brightInHole(img: RgbImage, hole: Mask): { max: number; bright: number } {
  const n = W * H;
  let max = 0,
    bright = 0;
  for (let i = 0; i < n; i++) {
    if (!hole.data[i]) continue;
    const v = (img.data[i] + img.data[n + i] + img.data[2 * n + i]) / 3;
    max = Math.max(max, v);
    if (v > 0.6) bright++;
  }
  return { max, bright };
}

const cases: [string, Record<string, unknown>, string | undefined][] = [
  ['embedded auto fill', { engine: 'embedded', fallback: 'auto' }, undefined],
  ['embedded FSR', { engine: 'embedded', fallback: 'fsr' }, undefined],
  ['embedded PatchMatch', { engine: 'embedded', fallback: 'patchmatch' }, undefined],
  ['embedded push-pull', { engine: 'embedded', fallback: 'pushpull' }, undefined],
  ['fixed-size model, resize', { engine: 'model', sizing: 'resize' }, 'generated-lama-fixed-rgb'],
  ['dynamic model, original', { engine: 'model', sizing: 'original' }, 'generated-lama-dynamic-4ch'],
  ['dynamic model, regions', { engine: 'model', sizing: 'regions' }, 'generated-lama-dynamic-4ch'],
  ['dynamic model, multiscale', { engine: 'model', sizing: 'multiscale' }, 'generated-lama-dynamic-4ch'],
];

describe('lama stage: sampling area', () => {
  it.each(cases)(
    '%s: a brushed-out bright object does not bleed into the hole',
    async (_, params, modelId) => {
      const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
      const { image, hole, sampling } = scene();
      const stages = [{ name: 'lama', params: { feather: 0, ...params } }];
      const free = await pipeline.run({ image, mask: hole, stages, modelId });
      const kept = await pipeline.run({ image, mask: hole, stages, modelId, sampling });
      // Without the area the object feeds the fill (the test has teeth)...
      const before = brightInHole(free.image, hole);
      expect(before.max).toBeGreaterThan(0.6);
      // ...with it, the hole is wall only.
      const after = brightInHole(kept.image, hole);
      expect(after.bright).toBe(0);
      expect(after.max).toBeLessThan(0.5);
      // The object itself and everything else outside the hole come back bit-exact.
      expect(changedOutside(kept.image, image, hole)).toBe(0);
      expect(kept.stages[0].info).toMatchObject({ samplingExcluded: 32 * 56 - 4 * 40 });
    },
  );

  it('refuses an area that lama.maskGrow swallows, naming sampling and lama.maskGrow', async () => {
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    const { image, hole } = scene();
    // May sample only a 4 px strip right of the hole: a 6 px grow swallows it.
    const strip = createMask(W, H);
    for (let y = 40; y < 80; y++) for (let x = 112; x < 116; x++) strip.data[y * W + x] = 1;
    const stages = [{ name: 'lama', params: { engine: 'embedded', maskGrow: 6 } }];
    await expect(pipeline.run({ image, mask: hole, stages, sampling: strip })).rejects.toMatchObject({
      code: 'PARAM_INVALID',
      message: expect.stringMatching(/sampling.*lama\.maskGrow/),
    });
  });

  it('fills from the whole image when the area lies outside the hole’s neighbourhood', async () => {
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    const { image, hole } = scene();
    // Only the bottom-right corner may be sampled: far from the small hole's neighbourhood crop.
    const small = createMask(W, H);
    for (let i = 0; i < W * H; i++) hole.data[i] = 0;
    for (let y = 10; y < 16; y++) for (let x = 10; x < 16; x++) hole.data[y * W + x] = 1;
    for (let y = 110; y < H; y++) for (let x = 150; x < W; x++) small.data[y * W + x] = 1;
    const r = await pipeline.run({
      image,
      mask: hole,
      stages: [{ name: 'lama', params: { engine: 'embedded', fallback: 'pushpull' } }],
      sampling: small,
    });
    expect(changedOutside(r.image, image, hole)).toBe(0);
    expect(brightInHole(r.image, hole).max).toBeLessThan(0.5);
    // The hole's neighbourhood crop held nothing to read from: the fill read the whole image.
    expect((r.stages[0].info as LamaInfo).crops).toEqual([{ x: 0, y: 0, width: W, height: H, scale: 1 }]);
  });
});
