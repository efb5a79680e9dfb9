import { describe, expect, it, vi } from 'vitest';
import { growMask } from '../image/morphology';
import { createImage, createMask, type Mask, type RgbImage } from '../image/types';
import type { SessionPool } from '../ort/types';
import { errorOf } from '../testing/errors';
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

const W = 12;
const H = 9;

/** A stage that brightens its hole and whatever `extra` says, from a copy of its input. */
function stage(name: StageName, write: (out: RgbImage, mask: Mask) => Mask | void): StageDef {
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

function fixture() {
  const image = createImage(W, H);
  for (let i = 0; i < image.data.length; i++) image.data[i] = (i % 7) / 7;
  const mask = createMask(W, H);
  for (let y = 3; y < 6; y++) for (let x = 4; x < 8; x++) mask.data[y * W + x] = 1;
  return { image, mask };
}

function brightenHole(out: RgbImage, mask: Mask): void {
  const n = W * H;
  for (let i = 0; i < n; i++) if (mask.data[i]) for (let c = 0; c < 3; c++) out.data[c * n + i] += 0.1;
}

/** Brightens the hole and, by mistake, the pixels (1, 2) and (10, 7) in green. */
const careless = stage('texture', (out, mask) => {
  brightenHole(out, mask);
  out.data[W * H + 2 * W + 1] += 0.2;
  out.data[W * H + 7 * W + 10] -= 0.2;
});

describe('the pipeline keeps the pixels outside the hole', () => {
  it('refuses a stage that changed pixels outside the hole, naming it, the count and a position', async () => {
    const p = new Pipeline({ stages: [careless], sessions, models });
    const { image, mask } = fixture();
    const e = await errorOf(p.run({ image, mask, stages: [{ name: 'texture' }] }), 'INTERNAL');
    expect(e.message).toContain('"texture"');
    expect(e.message).toContain('2 pixels outside the hole');
    expect(e.message).toContain('(1, 2)');
  });

  it('in restore mode puts the outside pixels back, keeps the fill and logs the violation', async () => {
    const p = new Pipeline({ stages: [careless], sessions, models, outsideHole: 'restore' });
    const { image, mask } = fixture();
    const events: PipelineEvent[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const r = await p.run({ image, mask, stages: [{ name: 'texture' }] }, { onEvent: (e) => events.push(e) });
    const n = W * H;
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
    const grows = stage('lama', (out, mask) => {
      const grown = growMask(mask, 2);
      brightenHole(out, grown);
      return grown;
    });
    const p = new Pipeline({ stages: [grows, stage('color', brightenHole)], sessions, models });
    const { image, mask } = fixture();
    const r = await p.run({ image, mask, stages: [{ name: 'lama' }, { name: 'color' }] });
    expect(r.mask.data.reduce((a, b) => a + b, 0)).toBeGreaterThan(mask.data.reduce((a, b) => a + b, 0));
  });

  it('still refuses a write outside the grown hole', async () => {
    const grows = stage('lama', (out, mask) => {
      const grown = growMask(mask, 1);
      brightenHole(out, grown);
      out.data[0] = 1 - out.data[0];
      return grown;
    });
    const p = new Pipeline({ stages: [grows], sessions, models });
    const { image, mask } = fixture();
    const e = await errorOf(p.run({ image, mask, stages: [{ name: 'lama' }] }), 'INTERNAL');
    expect(e.message).toContain('1 pixels outside the hole');
    expect(e.message).toContain('(0, 0)');
  });
});
