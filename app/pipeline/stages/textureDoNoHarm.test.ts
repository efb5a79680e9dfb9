/**
 * Issue 13: the texture stage never makes a fill worse. With its defaults it corrects only holes whose
 * surroundings are a stationary texture, leaves an object's hole exactly as the fill drew it, adds detail
 * without moving the fill's picture (S, the low-pass colour error against the truth, stays), says per
 * hole what it did, reports progress that moves, and keeps the detail block matching added.
 */
import type { TextureInfo } from '../../common/stageInfo';
import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors';
import { resolveParams } from '../../common/params';
import { cropImage } from '../../image/crop';
import {
  blurredFill,
  detailLevel,
  fixture,
  lowPassError,
  meanChange,
  outsideUnchanged,
  squareMask,
} from '../../testing/fillMetrics';
import { gaussianBlur } from '../../image/stationarity';
import { createImage, createMask, type Mask, type RgbImage } from '../../image/types';
import { createSessionPool } from '../../ort/sessions';
import { Pipeline } from '../run';
import type { ProgressUpdate } from '../types';
import { blob } from '../../testing/flawedFills';
import { blockmatchStage } from '../../stages/blockmatch/stage';
import { keepLowPass } from '../../stages/texture/lowPass';
import { TEXTURE_PARAMS } from '../../stages/texture/params';
import { textureStage } from '../../stages/texture/stage';
import { testContext } from '../../testing/sessionContext';

const pool = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
afterAll(() => pool.releaseAll());

type Info = TextureInfo;

async function texture(
  image: RgbImage,
  mask: Mask,
  params: Record<string, unknown> = {},
  updates?: ProgressUpdate[],
  signal?: AbortSignal,
) {
  const out = await textureStage.run(
    { image, original: image, mask, artifacts: {} },
    resolveParams(TEXTURE_PARAMS, params),
    testContext(pool, signal, updates),
  );
  return { image: out.image, info: out.info as Info };
}

/** A grass crop (320 px) with a 128 px square hole in the middle, and its blurred (σ 3) fill. */
async function grassCase() {
  const truth = cropImage(await fixture('grass.png'), { x: 96, y: 96, width: 320, height: 320 });
  const mask = squareMask(320, 320, 96, 96, 128);
  return { truth, mask, fill: blurredFill(truth, mask) };
}

/** chelsea.png with a blob over the cat's left eye (an object), blurred. */
async function chelseaCase() {
  const truth = await fixture('chelsea.png');
  const mask = blob(truth.width, truth.height, 170, 114, 30);
  return { truth, mask, fill: blurredFill(truth, mask) };
}

/** The colour step across a square hole's edge: mean |Δ| between each edge pixel and its outside neighbour. */
function edgeStep(img: RgbImage, W: number, at: number, side: number): number {
  const n = W * img.height;
  const end = at + side - 1;
  let s = 0,
    k = 0;
  for (let t = at; t <= end; t++)
    for (const [a, b] of [
      [at * W + t, (at - 1) * W + t],
      [end * W + t, (end + 1) * W + t],
      [t * W + at, t * W + at - 1],
      [t * W + end, t * W + end + 1],
    ]) {
      for (let c = 0; c < 3; c++) s += Math.abs(img.data[c * n + a] - img.data[c * n + b]);
      k += 3;
    }
  return s / k;
}

describe('texture stage with its defaults does no harm (issue 13)', () => {
  it('does not copy structure by default, and corrects only texture holes', () => {
    const p = resolveParams(TEXTURE_PARAMS);
    expect(p.structure).toBe('off');
    expect(p.holes).toBe('textures');
    const decl = TEXTURE_PARAMS.params.find((d) => d.name === 'structure')!;
    expect(decl.kind === 'enum' && decl.options.map((o) => o.value)).toEqual(['off', 'on']);
  });

  it('leaves an object’s hole exactly as the fill drew it, and says why', async () => {
    const { truth, mask, fill } = await chelseaCase();
    const r = await texture(fill, mask);
    expect(r.image.data).toEqual(fill.data);
    expect(lowPassError(r.image, truth, mask)).toBeLessThan(lowPassError(fill, truth, mask) + 1);
    expect(r.info.holes).toHaveLength(1);
    // Data, not prose: the decision and why as codes, the measures as numbers.
    expect(r.info.holes[0]).toMatchObject({ kind: 'object', decision: 'left', reason: 'object-hole' });
    expect(['colour-spread', 'detail-spread', 'isolated-edges', 'few-windows']).toContain(
      r.info.holes[0].basis,
    );
    expect(typeof r.info.holes[0].measures.colourSpread).toBe('number');
  });

  it('adds detail to a blurred texture hole without moving its picture', async () => {
    const { truth, mask, fill } = await grassCase();
    const r = await texture(fill, mask);
    const s0 = lowPassError(fill, truth, mask),
      s1 = lowPassError(r.image, truth, mask);
    const d0 = detailLevel(fill, truth, mask),
      d1 = detailLevel(r.image, truth, mask);
    expect(s1).toBeLessThan(s0 + 1);
    // D moves toward 1 (from about 0.01): |ln D| at least halves.
    expect(Math.abs(Math.log(d1))).toBeLessThan(0.5 * Math.abs(Math.log(d0)));
    expect(d1).toBeLessThan(1.5);
    expect(outsideUnchanged(fill, r.image, mask)).toBe(true);
    expect(r.info.holes[0]).toMatchObject({
      kind: 'texture',
      basis: 'alike',
      decision: 'corrected',
      reason: 'texture-surroundings',
    });
    expect(r.info.holes[0].detail).toMatchObject({ applied: true, reason: 'added' });
    expect(r.info.picture).toBe('kept-with-detail');
  });

  it('keeps the picture also when asked to correct every hole, and with the colour histogram', async () => {
    const { truth, mask, fill } = await chelseaCase();
    const all = await texture(fill, mask, { holes: 'all', iterations: 10, colorHistogram: true });
    expect(all.info.holes[0]).toMatchObject({ kind: 'object', decision: 'corrected', reason: 'every-hole' });
    expect(all.image.data).not.toEqual(fill.data);
    expect(lowPassError(all.image, truth, mask)).toBeLessThan(lowPassError(fill, truth, mask) + 0.5);
    expect(outsideUnchanged(fill, all.image, mask)).toBe(true);
  });

  it('decides per hole: a texture hole corrected, an object hole beside it untouched', async () => {
    // Left: grass; right: the cat's face. One hole in each.
    const grass = cropImage(await fixture('grass.png'), { x: 128, y: 128, width: 256, height: 256 });
    const cat = cropImage(await fixture('chelsea.png'), { x: 60, y: 10, width: 256, height: 256 });
    const W = 512,
      H = 256;
    const truth = createImage(W, H);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++)
          truth.data[c * W * H + y * W + x] =
            x < 256 ? grass.data[c * 256 * 256 + y * 256 + x] : cat.data[c * 256 * 256 + y * 256 + x - 256];
    const mask = createMask(W, H);
    const square = squareMask(W, H, 96, 96, 64);
    const eye = blob(W, H, 170 - 60 + 256, 114 - 10, 26);
    for (let i = 0; i < W * H; i++) mask.data[i] = square.data[i] | eye.data[i];
    const fill = blurredFill(truth, mask);
    const r = await texture(fill, mask, { iterations: 10 });
    // Holes in raster order of their first pixel: the eye's top lies above the square's.
    expect(r.info.holes.map((h) => [h.kind, h.decision])).toEqual([
      ['object', 'left'],
      ['texture', 'corrected'],
    ]);
    const n = W * H;
    let changedEye = 0,
      changedSquare = 0;
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < n; i++) {
        const d = r.image.data[c * n + i] !== fill.data[c * n + i];
        if (eye.data[i] && d) changedEye++;
        if (square.data[i] && d) changedSquare++;
      }
    expect(changedEye).toBe(0);
    expect(changedSquare).toBeGreaterThan(0.5 * 3 * 64 * 64);
    expect(outsideUnchanged(fill, r.image, mask)).toBe(true);
    expect(r.info.holes.map((h) => h.reason)).toEqual(['object-hole', 'texture-surroundings']);
  });

  it('draws no line along the hole’s edge: the optimisation’s change fades in from it', async () => {
    const truth = cropImage(await fixture('brick.png'), { x: 96, y: 96, width: 320, height: 320 });
    const mask = squareMask(320, 320, 96, 96, 128);
    const fill = blurredFill(truth, mask);
    const borrowed = await texture(fill, mask, { iterations: 0 });
    const refined = await texture(fill, mask);
    expect((refined.info as unknown as { iterations: number }).iterations).toBeGreaterThan(0);
    expect(edgeStep(refined.image, 320, 96, 128)).toBeLessThan(1.1 * edgeStep(borrowed.image, 320, 96, 128));
  });

  it('after block matching keeps its detail and adds no seam', async () => {
    const { truth, mask, fill } = await grassCase();
    const models = { resolve: async () => null };
    const pipeline = new Pipeline({ stages: [blockmatchStage, textureStage], sessions: pool, models });
    const bm = await pipeline.run({ image: fill, mask, stages: [{ name: 'blockmatch', params: {} }] });
    const both = await pipeline.run({
      image: fill,
      mask,
      stages: [
        { name: 'blockmatch', params: {} },
        { name: 'texture', params: {} },
      ],
    });
    const dBm = detailLevel(bm.image, truth, mask),
      dBoth = detailLevel(both.image, truth, mask);
    expect(dBoth).toBeGreaterThan(0.9 * dBm);
    expect(lowPassError(both.image, truth, mask)).toBeLessThan(lowPassError(bm.image, truth, mask) + 0.5);
    expect(edgeStep(both.image, 320, 96, 128)).toBeLessThan(1.15 * edgeStep(bm.image, 320, 96, 128));
  });
});

describe('texture stage progress and cancel', () => {
  it('moves before the first iteration and ends at its total', async () => {
    const { mask, fill } = await grassCase();
    for (const [params, phases] of [
      [{}, [/network/, /classif/, /detail/]],
      // Without borrowed detail the blurred start is below the detail target: the optimisation runs.
      [{ borrowDetail: false }, [/network/, /classif/, /spectrum/, /exemplar/, /synthesis network/, /floor/]],
    ] as const) {
      const updates: ProgressUpdate[] = [];
      await texture(fill, mask, { iterations: 3, maxSide: 192, ...params }, updates);
      const total = updates[0].total;
      expect(updates.every((u) => u.total === total)).toBe(true);
      for (let k = 1; k < updates.length; k++)
        expect(updates[k].step).toBeGreaterThanOrEqual(updates[k - 1].step);
      const firstIteration = updates.findIndex((u) => /iteration \d/.test(u.message ?? ''));
      const before = new Set(
        updates.slice(0, firstIteration < 0 ? undefined : firstIteration).map((u) => u.step),
      );
      expect(before.size).toBeGreaterThanOrEqual(phases.length);
      expect(updates.at(-1)!.step).toBe(total);
      for (const phase of phases) expect(updates.some((u) => phase.test(u.message ?? ''))).toBe(true);
    }
  });

  it.each([
    [/classif/, {}],
    [/detail/, {}],
    [/network/, {}],
    [/exemplar/, { borrowDetail: false }],
    [/first evaluation/, { borrowDetail: false }],
    [/iteration 1\//, { borrowDetail: false }],
  ])('stops with CANCELLED at the step %s', async (phase, params) => {
    const { mask, fill } = await grassCase();
    const ac = new AbortController();
    const updates: ProgressUpdate[] = [];
    const ctx = testContext(pool, ac.signal, updates);
    ctx.progress = (u) => {
      updates.push(u);
      if (phase.test(u.message ?? '')) ac.abort();
    };
    await expect(
      textureStage.run(
        { image: fill, original: fill, mask, artifacts: {} },
        resolveParams(TEXTURE_PARAMS, { iterations: 3, maxSide: 192, ...params }),
        ctx,
      ),
    ).rejects.toSatisfy((e) => e instanceof StudioError && e.code === 'CANCELLED');
    expect(updates.some((u) => phase.test(u.message ?? ''))).toBe(true);
  });

  it('builds no network when the start already has the detail (a sharp fill), and hardly changes it', async () => {
    const { truth, mask } = await grassCase();
    const updates: ProgressUpdate[] = [];
    const r = await texture(truth, mask, {}, updates);
    const skipped = r.info.optimisationSkipped!;
    expect(skipped.startGradient).toBeGreaterThanOrEqual(skipped.target);
    expect(updates.some((u) => /synthesis network/.test(u.message ?? ''))).toBe(false);
    expect(updates.at(-1)!.step).toBe(updates.at(-1)!.total);
    expect(meanChange(r.image, truth, mask)).toBeLessThan(0.01);
  });
});

describe('keepLowPass', () => {
  it('puts the σ 4 low-pass of the hole back to the reference’s and keeps the finer detail', () => {
    const W = 64,
      H = 64,
      n = W * H;
    const reference = createImage(W, H);
    const result = createImage(W, H);
    const mask = squareMask(W, H, 16, 16, 32);
    for (let i = 0; i < n; i++) {
      const x = i % W,
        y = (i / W) | 0;
      for (let c = 0; c < 3; c++) {
        reference.data[c * n + i] = 0.4 + 0.1 * c;
        // Inside the hole: a coarse shift (+0.15) and a fine checker (±0.05).
        result.data[c * n + i] =
          reference.data[c * n + i] + (mask.data[i] ? 0.15 + 0.05 * ((x + y) % 2 ? 1 : -1) : 0);
      }
    }
    const out = keepLowPass(result, reference, mask);
    expect(outsideUnchanged(result, out, mask)).toBe(true);
    const lo = (img: RgbImage) => gaussianBlur(img.data, W, H, 3, 4);
    const a = lo(out),
      b = lo(reference);
    let worst = 0,
      checker = 0;
    for (let i = 0; i < n; i++)
      if (mask.data[i]) {
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
        const x = i % W,
          y = (i / W) | 0;
        checker += ((x + y) % 2 ? 1 : -1) * (out.data[i] - a[i]);
      }
    expect(worst).toBeLessThan(0.01);
    // The fine checker is still there (about 0.05 per pixel).
    expect(checker / (32 * 32)).toBeGreaterThan(0.04);
  });
});
