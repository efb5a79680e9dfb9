// The pipeline refuses, before any stage runs, what would otherwise fail deep inside a stage or give a
// wrong picture: a stage listed twice, a rectangle parameter outside the image or too small, a mask over
// the whole image. Every front end gets these from the pipeline.
import { describe, expect, it } from 'vitest';
import { StudioError } from '../common/errors';
import type { Rect } from '../common/params';
import { createImage, createMask } from '../image/types';
import { createSessionPool } from '../ort/sessions';
import type { SessionPool } from '../ort/types';
import { STAGES } from '../stages/registry';
import { Pipeline, type PipelineEvent } from './run';
import type { ModelResolver, StageDef } from './types';
import { WHOLE_IMAGE_MASK_MESSAGE, rectProblem } from './validate';

const sessions: SessionPool = {
  get: async () => {
    throw new Error('no session in these tests');
  },
  runCounts: new Map(),
  releaseAll: async () => {},
};
const models: ModelResolver = { resolve: async () => null };

const W = 64,
  H = 48;

function fixture() {
  const image = createImage(W, H);
  image.data.fill(0.4);
  const mask = createMask(W, H);
  for (let y = 16; y < 32; y++) for (let x = 24; x < 40; x++) mask.data[y * W + x] = 1;
  return { image, mask };
}

/** A stage that counts its runs and copies its input. */
function countingStage(name: StageDef['name'], counter: { n: number }): StageDef {
  return {
    name,
    label: name,
    description: 'test stage',
    params: { stage: name, params: [] },
    async run(input) {
      counter.n++;
      return { image: input.image };
    },
  };
}

async function refusal(p: Pipeline, run: Parameters<Pipeline['run']>[0]) {
  const events: PipelineEvent[] = [];
  const e = await p.run(run, { onEvent: (ev) => events.push(ev) }).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StudioError);
  // Refused before anything ran: no stage started.
  expect(events).toEqual([]);
  return e as StudioError;
}

/** Every rectangle parameter the stages declare, as `stage.param`. */
const rectParams = STAGES.flatMap((s) =>
  s.params.params.filter((d) => d.kind === 'rect').map((d) => ({ stage: s.name, decl: d })),
);

describe('pipeline run validation', () => {
  it('finds the rectangle parameters of the stages (colour reference, exemplar, context)', () => {
    const keys = rectParams.map((r) => `${r.stage}.${r.decl.name}`);
    expect(keys).toEqual(
      expect.arrayContaining(['lama.contextRect', 'texture.exemplar', 'color.referenceRect']),
    );
  });

  it.each(rectParams.map((r) => [`${r.stage}.${r.decl.name}`, r] as const))(
    '%s outside the image is PARAM_INVALID naming it, before any stage runs',
    async (key, { stage, decl }) => {
      const p = new Pipeline({ stages: STAGES, sessions, models });
      const { image, mask } = fixture();
      const cases: [Rect, RegExp][] = [
        [{ x: 500, y: 500, width: 10, height: 10 }, /starts right of and starts below/],
        [{ x: 40, y: 0, width: 30, height: 20 }, /reaches past the right edge/],
        [{ x: 0, y: 30, width: 20, height: 20 }, /reaches past the bottom edge/],
      ];
      for (const [rect, why] of cases) {
        const e = await refusal(p, { image, mask, stages: [{ name: stage, params: { [decl.name]: rect } }] });
        expect(e.code).toBe('PARAM_INVALID');
        expect(e.message).toContain(`for ${key}`);
        expect(e.message).toContain(`${W}x${H} image`);
        expect(e.message).toMatch(why);
      }
    },
  );

  it('a rectangle below its declared minimum size is refused (texture.exemplar: 8x8)', async () => {
    const p = new Pipeline({ stages: STAGES, sessions, models });
    const { image, mask } = fixture();
    const e = await refusal(p, {
      image,
      mask,
      stages: [
        { name: 'lama' },
        { name: 'texture', params: { exemplar: { x: 0, y: 0, width: 4, height: 20 } } },
      ],
    });
    expect(e.code).toBe('PARAM_INVALID');
    expect(e.message).toBe(
      'Expected a rectangle of at least 8x8 px for texture.exemplar but received 0,0,4,20 (x,y,width,height), which is 4x20',
    );
  });

  it('a minimum-size texture.exemplar runs, also when the stage works at a scale below 1', async () => {
    const pool = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
    try {
      const p = new Pipeline({ stages: STAGES, sessions: pool, models });
      const image = createImage(200, 160);
      for (let i = 0; i < image.data.length; i++) image.data[i] = 0.5 + 0.3 * Math.sin(i * 0.7);
      const mask = createMask(200, 160);
      for (let y = 30; y < 130; y++) for (let x = 50; x < 170; x++) mask.data[y * 200 + x] = 1;
      const r = await p.run({
        image,
        mask,
        stages: [
          {
            name: 'texture',
            // maxSide 64 against a crop of the whole 200 px image: the stage works at a third of the
            // image's scale, and its coarse pyramid level at half that.
            params: {
              exemplar: { x: 0, y: 0, width: 8, height: 8 },
              maxSide: 64,
              iterations: 2,
              structure: 'off',
              // Correct the hole whatever its surroundings, and optimise from the fill itself.
              holes: 'all',
              borrowDetail: false,
            },
          },
        ],
      });
      expect(r.stages[0].info).toMatchObject({ exemplar: { source: 'rect' } });
    } finally {
      await pool.releaseAll();
    }
  });

  it('a rectangle inside the image passes (the whole image included)', () => {
    expect(rectProblem({ x: 0, y: 0, width: W, height: H }, 'k', W, H, 16)).toBeNull();
    expect(rectProblem({ x: 48, y: 32, width: 16, height: 16 }, 'k', W, H, 16)).toBeNull();
    expect(rectProblem({ x: 49, y: 32, width: 16, height: 16 }, 'k', W, H, 16)).toMatch(/right edge/);
  });

  it('a stage listed twice is PARAM_INVALID naming it; nothing runs', async () => {
    const n = { n: 0 };
    const p = new Pipeline({
      stages: [countingStage('lama', n), countingStage('color', n)],
      sessions,
      models,
    });
    const { image, mask } = fixture();
    const e = await refusal(p, {
      image,
      mask,
      stages: [{ name: 'lama' }, { name: 'color' }, { name: 'lama' }],
    });
    expect(e.code).toBe('PARAM_INVALID');
    expect(e.message).toBe(
      'Stage "lama" is listed twice in the stage list (lama,color,lama); each stage runs at most once',
    );
    expect(n.n).toBe(0);
    await p.run({ image, mask, stages: [{ name: 'lama' }, { name: 'color' }] });
    expect(n.n).toBe(2);
  });

  it('a mask over the whole image is refused with the embedded fill’s error, whatever the stages', async () => {
    const n = { n: 0 };
    // A stage standing in for a model-backed LaMa, which would return a black image for such a mask.
    const p = new Pipeline({ stages: [countingStage('lama', n)], sessions, models });
    const { image } = fixture();
    const all = createMask(W, H);
    all.data.fill(1);
    const e = await refusal(p, { image, mask: all, stages: [{ name: 'lama' }] });
    expect(e.code).toBe('PARAM_INVALID');
    expect(e.message).toBe(WHOLE_IMAGE_MASK_MESSAGE);
    expect(e.message).toBe('The mask covers the whole image; nothing is left to fill from');
    expect(n.n).toBe(0);
    // One known pixel is enough to run.
    all.data[0] = 0;
    await p.run({ image, mask: all, stages: [{ name: 'lama' }] });
    expect(n.n).toBe(1);
  });
});
