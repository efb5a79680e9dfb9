import { describe, expect, it } from 'vitest';
import { StudioError } from '../common/errors';
import { createImage, createMask } from '../image/types';
import type { SessionPool } from '../ort/types';
import { Pipeline } from './run';
import { previewCrop, tryValues } from './tryValues';
import type { ModelResolver, StageDef, StageName } from './types';

const sessions: SessionPool = {
  get: async () => {
    throw new Error('unused');
  },
  runCounts: new Map(),
  releaseAll: async () => {},
};
const models: ModelResolver = { resolve: async () => null };

/** Adds `amount` inside the mask; counts its runs; optionally waits on `gate` first. */
function addStage(name: StageName, counter: { n: number }, gate?: () => Promise<void>): StageDef {
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
        { kind: 'boolean', name: 'flag', label: 'Flag', help: '', default: false },
      ],
    },
    async run(input, params, ctx) {
      counter.n++;
      if (gate) await gate();
      if (ctx.signal.aborted) throw new StudioError('CANCELLED', 'cancelled');
      const out = input.image.data.slice();
      const n = input.mask.width * input.mask.height;
      for (let c = 0; c < 3; c++)
        for (let i = 0; i < n; i++) if (input.mask.data[i]) out[c * n + i] += params.amount as number;
      return { image: { width: input.image.width, height: input.image.height, data: out } };
    },
  };
}

/** A 64x48 gradient with a 6x4 hole at (30, 20). */
function fixture() {
  const W = 64,
    H = 48;
  const image = createImage(W, H);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < W * H; i++) image.data[c * W * H + i] = ((i % W) / W) * 0.5 + c * 0.1;
  const mask = createMask(W, H);
  for (let y = 20; y < 24; y++) for (let x = 30; x < 36; x++) mask.data[y * W + x] = 1;
  return { image, mask };
}

describe('tryValues', () => {
  it('returns one preview per value, each with the value inside the hole and the input outside it', async () => {
    const a = { n: 0 },
      b = { n: 0 };
    const p = new Pipeline({ stages: [addStage('lama', a), addStage('color', b)], sessions, models });
    const { image, mask } = fixture();
    const values = [0, 0.25, 0.5, 0.75, 1];
    const seen: number[] = [];
    const r = await tryValues(
      p,
      { image, mask, stages: [{ name: 'lama' }, { name: 'color' }], stage: 'color', param: 'amount', values },
      { onPreview: (pv) => seen.push(pv.index) },
    );
    expect(r.previews.map((x) => x.value)).toEqual(values);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(r.scale).toBe(1);
    // The holes' box (6x4 at 30,20) with a 16 px margin, clipped to the image.
    expect(r.crop).toEqual({ x: 14, y: 4, width: 38, height: 36 });
    const W = image.width,
      n = W * image.height;
    for (const pv of r.previews) {
      const m = pv.image.width * pv.image.height;
      expect([pv.image.width, pv.image.height]).toEqual([38, 36]);
      let inside = 0;
      for (let y = 0; y < 36; y++)
        for (let x = 0; x < 38; x++) {
          const j = (r.crop.y + y) * W + r.crop.x + x;
          const k = y * 38 + x;
          for (let c = 0; c < 3; c++) {
            const want = image.data[c * n + j] + (pv.hole.data[k] ? 0.1 + pv.value : 0);
            expect(pv.image.data[c * m + k]).toBeCloseTo(want, 5);
          }
          if (pv.hole.data[k]) inside++;
          else for (let c = 0; c < 3; c++) expect(pv.image.data[c * m + k]).toBe(image.data[c * n + j]);
        }
      expect(inside).toBe(24);
    }
    // The earlier stage ran once (then came from the cache); the varied one once per value.
    expect(a.n).toBe(1);
    expect(b.n).toBe(5);
  });

  it('reuses the cached earlier stages of a run and leaves the cache as the run left it', async () => {
    const a = { n: 0 },
      b = { n: 0 };
    const p = new Pipeline({ stages: [addStage('lama', a), addStage('color', b)], sessions, models });
    const { image, mask } = fixture();
    const stages = [{ name: 'lama' }, { name: 'color' }];
    await p.run({ image, mask, stages });
    const size = p.cache.size;
    await tryValues(p, { image, mask, stages, stage: 'color', param: 'amount', values: [0.2, 0.9] });
    expect(a.n).toBe(1);
    expect(b.n).toBe(3);
    expect(p.cache.size).toBe(size);
    // The user's run is still cached whole.
    const again = await p.run({ image, mask, stages });
    expect(again.stages.every((s) => s.cached)).toBe(true);
  });

  it('scales a large crop down to maxSide', async () => {
    const p = new Pipeline({ stages: [addStage('color', { n: 0 })], sessions, models });
    const { image, mask } = fixture();
    const r = await tryValues(p, {
      image,
      mask,
      stages: [{ name: 'color' }],
      stage: 'color',
      param: 'amount',
      values: [0.5],
      maxSide: 19,
    });
    expect(r.scale).toBeCloseTo(0.5, 6);
    expect([r.previews[0].image.width, r.previews[0].image.height]).toEqual([19, 18]);
  });

  it('stops with CANCELLED when the signal fires, without running the remaining values', async () => {
    const b = { n: 0 };
    let release: () => void = () => {};
    const gate = () => new Promise<void>((r) => (release = r));
    const p = new Pipeline({ stages: [addStage('color', b, gate)], sessions, models });
    const { image, mask } = fixture();
    const ac = new AbortController();
    const work = tryValues(
      p,
      { image, mask, stages: [{ name: 'color' }], stage: 'color', param: 'amount', values: [0.1, 0.2, 0.3] },
      { signal: ac.signal },
    );
    await new Promise((r) => setTimeout(r, 0));
    ac.abort();
    release();
    await expect(work).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(b.n).toBe(1);
  });

  it('refuses a stage outside the run, a non-number parameter and an out-of-range value before running', async () => {
    const b = { n: 0 };
    const p = new Pipeline({ stages: [addStage('lama', { n: 0 }), addStage('color', b)], sessions, models });
    const { image, mask } = fixture();
    const base = { image, mask, stages: [{ name: 'color' }] };
    await expect(
      tryValues(p, { ...base, stage: 'lama', param: 'amount', values: [0.1] }),
    ).rejects.toMatchObject({
      code: 'PARAM_INVALID',
      message: expect.stringContaining('"lama" is not in the run'),
    });
    await expect(tryValues(p, { ...base, stage: 'color', param: 'flag', values: [1] })).rejects.toMatchObject(
      {
        code: 'PARAM_INVALID',
        message: expect.stringContaining('color.flag'),
      },
    );
    await expect(
      tryValues(p, { ...base, stage: 'color', param: 'amount', values: [0.5, 3] }),
    ).rejects.toMatchObject({ code: 'PARAM_INVALID', message: expect.stringContaining('color.amount') });
    await expect(
      tryValues(p, { ...base, stage: 'color', param: 'amount', values: [] }),
    ).rejects.toMatchObject({
      code: 'PARAM_INVALID',
    });
    expect(b.n).toBe(0);
  });

  it('needs a hole', () => {
    expect(() => previewCrop(createMask(8, 8))).toThrow(expect.objectContaining({ code: 'MASK_SIZE' }));
  });
});
