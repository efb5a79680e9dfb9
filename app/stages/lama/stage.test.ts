import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelStore } from '../../../native-models/store';
import { createModelResolver } from '../../host/services';
import { createImage, createMask, type Mask, type RgbImage } from '../../image/types';
import { createSessionPool } from '../../ort/sessions';
import { Pipeline, type PipelineEvent } from '../../pipeline/run';
import type { StageDef } from '../../pipeline/types';
import { lamaStage } from './stage';

const store = new ModelStore({ dir: mkdtempSync(path.join(os.tmpdir(), 'lama-stage-models-')) });
const sessions = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
const models = createModelResolver(store);
afterAll(() => sessions.releaseAll());

/** Left half reddish, right half bluish, with a little texture. */
function twoTone(w: number, h: number): RgbImage {
  const img = createImage(w, h);
  const n = w * h;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const left = x < w / 2;
      const t = 0.03 * Math.sin(x * 0.7) * Math.cos(y * 0.5);
      img.data[i] = (left ? 0.8 : 0.15) + t;
      img.data[n + i] = 0.3 + t;
      img.data[2 * n + i] = (left ? 0.1 : 0.75) + t;
    }
  return img;
}

function rectMask(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Mask {
  const m = createMask(w, h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m.data[y * w + x] = 1;
  return m;
}

function expectOutsideUntouched(out: RgbImage, input: RgbImage, mask: Mask) {
  const n = mask.width * mask.height;
  let changed = 0;
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++) if (!mask.data[i] && out.data[c * n + i] !== input.data[c * n + i]) changed++;
  expect(changed).toBe(0);
}

function meanInHole(img: RgbImage, mask: Mask, channel: number, xFrom: number, xTo: number): number {
  let s = 0,
    k = 0;
  const n = mask.width * mask.height;
  for (let i = 0; i < n; i++) {
    const x = i % mask.width;
    if (mask.data[i] && x >= xFrom && x < xTo) {
      s += img.data[channel * n + i];
      k++;
    }
  }
  return s / k;
}

describe('lama stage with generated models', () => {
  it('fills a hole with a fixed-size model after resizing, and leaves the rest bit-exact', async () => {
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    const image = twoTone(900, 600);
    const mask = rectMask(900, 600, 380, 250, 520, 350);
    const events: PipelineEvent[] = [];
    const r = await pipeline.run(
      {
        image,
        mask,
        stages: [{ name: 'lama', params: { feather: 0 } }],
        modelId: 'generated-lama-fixed-rgb',
      },
      { onEvent: (e) => events.push(e) },
    );
    expectOutsideUntouched(r.image, image, mask);
    const info = r.stages[0].info!;
    expect(info).toMatchObject({
      engine: 'model',
      model: 'generated-lama-fixed-rgb',
      convention: 'lama-fixed-rgb',
      provider: 'cpu',
      modelInput: '512x512',
      sizing: 'resize',
    });
    expect(info.scale).toBeCloseTo(512 / 900, 6);
    // The fill continues red on the left and blue on the right of the hole.
    expect(meanInHole(r.image, mask, 0, 380, 420)).toBeGreaterThan(
      meanInHole(r.image, mask, 0, 480, 520) + 0.2,
    );
    expect(meanInHole(r.image, mask, 2, 480, 520)).toBeGreaterThan(
      meanInHole(r.image, mask, 2, 380, 420) + 0.2,
    );
    // And it is no longer the original content (which the mask hides) but a fill near the surroundings.
    expect(events.some((e) => e.type === 'progress')).toBe(true);
  });

  it('runs a dynamic model at original size, padded to its multiple', async () => {
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    const image = twoTone(300, 200);
    const mask = rectMask(300, 200, 120, 60, 180, 140);
    const r = await pipeline.run({
      image,
      mask,
      stages: [{ name: 'lama', params: { sizing: 'original' } }],
      modelId: 'generated-lama-dynamic-4ch',
    });
    expectOutsideUntouched(r.image, image, mask);
    expect(r.stages[0].info).toMatchObject({
      convention: 'lama-dynamic-4ch',
      sizing: 'original',
      modelInput: '320x224',
      scale: 1,
    });
  });

  it.each(['generated-lama-fixed-bgr', 'generated-migan'])('runs %s through its adapter', async (id) => {
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    const image = twoTone(200, 160);
    const mask = rectMask(200, 160, 20, 20, 70, 60);
    const r = await pipeline.run({ image, mask, stages: [{ name: 'lama' }], modelId: id });
    expectOutsideUntouched(r.image, image, mask);
    expect(meanInHole(r.image, mask, 0, 20, 70)).toBeGreaterThan(0.6); // red side
  });

  it('grows and shrinks the hole by a signed number of pixels', async () => {
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    const image = twoTone(200, 160);
    const mask = rectMask(200, 160, 80, 60, 120, 100);
    const grown = await pipeline.run({
      image,
      mask,
      stages: [{ name: 'lama', params: { maskGrow: 5 } }],
      modelId: 'generated-lama-fixed-rgb',
    });
    let area = 0;
    for (const v of grown.mask.data) area += v;
    expect(area).toBeGreaterThan(40 * 40 + 4 * 40 * 4);
    expectOutsideUntouched(grown.image, image, grown.mask);
    const shrunk = await pipeline.run({
      image,
      mask,
      stages: [{ name: 'lama', params: { maskGrow: -5 } }],
      modelId: 'generated-lama-fixed-rgb',
    });
    let a2 = 0;
    for (const v of shrunk.mask.data) a2 += v;
    expect(a2).toBeLessThanOrEqual(30 * 30);
    expect(a2).toBeGreaterThan(0);
    expectOutsideUntouched(shrunk.image, image, shrunk.mask);
  });

  it('never re-runs the model when only a later stage changes (counted model calls)', async () => {
    const later: StageDef = {
      name: 'color',
      label: 'later',
      description: 'a later stage',
      params: {
        stage: 'color',
        params: [{ kind: 'number', name: 'k', label: 'k', help: '', default: 1, min: 0, max: 10, step: 1 }],
      },
      run: async (input) => ({ image: input.image }),
    };
    const countingSessions = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
    const pipeline = new Pipeline({ stages: [lamaStage, later], sessions: countingSessions, models });
    const image = twoTone(120, 100);
    const mask = rectMask(120, 100, 40, 40, 70, 70);
    const calls = () => [...countingSessions.runCounts.values()].reduce((a, b) => a + b, 0);
    for (const k of [1, 2, 3]) {
      await pipeline.run({
        image,
        mask,
        stages: [{ name: 'lama' }, { name: 'color', params: { k } }],
        modelId: 'generated-lama-fixed-rgb',
      });
    }
    expect(calls()).toBe(1);
    await pipeline.run({
      image,
      mask,
      stages: [
        { name: 'lama', params: { feather: 5 } },
        { name: 'color', params: { k: 3 } },
      ],
      modelId: 'generated-lama-fixed-rgb',
    });
    expect(calls()).toBe(2);
    await countingSessions.releaseAll();
  });
});

describe('lama stage without a model', () => {
  it('says so and uses the embedded fill', async () => {
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    const image = twoTone(160, 120);
    const mask = rectMask(160, 120, 30, 40, 60, 80);
    const logs: string[] = [];
    const r = await pipeline.run(
      { image, mask, stages: [{ name: 'lama', params: { fallback: 'pushpull' } }] },
      { onEvent: (e) => e.type === 'log' && logs.push(e.message) },
    );
    expect(r.stages[0].info).toMatchObject({ engine: 'embedded', method: 'pushpull' });
    expect(logs.join('\n')).toMatch(/no LaMa model is installed/);
    expectOutsideUntouched(r.image, image, mask);
    expect(meanInHole(r.image, mask, 0, 30, 60)).toBeGreaterThan(0.6);
  });

  it('refuses with MODEL_MISSING when a model is required or named but absent', async () => {
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    const image = twoTone(64, 64);
    const mask = rectMask(64, 64, 10, 10, 20, 20);
    await expect(
      pipeline.run({ image, mask, stages: [{ name: 'lama', params: { engine: 'model' } }] }),
    ).rejects.toMatchObject({
      code: 'MODEL_MISSING',
    });
    await expect(
      pipeline.run({ image, mask, stages: [{ name: 'lama' }], modelId: 'lama-fp32' }),
    ).rejects.toThrow(/"lama-fp32" is not installed.*models download lama-fp32/);
  });
});
