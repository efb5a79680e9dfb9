import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFill } from '../../../../native-models/generated/fillNetwork';
import { GENERATED_MODELS, ensureGeneratedModel } from '../../../../native-models/generated/index';
import { GraphBuilder } from '../../../graph/onnxBuilder';
import { StudioError } from '../../../common/errors';
import { createSessionPool, loadModelSession, type StudioSessionPool } from '../../../ort/sessions';
import { createAdapter } from './detect';
import {
  SELF_CHECK_THRESHOLD,
  candidateReadings,
  holeError,
  selfCheckModel,
  selfCheckScene,
} from './selfCheck';
import { defaultReading } from './types';

let dir: string;
let pool: StudioSessionPool;
const paths: Record<string, string> = {};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'self-check-'));
  pool = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
  for (const m of GENERATED_MODELS) paths[m.convention] = await ensureGeneratedModel(m.id, dir);
});
afterAll(async () => {
  await pool.releaseAll();
  await rm(dir, { recursive: true, force: true });
});

/**
 * A model with the Carve LaMa signature (image/mask float32 [1,*,512,512]) whose body `body` makes
 * from the image and the mask; it says nothing about its convention in its metadata.
 */
function fixedModel(body: (g: GraphBuilder, image: string, mask: string) => string): Uint8Array {
  const g = new GraphBuilder('test_fixed');
  const image = g.input('image', 'float32', [1, 3, 512, 512]);
  const mask = g.input('mask', 'float32', [1, 1, 512, 512]);
  g.output(body(g, image, mask), 'output', 'float32', [1, 3, 512, 512]);
  return g.build();
}

/** The generated fill with known = 1 - mask (or mask itself when `inverted`), times `scale`. */
const fill =
  (scale: number, inverted = false) =>
  (g: GraphBuilder, image: string, mask: string): string => {
    const known = inverted ? mask : g.op('Sub', [g.scalar(1, 'one'), mask]);
    return g.op('Mul', [addFill(g, image, known), g.scalar(scale, 'scale')]);
  };

describe('selfCheckScene', () => {
  it('has four holes whose decoy is far from the truth, and the truth fills them', () => {
    const s = selfCheckScene(128);
    expect(s.holes).toHaveLength(4);
    expect(holeError(s.truth, s)).toBe(0);
    expect(holeError(s.image, s)).toBeGreaterThan(0.5); // the decoy left in place fails
  });
});

describe.each(GENERATED_MODELS.map((m) => [m.id, m.convention] as const))('%s', (id, convention) => {
  it('passes with its convention’s reading; as a diffusion fill it cannot tell colour orders apart', async () => {
    const r = await selfCheckModel(await pool.get(paths[convention]), convention);
    expect(r.convention).toBe(convention);
    expect(r.reading).toEqual(defaultReading(convention));
    expect(r.error).toBeLessThan(0.02);
    // The diffusion fill treats every channel alike: the other order fills exactly as well.
    expect(r.orderDecided).toBe(false);
    // Wrong ranges and polarities fail.
    for (const s of r.scores) {
      const wrong = s.reading.maskInverted || s.reading.outputScale !== r.reading.outputScale;
      expect(s.passed, `${id} ${JSON.stringify(s.reading)}`).toBe(!wrong);
    }
    // One run per colour order and mask polarity; output ranges are read off the same run.
    expect(r.runs).toBe(4);
    expect(r.scores).toHaveLength(convention === 'migan' ? 4 : 8);
  });
});

describe('finds the reading a model really has', () => {
  it('an output in 0..1 where the convention says 0..255', async () => {
    const s = await loadModelSession(fixedModel(fill(1)), { providers: ['cpu'] });
    try {
      expect(createAdapter(s).convention).toBe('lama-fixed-rgb');
      const r = await selfCheckModel(s, 'lama-fixed-rgb');
      expect(r.reading).toEqual({ order: 'RGB', outputScale: 1, maskInverted: false });
      const declared = r.scores[0];
      expect(declared.reading).toEqual(defaultReading('lama-fixed-rgb'));
      expect(declared.passed).toBe(false);
    } finally {
      await s.release();
    }
  });

  it('a mask of the opposite polarity (1 = known)', async () => {
    const s = await loadModelSession(fixedModel(fill(255, true)), { providers: ['cpu'] });
    try {
      const r = await selfCheckModel(s);
      expect(r.reading).toEqual({ order: 'RGB', outputScale: 255, maskInverted: true });
      expect(r.error).toBeLessThan(0.02);
    } finally {
      await s.release();
    }
  });
});

describe('refuses a model that no reading makes fill its holes', () => {
  const broken: [string, (g: GraphBuilder, image: string, mask: string) => string][] = [
    [
      'a constant',
      (g, image) => g.op('Add', [g.op('Mul', [image, g.scalar(0, 'zero')]), g.scalar(128, 'c')]),
    ],
    [
      'noise',
      (g, image) =>
        g.op('RandomUniformLike', [image], { low: { float: 0 }, high: { float: 255 }, seed: { float: 7 } }),
    ],
    ['the image passed through (holes not filled)', (g, image) => g.op('Mul', [image, g.scalar(255, 's')])],
  ];
  it.each(broken)('%s: MODEL_UNSUPPORTED naming every reading', async (_name, body) => {
    const s = await loadModelSession(fixedModel(body), { providers: ['cpu'] });
    try {
      const e = (await selfCheckModel(s, 'lama-fixed-rgb').catch((x: unknown) => x)) as StudioError;
      expect(e).toBeInstanceOf(StudioError);
      expect(e.code).toBe('MODEL_UNSUPPORTED');
      expect(e.message).toMatch(/failed the self-check/);
      const adapter = createAdapter(s, 'lama-fixed-rgb');
      for (const r of candidateReadings(adapter, 'float32'))
        expect(e.message).toContain(`${r.order}, output 0..${r.outputScale}`);
      expect(e.message).toContain(`at most ${SELF_CHECK_THRESHOLD}`);
    } finally {
      await s.release();
    }
  });
});
