/**
 * Issue 13: block matching with its defaults adds the detail a blurry fill lacks without replacing its
 * picture (S, the low-pass colour error against the truth, stays), leaves a sharp fill almost as it is,
 * and still pastes whole blocks when asked (mode paste).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resolveParams } from '../../common/params';
import type { BlockmatchInfo } from '../../common/stageInfo';
import {
  blurredFill,
  detailLevel,
  fixture,
  lowPassError,
  meanChange,
  outsideUnchanged,
  shiftedFill,
  squareMask,
} from '../../testing/fillMetrics';
import { createSessionPool } from '../../ort/sessions';
import { Pipeline } from '../run';
import { BLOCKMATCH_PARAMS } from '../../stages/blockmatch/params';
import { blockmatchStage } from '../../stages/blockmatch/stage';

const sessions = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
afterAll(() => sessions.releaseAll());
const models = { resolve: async () => null };
const run = async (
  image: Parameters<Pipeline['run']>[0]['image'],
  mask: Parameters<Pipeline['run']>[0]['mask'],
  params: Record<string, unknown> = {},
) =>
  new Pipeline({ stages: [blockmatchStage], sessions, models }).run({
    image,
    mask,
    stages: [{ name: 'blockmatch', params }],
  });

describe('blockmatch detail mode (the default)', () => {
  it('defaults to detail transfer', () => {
    expect(resolveParams(BLOCKMATCH_PARAMS).mode).toBe('detail');
  });

  it.each(['brick.png', 'grass.png'])(
    'adds detail to a blurred fill of %s without moving its picture',
    async (file) => {
      const truth = await fixture(file);
      const mask = squareMask(truth.width, truth.height, 192, 192, 128);
      const fill = blurredFill(truth, mask);
      const r = await run(fill, mask);
      expect(lowPassError(r.image, truth, mask)).toBeLessThan(lowPassError(fill, truth, mask) + 1);
      expect(detailLevel(r.image, truth, mask)).toBeGreaterThan(0.35);
      expect(detailLevel(r.image, truth, mask)).toBeLessThan(1.5);
      expect(outsideUnchanged(fill, r.image, mask)).toBe(true);
      const holes = (r.stages[0].info as BlockmatchInfo).holes!;
      expect(holes).toHaveLength(1);
      expect(holes[0]).toMatchObject({
        box: { x: 192, y: 192, width: 128, height: 128 },
        kind: 'texture',
        applied: true,
      });
      // The exemplar and the colour reference are still handed on.
      expect(r.artifacts.exemplar).toBeDefined();
      expect(r.artifacts.reference).toBeDefined();
    },
  );

  it('leaves a sharp fill almost unchanged', async () => {
    const truth = await fixture('grass.png');
    const mask = squareMask(truth.width, truth.height, 192, 192, 128);
    // Grass from elsewhere, mirrored: sharp, and not a copy of any known block.
    const fill = shiftedFill(truth, mask, 160, -150, true);
    const r = await run(fill, mask);
    expect(Math.abs(lowPassError(r.image, truth, mask) - lowPassError(fill, truth, mask))).toBeLessThan(0.3);
    expect(meanChange(r.image, fill, mask)).toBeLessThan(0.01);
  });

  it('still pastes whole blocks with mode paste', async () => {
    const truth = await fixture('brick.png');
    const mask = squareMask(truth.width, truth.height, 192, 192, 128);
    const fill = blurredFill(truth, mask);
    const detail = await run(fill, mask);
    const paste = await run(fill, mask, { mode: 'paste', blend: 'none' });
    expect((paste.stages[0].info as BlockmatchInfo).mode).toBe('paste');
    expect(outsideUnchanged(fill, paste.image, mask)).toBe(true);
    // Hard-pasted blocks are copies of known pixels: their detail is the texture's own.
    expect(detailLevel(paste.image, truth, mask)).toBeGreaterThan(0.7);
    expect(meanChange(paste.image, detail.image, mask)).toBeGreaterThan(0.01);
  });
});
