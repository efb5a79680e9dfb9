import { describe, expect, it, vi } from 'vitest';
import { StudioError } from '../common/errors';
import { growMask } from '../image/morphology';
import { createImage, createMask, type Mask, type RgbImage } from '../image/types';
import { errorOf } from '../testing/errors';
import type { SessionPool } from '../ort/types';
import { Pipeline, type PipelineEvent } from './run';
import type { ModelResolver, StageDef, StageName, StageOutput } from './types';

const sessions: SessionPool = {
  get: async () => {
    throw new Error('unused');
  },
  runCounts: new Map(),
  releaseAll: async () => {},
};
const models: ModelResolver = { resolve: async () => null };

/** A stage that adds `amount` inside the mask and counts its runs. */
function addStage(
  name: StageName,
  counter: { n: number },
  extra?: (ctx: Parameters<StageDef['run']>[2]) => Promise<void>,
): StageDef {
  return {
    name,
    label: name,
    description: 'test stage',
    params: {
      stage: name,
      params: [
        {
          kind: 'number',
          name: 'amount',
          label: 'Amount',
          help: '',
          default: 0.1,
          min: 0,
          max: 1,
          step: 0.01,
        },
      ],
    },
    async run(input, params, ctx) {
      counter.n++;
      if (extra) await extra(ctx);
      const out = input.image.data.slice();
      const n = input.mask.width * input.mask.height;
      for (let c = 0; c < 3; c++)
        for (let i = 0; i < n; i++) if (input.mask.data[i]) out[c * n + i] += params.amount as number;
      return { image: { width: input.image.width, height: input.image.height, data: out } };
    },
  };
}

function fixture() {
  const image = createImage(8, 6);
  image.data.fill(0.25);
  const mask = createMask(8, 6);
  mask.data[10] = 1;
  mask.data[11] = 1;
  return { image, mask };
}

describe('Pipeline', () => {
  it('runs stages in order and never touches pixels outside the mask', async () => {
    const a = { n: 0 },
      b = { n: 0 };
    const p = new Pipeline({ stages: [addStage('texture', a), addStage('color', b)], sessions, models });
    const { image, mask } = fixture();
    const r = await p.run({
      image,
      mask,
      stages: [{ name: 'texture' }, { name: 'color', params: { amount: 0.5 } }],
    });
    expect(r.image.data[10]).toBeCloseTo(0.85, 6);
    for (let i = 0; i < r.image.data.length; i++) if (!mask.data[i % 48]) expect(r.image.data[i]).toBe(0.25);
    expect(r.stages.map((s) => s.stage)).toEqual(['texture', 'color']);
  });

  it('changing a later stage parameter re-runs only that stage', async () => {
    const a = { n: 0 },
      b = { n: 0 };
    const p = new Pipeline({ stages: [addStage('texture', a), addStage('color', b)], sessions, models });
    const { image, mask } = fixture();
    await p.run({ image, mask, stages: [{ name: 'texture' }, { name: 'color', params: { amount: 0.2 } }] });
    const r = await p.run({
      image,
      mask,
      stages: [{ name: 'texture' }, { name: 'color', params: { amount: 0.3 } }],
    });
    expect(a.n).toBe(1);
    expect(b.n).toBe(2);
    expect(r.stages[0].cached).toBe(true);
    expect(r.stages[1].cached).toBe(false);
    // An earlier parameter change re-runs both.
    await p.run({
      image,
      mask,
      stages: [
        { name: 'texture', params: { amount: 0.4 } },
        { name: 'color', params: { amount: 0.3 } },
      ],
    });
    expect([a.n, b.n]).toEqual([2, 3]);
    // A different mask is a different input.
    const mask2 = createMask(8, 6);
    mask2.data[3] = 1;
    await p.run({
      image,
      mask: mask2,
      stages: [{ name: 'texture' }, { name: 'color', params: { amount: 0.3 } }],
    });
    expect([a.n, b.n]).toEqual([3, 4]);
  });

  it('validates the whole stage list before running anything', async () => {
    const a = { n: 0 };
    const p = new Pipeline({ stages: [addStage('texture', a)], sessions, models });
    const { image, mask } = fixture();
    await expect(
      p.run({ image, mask, stages: [{ name: 'texture', params: { amount: 'x' } }] }),
    ).rejects.toThrow('Expected a number between 0 and 1 for texture.amount but received "x"');
    await expect(
      p.run({ image, mask, stages: [{ name: 'texture' }, { name: 'nope' }] }),
    ).rejects.toMatchObject({ code: 'STAGE_UNKNOWN' });
    await expect(p.run({ image, mask: createMask(3, 3), stages: [{ name: 'texture' }] })).rejects.toThrow(
      'The mask is 3x3 but the image is 8x6',
    );
    expect(a.n).toBe(0);
  });

  it('cancels promptly while a stage is busy, and stays usable', async () => {
    const a = { n: 0 };
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    const p = new Pipeline({ stages: [addStage('texture', a, () => stuck)], sessions, models });
    const { image, mask } = fixture();
    const ac = new AbortController();
    const run = p.run({ image, mask, stages: [{ name: 'texture' }] }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    // The stage never returns until release() below: the run settles without waiting for it.
    const err = await run.catch((e) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect(err.code).toBe('CANCELLED');
    release();
    expect(p.cache.size).toBe(0);
    // The next run works.
    const ok = new Pipeline({ stages: [addStage('texture', a)], sessions, models });
    await expect(ok.run({ image, mask, stages: [{ name: 'texture' }] })).resolves.toBeDefined();
  });

  it('throttles progress to 10 events a second and delivers the last one', async () => {
    // A simulated clock: the stage reports every 10 ms for 350 ms, so the throttle (100 ms) lets through
    // the first report, one at 100, 200 and 300 ms (held reports sent by its timer), and the last.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const a = { n: 0 };
      const stage = addStage('texture', a, async (ctx) => {
        for (let i = 1; i <= 35; i++) {
          ctx.progress({ step: i, total: 100000 });
          vi.advanceTimersByTime(10);
        }
        ctx.progress({ step: 100000, total: 100000 });
      });
      const events: PipelineEvent[] = [];
      const p = new Pipeline({ stages: [stage], sessions, models });
      const { image, mask } = fixture();
      await p.run({ image, mask, stages: [{ name: 'texture' }] }, { onEvent: (e) => events.push(e) });
      const progress = events.filter((e) => e.type === 'progress');
      expect(progress.map((e) => (e as { step: number }).step)).toEqual([1, 10, 20, 30, 100000]);
      expect(events.at(-1)?.type).toBe('stage-end');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Pipeline artifacts', () => {
  it('hands an earlier stage artifacts to the later ones, also from the cache', async () => {
    const seen: unknown[] = [];
    const producer: StageDef = {
      ...addStage('blockmatch', { n: 0 }),
      run: async (input) => ({
        image: input.image,
        artifacts: { exemplar: { x: 1, y: 2, width: 3, height: 4 } },
      }),
    };
    const consumer: StageDef = {
      ...addStage('texture', { n: 0 }),
      run: async (input, params) => {
        seen.push({ ...input.artifacts, amount: params.amount });
        return { image: input.image };
      },
    };
    const p = new Pipeline({ stages: [producer, consumer], sessions, models });
    const { image, mask } = fixture();
    const r = await p.run({ image, mask, stages: [{ name: 'blockmatch' }, { name: 'texture' }] });
    await p.run({
      image,
      mask,
      stages: [{ name: 'blockmatch' }, { name: 'texture', params: { amount: 0.2 } }],
    });
    expect(seen).toEqual([
      { exemplar: { x: 1, y: 2, width: 3, height: 4 }, amount: 0.1 },
      { exemplar: { x: 1, y: 2, width: 3, height: 4 }, amount: 0.2 },
    ]);
    expect(r.artifacts.exemplar).toEqual({ x: 1, y: 2, width: 3, height: 4 });
  });

  it('hands a consumed image to the last stage as writable, and caches nothing', async () => {
    const seen: boolean[] = [];
    const spy = (name: StageName): StageDef => {
      const inner = addStage(name, { n: 0 });
      return {
        ...inner,
        run: (input, params, ctx) => {
          seen.push(input.writable === true);
          return inner.run(input, params, ctx);
        },
      };
    };
    const pipeline = new Pipeline({ stages: [spy('lama'), spy('color')], sessions, models });
    const { image, mask } = fixture();
    await pipeline.run({ image, mask, stages: [{ name: 'lama' }, { name: 'color' }] });
    expect(seen).toEqual([false, false]);
    expect(pipeline.cache.size).toBe(2);
    seen.length = 0;
    pipeline.cache.clear();
    // The first stage's input is the original, which later stages may read: not writable; the second
    // stage's input is the first one's output, which nobody else holds.
    await pipeline.run(
      { image, mask, stages: [{ name: 'lama' }, { name: 'color' }] },
      { consumeImage: true },
    );
    expect(seen).toEqual([false, true]);
    seen.length = 0;
    await pipeline.run({ image, mask, stages: [{ name: 'lama' }] }, { consumeImage: true });
    expect(seen).toEqual([true]);
    expect(pipeline.cache.size).toBe(0);
  });
});

const HW = 12;
const HH = 9;

/** A stage that brightens its hole and whatever `extra` says, from a copy of its input. */
function holeStage(name: StageName, write: (out: RgbImage, mask: Mask) => Mask | void): StageDef {
  return {
    name,
    label: name,
    description: 'test stage',
    params: { stage: name, params: [] },
    async run(input): Promise<StageOutput> {
      const out = { width: input.image.width, height: input.image.height, data: input.image.data.slice() };
      const grown = write(out, input.mask);
      return grown ? { image: out, mask: grown } : { image: out };
    },
  };
}

function holeFixture() {
  const image = createImage(HW, HH);
  for (let i = 0; i < image.data.length; i++) image.data[i] = (i % 7) / 7;
  const mask = createMask(HW, HH);
  for (let y = 3; y < 6; y++) for (let x = 4; x < 8; x++) mask.data[y * HW + x] = 1;
  return { image, mask };
}

function brightenHole(out: RgbImage, mask: Mask): void {
  const n = HW * HH;
  for (let i = 0; i < n; i++) if (mask.data[i]) for (let c = 0; c < 3; c++) out.data[c * n + i] += 0.1;
}

/** Brightens the hole and, by mistake, the pixels (1, 2) and (10, 7) in green. */
const careless = holeStage('texture', (out, mask) => {
  brightenHole(out, mask);
  out.data[HW * HH + 2 * HW + 1] += 0.2;
  out.data[HW * HH + 7 * HW + 10] -= 0.2;
});

describe('the pipeline keeps the pixels outside the hole', () => {
  it('refuses a stage that changed pixels outside the hole, naming it, the count and a position', async () => {
    const p = new Pipeline({ stages: [careless], sessions, models });
    const { image, mask } = holeFixture();
    const e = await errorOf(p.run({ image, mask, stages: [{ name: 'texture' }] }), 'INTERNAL');
    expect(e.message).toContain('"texture"');
    expect(e.message).toContain('2 pixels outside the hole');
    expect(e.message).toContain('(1, 2)');
  });

  it('in restore mode puts the outside pixels back, keeps the fill and logs the violation', async () => {
    const p = new Pipeline({ stages: [careless], sessions, models, outsideHole: 'restore' });
    const { image, mask } = holeFixture();
    const events: PipelineEvent[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const r = await p.run({ image, mask, stages: [{ name: 'texture' }] }, { onEvent: (e) => events.push(e) });
    const n = HW * HH;
    for (let i = 0; i < n; i++)
      for (let c = 0; c < 3; c++) {
        const want = image.data[c * n + i] + (mask.data[i] ? 0.1 : 0);
        expect(r.image.data[c * n + i]).toBeCloseTo(want, 6);
        if (!mask.data[i]) expect(r.image.data[c * n + i]).toBe(image.data[c * n + i]);
      }
    const logs = events.filter((e) => e.type === 'log');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ stage: 'texture' });
    expect((logs[0] as { message: string }).message).toContain('2 pixels outside the hole');
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    // What the cache keeps is the restored image.
    const again = await p.run({ image, mask, stages: [{ name: 'texture' }] });
    expect(again.stages[0].cached).toBe(true);
    expect(again.image.data).toEqual(r.image.data);
  });

  it('lets a stage write into the hole it grew, and later stages into that grown hole', async () => {
    const grows = holeStage('lama', (out, mask) => {
      const grown = growMask(mask, 2);
      brightenHole(out, grown);
      return grown;
    });
    const p = new Pipeline({ stages: [grows, holeStage('color', brightenHole)], sessions, models });
    const { image, mask } = holeFixture();
    const r = await p.run({ image, mask, stages: [{ name: 'lama' }, { name: 'color' }] });
    expect(r.mask.data.reduce((a, b) => a + b, 0)).toBeGreaterThan(mask.data.reduce((a, b) => a + b, 0));
  });

  it('still refuses a write outside the grown hole', async () => {
    const grows = holeStage('lama', (out, mask) => {
      const grown = growMask(mask, 1);
      brightenHole(out, grown);
      out.data[0] = 1 - out.data[0];
      return grown;
    });
    const p = new Pipeline({ stages: [grows], sessions, models });
    const { image, mask } = holeFixture();
    const e = await errorOf(p.run({ image, mask, stages: [{ name: 'lama' }] }), 'INTERNAL');
    expect(e.message).toContain('1 pixels outside the hole');
    expect(e.message).toContain('(0, 0)');
  });
});
