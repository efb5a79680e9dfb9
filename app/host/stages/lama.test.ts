import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { batchingText, readingText, sizingReasonText } from '../../common/lamaInfoText';
import type { LamaInfo } from '../../common/stageInfo';
import { addFill } from '../../../native-models/generated/fillNetwork';
import { GraphBuilder } from '../../graph/onnxBuilder';
import { ModelStore } from '../../../native-models/store';
import { StudioError } from '../../common/errors';
import { resolveParams } from '../../common/params';
import { createModelResolver } from '../services';
import { resizeImage } from '../../image/resize';
import { createImage, createMask, type Mask, type RgbImage } from '../../image/types';
import { createSessionPool } from '../../ort/sessions';
import type { SessionPool, TensorValue } from '../../ort/types';
import { Pipeline, type PipelineEvent } from '../../pipeline/run';
import type { ResolvedModel, StageDef } from '../../pipeline/types';
import { LAMA_PARAMS } from '../../stages/lama/params';
import { lamaStage } from '../../stages/lama/stage';
import { changedOutside, rectMask } from '../../testing/masks';

// A pass-through spy: the tests below prove the whole image is never resized.
vi.mock('../../image/resize', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../image/resize')>();
  return { ...mod, resizeImage: vi.fn(mod.resizeImage) };
});

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

function expectOutsideUntouched(out: RgbImage, input: RgbImage, mask: Mask) {
  expect(changedOutside(out, input, mask)).toBe(0);
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
    const info = r.stages[0].info as LamaInfo;
    expect(info).toMatchObject({
      engine: 'model',
      model: 'generated-lama-fixed-rgb',
      convention: 'lama-fixed-rgb',
      provider: 'cpu',
      modelInput: '512x512',
      sizing: 'resize',
    });
    expect(info.scale).toBeCloseTo(512 / 900, 6);
    // (The resize spy sees the stage's calls: the whole image was resized here.)
    expect(vi.mocked(resizeImage).mock.calls.some(([img]) => img.width === 900 && img.height === 600)).toBe(
      true,
    );
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

/** A session pool that records every feed the adapters build (name -> dims and data). */
function spyingPool(): SessionPool & { feeds: Record<string, TensorValue>[] } {
  const inner = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
  const feeds: Record<string, TensorValue>[] = [];
  return {
    feeds,
    runCounts: inner.runCounts,
    releaseAll: () => inner.releaseAll(),
    async get(p, c) {
      const s = await inner.get(p, c);
      return new Proxy(s, {
        get(target, prop, receiver) {
          if (prop === 'run')
            return (f: Record<string, TensorValue>, signal?: AbortSignal) => {
              feeds.push(f);
              return target.run(f, signal);
            };
          return Reflect.get(target, prop, receiver);
        },
      });
    },
  };
}

const totalRuns = (pool: SessionPool) => [...pool.runCounts.values()].reduce((a, b) => a + b, 0);

function union(...masks: Mask[]): Mask {
  const m = createMask(masks[0].width, masks[0].height);
  for (const k of masks) for (let i = 0; i < m.data.length; i++) m.data[i] |= k.data[i];
  return m;
}

describe('lama stage provider', () => {
  it('says which provider ran when a failed run moved the session to the next one', async () => {
    // A session that loaded on dml; its first run "fails there" and moves to the CPU, as app/ort does.
    const inner = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
    let provider = 'dml';
    const attempts = [
      { provider: 'dml', ok: true },
      { provider: 'dml', ok: false, reason: 'failed: a run failed: The parameter is incorrect.' },
      { provider: 'cpu', ok: true },
    ];
    const pool: SessionPool = {
      runCounts: inner.runCounts,
      releaseAll: () => inner.releaseAll(),
      async get(p, c) {
        const s = await inner.get(p, c);
        return new Proxy(s, {
          get(target, prop) {
            if (prop === 'provider') return provider;
            if (prop === 'attempts') return provider === 'dml' ? attempts.slice(0, 1) : attempts;
            if (prop === 'run')
              return async (f: Record<string, TensorValue>, signal?: AbortSignal) => {
                provider = 'cpu';
                return target.run(f, signal);
              };
            return Reflect.get(target, prop) as unknown;
          },
        });
      },
    };
    const pipeline = new Pipeline({ stages: [lamaStage], sessions: pool, models });
    const image = twoTone(256, 256);
    const r = await pipeline.run({
      image,
      mask: rectMask(256, 256, 100, 100, 140, 140),
      stages: [{ name: 'lama', params: { sizing: 'resize' } }],
      modelId: 'generated-lama-dynamic-4ch',
    });
    expect(r.stages[0].info).toMatchObject({
      provider: 'cpu',
      providerMoved: { from: 'dml', error: 'a run failed: The parameter is incorrect.' },
    });
    await pool.releaseAll();
  });
});

describe('lama sizing strategies', () => {
  it('fills two small holes far apart on a 4000x3000 image with two model calls on two crops, never resizing the image', async () => {
    const image = twoTone(4000, 3000);
    const mask = union(
      rectMask(4000, 3000, 300, 200, 360, 240),
      rectMask(4000, 3000, 3500, 2600, 3580, 2650),
    );
    for (const modelId of ['generated-lama-fixed-rgb', 'generated-lama-dynamic-4ch']) {
      const pool = spyingPool();
      const pipeline = new Pipeline({ stages: [lamaStage], sessions: pool, models });
      vi.mocked(resizeImage).mockClear();
      const logs: string[] = [];
      const r = await pipeline.run(
        { image, mask, stages: [{ name: 'lama' }], modelId },
        { onEvent: (e) => e.type === 'log' && logs.push(e.message) },
      );
      // The fixed-size generated model declares a dynamic batch: both 512x512 crops go in one call
      // (lama.batchSize defaults to 4); the dynamic one's batch is fixed at 1: one call per crop.
      const batched = modelId === 'generated-lama-fixed-rgb';
      const calls = batched ? 1 : 2;
      expect(totalRuns(pool)).toBe(calls);
      expect(pool.feeds).toHaveLength(calls);
      const info = r.stages[0].info as LamaInfo;
      expect(info).toMatchObject({
        strategy: 'regions',
        requestedSizing: 'auto',
        regions: 2,
        modelCalls: calls,
        batches: calls,
      });
      expect(logs.join('\n')).toMatch(
        /auto chose regions: the 4000x3000 image would be scaled to \d+%.*crops at full resolution/,
      );
      // Nothing resized the whole image (the crops fit the model at full resolution: nothing resized at all).
      const resized = vi.mocked(resizeImage).mock.calls.map(([img]) => `${img.width}x${img.height}`);
      expect(resized).not.toContain('4000x3000');
      const crops = info.crops as { x: number; y: number; width: number; height: number; scale: number }[];
      expect(crops).toHaveLength(2);
      for (const [k, c] of crops.entries()) {
        expect(c.scale).toBe(1);
        expect(c.width * c.height).toBeLessThan(300 * 300);
        const feed = Object.values(pool.feeds[batched ? 0 : k])[0];
        const [n, channels, h, w] = feed.dims;
        if (batched) {
          expect([n, h, w]).toEqual([2, 512, 512]);
          // Sample k of the batch is crop k, pixel for pixel (a known pixel near the crop's corner).
          const plane = h * w;
          expect((feed.data as Float32Array)[k * channels * plane + 2 * w + 2]).toBeCloseTo(
            image.data[(c.y + 2) * 4000 + c.x + 2],
            6,
          );
        } else {
          expect(n).toBe(1);
          expect(channels).toBe(4);
          expect([h, w]).toEqual([Math.ceil(c.height / 32) * 32, Math.ceil(c.width / 32) * 32]);
        }
      }
      expectOutsideUntouched(r.image, image, mask);
      expect(meanInHole(r.image, mask, 0, 0, 2000)).toBeGreaterThan(0.6); // left hole: red side
      expect(meanInHole(r.image, mask, 2, 2000, 4000)).toBeGreaterThan(0.6); // right hole: blue side
      await pool.releaseAll();
    }
  });

  it.each([
    ['regions', {}],
    ['multiscale', { multiscaleVariant: 'laplacian' }],
    ['multiscale', { multiscaleVariant: 'plain' }],
    ['multiscale', { coarseFit: true }],
  ])(
    'fills masks touching the image border with %s %j, leaving the rest bit-exact',
    async (sizing, extra) => {
      const image = twoTone(1600, 1000);
      const mask = union(
        rectMask(1600, 1000, 0, 0, 70, 50), // top-left corner
        rectMask(1600, 1000, 1540, 600, 1600, 1000), // right edge to the bottom
        rectMask(1600, 1000, 700, 960, 760, 1000), // bottom edge, on the red side
      );
      for (const modelId of ['generated-lama-fixed-rgb', 'generated-lama-dynamic-4ch']) {
        const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
        const r = await pipeline.run({
          image,
          mask,
          stages: [{ name: 'lama', params: { sizing, ...extra } }],
          modelId,
        });
        expectOutsideUntouched(r.image, image, mask);
        expect(r.stages[0].info).toMatchObject({ strategy: sizing, regions: 3 });
        expect(meanInHole(r.image, mask, 0, 0, 80)).toBeGreaterThan(0.6);
        expect(meanInHole(r.image, mask, 0, 700, 760)).toBeGreaterThan(0.6);
        expect(meanInHole(r.image, mask, 2, 1540, 1600)).toBeGreaterThan(0.6);
      }
    },
  );

  it('counts the model calls of each multiscale variant', async () => {
    const image = twoTone(1600, 1000);
    const mask = union(rectMask(1600, 1000, 200, 200, 300, 300), rectMask(1600, 1000, 1200, 600, 1300, 700));
    const calls = async (params: Record<string, unknown>) => {
      const pool = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
      const pipeline = new Pipeline({ stages: [lamaStage], sessions: pool, models });
      const r = await pipeline.run({
        image,
        mask,
        stages: [{ name: 'lama', params: { sizing: 'multiscale', ...params } }],
        modelId: 'generated-lama-fixed-rgb',
      });
      await pool.releaseAll();
      expect((r.stages[0].info as LamaInfo).modelCalls).toBe(totalRuns(pool));
      return totalRuns(pool);
    };
    expect(await calls({})).toBe(4); // coarse + fine per region
    expect(await calls({ multiscaleVariant: 'plain' })).toBe(6); // coarse + two fine halves per region
    expect(await calls({ coarseFit: true })).toBe(3); // one shared whole-image coarse pass + fine per region
  });

  it('auto picks multiscale for a large hole and says so in the progress events', async () => {
    const image = twoTone(1600, 1000);
    const mask = rectMask(1600, 1000, 350, 200, 1250, 800);
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    const events: PipelineEvent[] = [];
    const r = await pipeline.run(
      { image, mask, stages: [{ name: 'lama' }], modelId: 'generated-lama-fixed-rgb' },
      { onEvent: (e) => events.push(e) },
    );
    expect(r.stages[0].info).toMatchObject({ strategy: 'multiscale' });
    const { sizingReason } = r.stages[0].info as LamaInfo;
    expect(sizingReason).toMatchObject({ code: expect.stringMatching(/^large-hole/), side: 512 });
    expect(sizingReasonText(sizingReason)).toMatch(/largest hole is \d+ px/);
    const first = events.find((e) => e.type === 'progress');
    expect(first).toMatchObject({ message: expect.stringMatching(/^auto chose multiscale: /) });
    expectOutsideUntouched(r.image, image, mask);
  });

  it('restricts a region to the user context rectangle', async () => {
    const image = twoTone(1600, 1000);
    const mask = rectMask(1600, 1000, 780, 400, 840, 460);
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    const contextRect = { x: 760, y: 380, width: 200, height: 120 };
    const r = await pipeline.run({
      image,
      mask,
      stages: [{ name: 'lama', params: { sizing: 'regions', contextRect, contextMargin: 0.75 } }],
      modelId: 'generated-lama-fixed-rgb',
    });
    // The hole's box grown by its margin (45 px) is 735..885 x 355..505; the rectangle cuts it to 760..885 x 380..500.
    expect((r.stages[0].info as LamaInfo).crops![0]).toMatchObject({
      x: 760,
      y: 380,
      width: 125,
      height: 120,
    });
    expectOutsideUntouched(r.image, image, mask);
  });

  it('applies regions and multiscale to the embedded fill', async () => {
    const image = twoTone(600, 400);
    const mask = union(rectMask(600, 400, 40, 40, 80, 80), rectMask(600, 400, 500, 300, 560, 360));
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    for (const sizing of ['regions', 'multiscale']) {
      const r = await pipeline.run({
        image,
        mask,
        stages: [{ name: 'lama', params: { sizing, engine: 'embedded', fallback: 'pushpull' } }],
      });
      expect(r.stages[0].info).toMatchObject({ engine: 'embedded', strategy: sizing, regions: 2 });
      expectOutsideUntouched(r.image, image, mask);
      expect(meanInHole(r.image, mask, 0, 0, 100)).toBeGreaterThan(0.6);
      expect(meanInHole(r.image, mask, 2, 500, 600)).toBeGreaterThan(0.6);
    }
    const plain = await pipeline.run({
      image,
      mask,
      stages: [{ name: 'lama', params: { engine: 'embedded', fallback: 'pushpull' } }],
    });
    expect(plain.stages[0].info).toMatchObject({ strategy: 'original' });
  });

  it('fills each hole in its neighbourhood, not in the whole image, with the same result in place', async () => {
    const image = twoTone(1600, 1200);
    const mask = union(rectMask(1600, 1200, 40, 40, 70, 70), rectMask(1600, 1200, 1500, 1100, 1540, 1150));
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    const stages = [{ name: 'lama', params: { engine: 'embedded', fallback: 'patchmatch' } }];
    const r = await pipeline.run({ image, mask, stages });
    const info = r.stages[0].info as { neighbourhoods: number; crops: { width: number; height: number }[] };
    expect(info).toMatchObject({ strategy: 'original', neighbourhoods: 2 });
    // Each crop is its hole's box plus the embedded fill's reach, far less than the image.
    for (const c of info.crops) expect(c.width * c.height).toBeLessThan(0.1 * 1600 * 1200);
    expectOutsideUntouched(r.image, image, mask);
    expect(r.image.data).not.toBe(image.data);
    // Handed over (the CLI): the same pixels, written into the input's own planes, nothing cached.
    const given = createImage(1600, 1200, image.data.slice());
    const own = new Pipeline({ stages: [lamaStage], sessions, models });
    const inPlace = await own.run({ image: given, mask, stages }, { consumeImage: true });
    expect(inPlace.image.data).toBe(given.data);
    expect(Buffer.from(inPlace.image.data.buffer).equals(Buffer.from(r.image.data.buffer))).toBe(true);
    expect(own.cache.size).toBe(0);
  });
});

/**
 * A 4-channel dynamic-size model with a symbolic batch ([batch,4,H,W]), built like the generated
 * lama-dynamic-4ch one, written to a temporary folder (the generated one's batch is fixed at 1).
 */
async function dynamicBatchModel(): Promise<ResolvedModel> {
  const g = new GraphBuilder('lama_dynamic_4ch_batch');
  const input = g.input('input', 'float32', ['batch', 4, 'height', 'width']);
  const [rgb, hole] = g.node('Split', [input, g.int64s('split_rgb_mask', [2], [3, 1])], { axis: 1 }, 2);
  const [zero, one] = [g.scalar(0, 'zero'), g.scalar(1, 'one')];
  const filled = addFill(g, rgb, g.op('Sub', [one, g.op('Clip', [hole, zero, one])]));
  g.output(g.op('Clip', [filled, zero, one]), 'output', 'float32', ['batch', 3, 'height', 'width']);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lama-stage-custom-'));
  const file = path.join(dir, 'dynamic-batch.onnx');
  writeFileSync(file, g.build());
  return { id: 'custom-dynamic-batch', path: file, convention: 'lama-dynamic-4ch' };
}

/**
 * A custom (not generated) model of the Carve signature with a symbolic batch, output `body`'s
 * (image 0..1, known weight) times 255, in a temporary folder; declared lama-fixed-rgb.
 */
async function customFixedModel(
  name: string,
  body: (g: GraphBuilder, image: string, known: string) => string,
): Promise<ResolvedModel> {
  const g = new GraphBuilder(name.replace(/-/g, '_'));
  const image = g.input('image', 'float32', ['N', 3, 512, 512]);
  const mask = g.input('mask', 'float32', ['N', 1, 512, 512]);
  const known = g.op('Sub', [g.scalar(1, 'one'), mask]);
  g.output(g.op('Mul', [body(g, image, known), g.scalar(255, 'to255')]), 'output', 'float32', [
    'N',
    3,
    512,
    512,
  ]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lama-stage-custom-'));
  const file = path.join(dir, `${name}.onnx`);
  writeFileSync(file, g.build());
  return { id: `custom-${name}`, path: file, convention: 'lama-fixed-rgb' };
}

/** A pool whose sessions call `hook` after every run (with its feeds), and may refuse a run first. */
function hookedPool(
  hook: (feeds: Record<string, TensorValue>) => void,
  refuse?: (feeds: Record<string, TensorValue>) => Error | null,
): SessionPool & { attempts: number } {
  const inner = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
  const pool = {
    attempts: 0,
    runCounts: inner.runCounts,
    releaseAll: () => inner.releaseAll(),
    async get(p: string, c?: Parameters<SessionPool['get']>[1]) {
      const s = await inner.get(p, c);
      return new Proxy(s, {
        get(target, prop, receiver) {
          if (prop === 'run')
            return async (f: Record<string, TensorValue>, signal?: AbortSignal) => {
              pool.attempts++;
              const no = refuse?.(f);
              if (no) throw no;
              const out = await target.run(f, signal);
              hook(f);
              return out;
            };
          return Reflect.get(target, prop, receiver);
        },
      });
    },
  };
  return pool;
}

describe('regions in batches (lama.batchSize)', () => {
  const W = 4000;
  const H = 3000;
  const image = twoTone(W, H);
  // Four small separate holes, each 60x40 and far from the borders: equal 110x90 crops.
  const four = union(
    rectMask(W, H, 300, 200, 360, 240),
    rectMask(W, H, 3500, 200, 3560, 240),
    rectMask(W, H, 300, 2600, 360, 2640),
    rectMask(W, H, 3500, 2600, 3560, 2640),
  );
  const bytes = (img: RgbImage) => Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);

  async function fill(modelId: string, params: Record<string, unknown>, mask = four, pool?: SessionPool) {
    const sessions = pool ?? createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models });
    const logs: string[] = [];
    const r = await pipeline.run(
      { image, mask, stages: [{ name: 'lama', params: { sizing: 'regions', ...params } }], modelId },
      { onEvent: (e) => e.type === 'log' && logs.push(e.message) },
    );
    const runs = totalRuns(sessions);
    if (!pool) await sessions.releaseAll();
    return { image: r.image, info: r.stages[0].info as LamaInfo, runs, logs: logs.join('\n') };
  }

  /** As fill, with a model that the resolver hands out as is (not a generated one). */
  async function fillWith(
    model: ResolvedModel,
    params: Record<string, unknown>,
    mask = four,
    pool?: SessionPool,
  ) {
    const sessions = pool ?? createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
    const resolver = { resolve: () => Promise.resolve(model) };
    const pipeline = new Pipeline({ stages: [lamaStage], sessions, models: resolver });
    const r = await pipeline.run({
      image,
      mask,
      stages: [{ name: 'lama', params: { sizing: 'regions', ...params } }],
    });
    const runs = totalRuns(sessions);
    if (!pool) await sessions.releaseAll();
    return { image: r.image, info: r.stages[0].info as LamaInfo, runs };
  }

  it.each([['generated-lama-fixed-rgb', [2, 3, 4, 16]]])(
    '%s (dynamic batch): 4 holes on 4000x3000 in ceil(4 / batchSize) calls, bit-exact with the sequential run',
    async (modelId, sizes) => {
      const seq = await fill(modelId, { batchSize: 1 });
      expect(seq.runs).toBe(4);
      expect(seq.info).toMatchObject({
        regions: 4,
        modelCalls: 4,
        batchSize: 1,
        batches: 4,
        largestBatch: 1,
      });
      expectOutsideUntouched(seq.image, image, four);
      for (const batchSize of sizes) {
        const r = await fill(modelId, { batchSize });
        const calls = Math.ceil(4 / batchSize);
        expect(r.runs).toBe(calls);
        expect(r.info).toMatchObject({
          regions: 4,
          modelCalls: calls,
          batchSize,
          batches: calls,
          largestBatch: Math.min(4, batchSize),
          batching: { code: 'batched', size: batchSize, engine: { code: 'dynamic' } },
        });
        expect(batchingText(r.info.batching!)).toMatch(/batch dimension is dynamic/);
        expect(r.logs).toMatch(/Regions: up to \d+ regions per call/);
        expectOutsideUntouched(r.image, image, four);
        // Bit-exact inside the holes too: the same fills, composited region by region.
        expect(bytes(r.image).equals(bytes(seq.image))).toBe(true);
        // The crops are reported in the regions' order whatever the batches were.
        expect(r.info.crops).toEqual(seq.info.crops);
      }
      expect(meanInHole(seq.image, four, 0, 0, 2000)).toBeGreaterThan(0.6); // left holes: red side
    },
  );

  it.each(['generated-lama-fixed-bgr', 'generated-lama-dynamic-4ch'])(
    '%s (batch fixed at 1): one call per region whatever lama.batchSize, and says so',
    async (modelId) => {
      const r = await fill(modelId, { batchSize: 4 });
      expect(r.runs).toBe(4);
      expect(r.info).toMatchObject({ regions: 4, modelCalls: 4, batchSize: 1, batches: 4, modelBatch: 1 });
      expect(r.info.batching).toMatchObject({ code: 'engine-single', engine: { code: 'fixed-dim', dim: 1 } });
      expect(batchingText(r.info.batching!)).toMatch(
        /^one region per call: the model's batch dimension is fixed at 1 \(/,
      );
      expect(r.logs).toMatch(/Regions: one region per call: the model's batch dimension is fixed at 1/);
      expectOutsideUntouched(r.image, image, four);
    },
  );

  it('generated-migan: one call per region whatever lama.batchSize, because MI-GAN works only with batch 1', async () => {
    const r = await fill('generated-migan', { batchSize: 4 });
    expect(r.runs).toBe(4);
    expect(r.info).toMatchObject({
      regions: 4,
      modelCalls: 4,
      batchSize: 1,
      batches: 4,
      modelBatch: 'batch_size',
    });
    expect(r.info.batching).toMatchObject({ code: 'engine-single', engine: { code: 'convention' } });
    expect(batchingText(r.info.batching!)).toMatch(
      /^one region per call: MI-GAN's ONNX pipeline declares a symbolic batch, but its graph works only with batch 1 \(/,
    );
    expectOutsideUntouched(r.image, image, four);
  });

  it('a dynamic-size model batches only the crops that pad to the same size', async () => {
    // Two 60x40 holes (110x90 crops, padded to 128x96) and two 120x80 ones (220x180, padded to 224x192).
    const mixed = union(
      rectMask(W, H, 300, 200, 360, 240),
      rectMask(W, H, 3400, 200, 3520, 280),
      rectMask(W, H, 300, 2600, 360, 2640),
      rectMask(W, H, 3400, 2600, 3520, 2680),
    );
    const custom = await dynamicBatchModel();
    // First use (issue 14 items 18, 19): the self-check (4 calls: 2 colour orders x 2 mask
    // polarities), then, as regions would batch, the batch check (2 single calls and a batch of 2),
    // both recorded next to the model; then the two batched fills.
    const first = await fillWith(custom, { batchSize: 4 }, mixed);
    expect(first.runs).toBe(4 + 3 + 2);
    expect(first.info).toMatchObject({
      selfCheck: 'ran-now',
      selfCheckRuns: 4,
      reading: { order: 'RGB', outputScale: 1, maskInverted: false },
      // Both colour orders filled the self-check alike: the declared one is used, and the info says so.
      orderUndecided: true,
      batchSize: 4,
      batches: 2,
      batching: { code: 'batched', engine: { code: 'checked', capable: true, now: true } },
    });
    expect(batchingText(first.info.batching!)).toMatch(
      /and batching was checked now: a batch of two gave the single calls' fills \(largest difference 0\.0000\)/,
    );
    const recorded = JSON.parse(readFileSync(path.join(path.dirname(custom.path), 'checks.json'), 'utf8'));
    expect(recorded.files['dynamic-batch.onnx'].checks).toMatchObject({
      selfCheck: { convention: 'lama-dynamic-4ch', orderDecided: false },
      batch: { capable: true, maxDiff: 0 },
    });
    // Later uses read the record and run no check.
    const feeds: string[] = [];
    const pool = hookedPool((f) => feeds.push(`[${f.input.dims.join(',')}]`));
    const r = await fillWith(custom, { batchSize: 4 }, mixed, pool);
    expect(r.info).toMatchObject({ selfCheck: 'recorded' });
    expect(r.info.selfCheckRuns).toBeUndefined();
    expect(r.runs).toBe(2);
    expect(feeds).toEqual(['[2,4,96,128]', '[2,4,192,224]']); // multiples of 32
    const seq = await fillWith(custom, { batchSize: 1 }, mixed);
    expect(bytes(r.image).equals(bytes(seq.image))).toBe(true);
    expectOutsideUntouched(r.image, image, mixed);
    await pool.releaseAll();
  });

  it('first use: a model declared lama-fixed-rgb whose output is 0..1 is driven with the reading the self-check found', async () => {
    const model = await customFixedModel('output-0-1', (g, image, known) =>
      g.op('Mul', [addFill(g, image, known), g.scalar(1 / 255, 'cancel255')]),
    );
    const r = await fillWith(model, { batchSize: 1 });
    expect(r.info).toMatchObject({
      convention: 'lama-fixed-rgb',
      selfCheck: 'ran-now',
      selfCheckRuns: 4,
      reading: { order: 'RGB', outputScale: 1, maskInverted: false },
    });
    expect(readingText(r.info.reading!)).toBe('RGB, output 0..1, mask as documented');
    // Read as 0..255 the fill would be black; read as found, the left holes take the red side's colour.
    expect(meanInHole(r.image, four, 0, 0, 2000)).toBeGreaterThan(0.6);
  });

  it('first use: a model no reading makes fill its holes is refused with MODEL_UNSUPPORTED', async () => {
    const model = await customFixedModel('constant', (g, image) =>
      g.op('Add', [g.op('Mul', [image, g.scalar(0, 'zero')]), g.scalar(0.5, 'grey')]),
    );
    await expect(fillWith(model, { batchSize: 1 })).rejects.toMatchObject({
      code: 'MODEL_UNSUPPORTED',
      message: expect.stringMatching(/failed the self-check/),
    });
  });

  it('first use: a symbolic batch whose samples leak into each other is checked, recorded, and not batched', async () => {
    // fill + (batch mean - image): a batch of two mixes the two images.
    const model = await customFixedModel('leaky-batch', (g, image, known) =>
      g.op('Add', [
        addFill(g, image, known),
        g.op('Sub', [g.op('ReduceMean', [image], { axes: [0], keepdims: 1 }), image]),
      ]),
    );
    const first = await fillWith(model, { batchSize: 4 });
    expect(first.runs).toBe(4 + 3 + 4); // self-check, batch check, then one call per region
    expect(first.info).toMatchObject({
      batchSize: 1,
      batches: 4,
      batching: { code: 'engine-single', engine: { code: 'checked', capable: false, now: true } },
    });
    expect(batchingText(first.info.batching!)).toMatch(
      /batching was checked now: a batch of two gave other fills than single calls/,
    );
    const again = await fillWith(model, { batchSize: 4 });
    expect(again.runs).toBe(4); // recorded: no check runs again, still one call per region
    expect(again.info.batching).toMatchObject({ engine: { code: 'checked', capable: false, now: false } });
    expect(batchingText(again.info.batching!)).toMatch(
      /batching was checked: a batch of two gave other fills/,
    );
    expect(bytes(again.image).equals(bytes(first.image))).toBe(true);
  });

  it('bounds a batch by its pixels: lama.resizeLimit squared per call', async () => {
    // 512 px: one 512x512 crop per call; 768 px: two; 1024 px (the default): four.
    for (const [resizeLimit, calls] of [
      [512, 4],
      [768, 2],
      [1024, 1],
    ]) {
      const r = await fill('generated-lama-fixed-rgb', { batchSize: 16, resizeLimit });
      expect(r.runs).toBe(calls);
      expect(r.info.largestBatch).toBe(4 / calls);
    }
  });

  it('falls back to one region per call when a batched call fails, with the same result', async () => {
    const pool = hookedPool(
      () => {},
      (f) =>
        f.image.dims[0] > 1 ? new StudioError('INFERENCE', 'Reshape: batch 1 baked into the graph') : null,
    );
    const r = await fill('generated-lama-fixed-rgb', { batchSize: 4 }, four, pool);
    expect(pool.attempts).toBe(5); // the refused batch, then the four regions one by one
    // modelCalls counts session.run calls, the refused one too; batches counts the calls that filled.
    expect(r.info).toMatchObject({ modelCalls: 5, batches: 4, largestBatch: 1 });
    expect(r.logs).toMatch(
      /A batched call of 4 regions failed \(Reshape: batch 1 baked into the graph\); filling the remaining 4 regions one per call/,
    );
    const seq = await fill('generated-lama-fixed-rgb', { batchSize: 1 });
    expect(bytes(r.image).equals(bytes(seq.image))).toBe(true);
    await pool.releaseAll();
  });

  it('stops between batches when cancelled: CANCELLED, and no further model call', async () => {
    const controller = new AbortController();
    const pool = hookedPool(() => controller.abort());
    const progress: string[] = [];
    const params = resolveParams(LAMA_PARAMS, { sizing: 'regions', batchSize: 2 });
    const run = lamaStage.run({ image, original: image, mask: four, artifacts: {} }, params, {
      signal: controller.signal,
      progress: (u) => progress.push(u.message ?? ''),
      sessions: pool,
      models,
      seed: 1,
      modelId: 'generated-lama-fixed-rgb',
      log: () => {},
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(pool.attempts).toBe(1); // the first batch ran; the second never started
    expect(progress.filter((m) => /^Regions .*crops in one call/.test(m))).toEqual([
      'Regions 1, 2/4: 2 crops in one call at 512x512 (generated-lama-fixed-rgb on cpu)',
    ]);
    await pool.releaseAll();
  });
});
