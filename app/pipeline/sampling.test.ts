// The sampling area (issue 15 §4): the pipeline checks it, hands it to every stage, keys its cache by it,
// and try-values passes it on.
import { describe, expect, it } from 'vitest';
import { StudioError } from '../common/errors';
import { createImage, createMask, type Mask } from '../image/types';
import type { SessionPool } from '../ort/types';
import { Pipeline } from './run';
import { tryValues } from './tryValues';
import type { ModelResolver, StageDef, StageName } from './types';
import { errorOf } from '../testing/errors';

const sessions: SessionPool = {
  get: async () => {
    throw new Error('unused');
  },
  runCounts: new Map(),
  releaseAll: async () => {},
};
const models: ModelResolver = { resolve: async () => null };

/** A stage that records the sampling area it was given and writes the hole with `amount`. */
function recordingStage(name: StageName, seen: (Mask | undefined)[]): StageDef {
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
          default: 0.5,
          min: 0,
          max: 1,
          step: 0.01,
        },
      ],
    },
    async run(input, params) {
      seen.push(input.sampling);
      const out = input.image.data.slice();
      const n = input.mask.width * input.mask.height;
      for (let i = 0; i < n; i++) if (input.mask.data[i]) out[i] = params.amount as number;
      return { image: { width: input.image.width, height: input.image.height, data: out } };
    },
  };
}

function fixture() {
  const image = createImage(8, 6);
  image.data.fill(0.25);
  const mask = createMask(8, 6);
  mask.data[10] = mask.data[11] = 1;
  const sampling = createMask(8, 6);
  for (let i = 0; i < 24; i++) sampling.data[i] = 1; // the top half
  return { image, mask, sampling };
}

describe('pipeline: sampling area', () => {
  it('hands the sampling area to every stage', async () => {
    const seen: (Mask | undefined)[] = [];
    const p = new Pipeline({
      stages: [recordingStage('lama', seen), recordingStage('color', seen)],
      sessions,
      models,
    });
    const { image, mask, sampling } = fixture();
    await p.run({ image, mask, sampling, stages: [{ name: 'lama' }, { name: 'color' }] });
    expect(seen).toHaveLength(2);
    for (const s of seen) expect(s?.data).toEqual(sampling.data);
    await p.run({ image, mask, stages: [{ name: 'lama', params: { amount: 0.7 } }] });
    expect(seen[2]).toBeUndefined();
  });

  it('refuses a sampling area of another size, naming it and both sizes', async () => {
    const p = new Pipeline({ stages: [recordingStage('lama', [])], sessions, models });
    const { image, mask } = fixture();
    const e = await errorOf(p.run({ image, mask, sampling: createMask(4, 4), stages: [{ name: 'lama' }] }));
    expect(e).toBeInstanceOf(StudioError);
    expect(e.code).toBe('MASK_SIZE');
    expect(e.message).toMatch(/sampling/);
    expect(e.message).toMatch(/4x4/);
    expect(e.message).toMatch(/8x6/);
  });

  it('refuses a sampling area with no pixel outside the hole', async () => {
    const p = new Pipeline({ stages: [recordingStage('lama', [])], sessions, models });
    const { image, mask } = fixture();
    const inHoleOnly = createMask(8, 6);
    inHoleOnly.data[10] = 1;
    for (const sampling of [createMask(8, 6), inHoleOnly]) {
      const e = await errorOf(p.run({ image, mask, sampling, stages: [{ name: 'lama' }] }));
      expect(e.code).toBe('PARAM_INVALID');
      expect(e.message).toMatch(/sampling/);
      expect(e.message).toMatch(/nothing to sample from/);
    }
    // localCrops (the CLI's neighbourhood runs) checks it the same way, before anything runs.
    const e = await errorOf(p.localCrops({ mask, sampling: createMask(8, 6), stages: [{ name: 'lama' }] }));
    expect(e.code).toBe('PARAM_INVALID');
  });

  it('a different sampling area is a different cached result', async () => {
    const seen: (Mask | undefined)[] = [];
    const p = new Pipeline({ stages: [recordingStage('lama', seen)], sessions, models });
    const { image, mask, sampling } = fixture();
    await p.run({ image, mask, stages: [{ name: 'lama' }] });
    await p.run({ image, mask, sampling, stages: [{ name: 'lama' }] });
    await p.run({ image, mask, sampling, stages: [{ name: 'lama' }] });
    const other = createMask(8, 6);
    other.data[40] = 1;
    await p.run({ image, mask, sampling: other, stages: [{ name: 'lama' }] });
    // Runs: no area, the top half (the second is cached), the one pixel.
    expect(seen.map((s) => (s ? s.data.reduce((a, b) => a + b, 0) : -1))).toEqual([-1, 24, 1]);
  });

  it('try values passes the sampling area to each run', async () => {
    const seen: (Mask | undefined)[] = [];
    const p = new Pipeline({ stages: [recordingStage('lama', seen)], sessions, models });
    const { image, mask, sampling } = fixture();
    await tryValues(p, {
      image,
      mask,
      sampling,
      stages: [{ name: 'lama' }],
      stage: 'lama',
      param: 'amount',
      values: [0.2, 0.8],
    });
    expect(seen).toHaveLength(2);
    for (const s of seen) expect(s?.data).toEqual(sampling.data);
  });
});
