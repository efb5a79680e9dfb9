/**
 * Issue 13: block matching's detail mode adds borrowed detail only where its premise holds, a hole in an
 * even texture (the gate auto and texture use, app/image/stationarity.ts). On a hole over an object (a
 * cat's eye) it keeps the fill exactly and says why; on a texture hole (grass) it adds detail; with
 * `holes: all` it treats every hole as before.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resolveParams } from '../../common/params';
import type { BlockmatchInfo } from '../../common/stageInfo';
import { blurredFill, detailLevel, fixture } from '../../testing/fillMetrics';
import type { Mask, RgbImage } from '../../image/types';
import { createSessionPool } from '../../ort/sessions';
import { blob, chelseaCase } from '../../testing/flawedFills';
import { BLOCKMATCH_PARAMS } from './params';
import { blockmatchStage } from './stage';

const sessions = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
afterAll(() => sessions.releaseAll());
const run = (image: RgbImage, mask: Mask, params: Record<string, unknown> = {}) =>
  blockmatchStage.run(
    { image, original: image, mask, artifacts: {} },
    resolveParams(BLOCKMATCH_PARAMS, params),
    {
      signal: new AbortController().signal,
      progress: () => {},
      sessions,
      models: { resolve: async () => null },
      seed: 0,
      log: () => {},
    },
  );

const holesOf = (r: Awaited<ReturnType<typeof run>>) => (r.info as BlockmatchInfo).holes!;

/** Hole pixels whose value differs between a and b. */
function changedInHole(a: RgbImage, b: RgbImage, mask: Mask): number {
  const n = mask.width * mask.height;
  let k = 0;
  for (let i = 0; i < n; i++)
    if (mask.data[i] && [0, 1, 2].some((c) => a.data[c * n + i] !== b.data[c * n + i])) k++;
  return k;
}

describe('blockmatch detail mode: texture holes only', () => {
  it('defaults to texture holes only, and can be asked for every hole', () => {
    expect(resolveParams(BLOCKMATCH_PARAMS).holes).toBe('textures');
    const decl = BLOCKMATCH_PARAMS.params.find((d) => d.name === 'holes')!;
    expect(decl.kind === 'enum' && decl.options.map((o) => o.value)).toEqual(['textures', 'all']);
  });

  it('keeps the fill of a hole over an object (an eye) and says why', async () => {
    const { truth, mask } = await chelseaCase();
    const fill = blurredFill(truth, mask);
    const r = await run(fill, mask);
    expect(changedInHole(r.image, fill, mask)).toBe(0);
    expect(r.image.data).toEqual(fill.data);
    const [hole] = holesOf(r);
    // Data, not prose: the code says why; the words are app/contract/stageInfoText.ts's.
    expect(hole).toMatchObject({ kind: 'object', applied: false, reason: 'object-hole' });
    expect(hole.basis).not.toBe('alike');
    // The search still hands its choices on.
    expect(r.artifacts?.blockmatch).toBeDefined();
  }, 60000);

  it('adds detail to a hole in an even texture (grass)', async () => {
    const truth = await fixture('grass.png');
    const mask = blob(truth.width, truth.height, 256, 256, 40);
    const fill = blurredFill(truth, mask);
    const r = await run(fill, mask);
    const [hole] = holesOf(r);
    expect(hole).toMatchObject({ kind: 'texture', basis: 'alike', applied: true, reason: 'added' });
    expect(hole.resultLevel).toBeGreaterThan(hole.fillLevel);
    expect(detailLevel(r.image, truth, mask)).toBeGreaterThan(3 * detailLevel(fill, truth, mask));
  }, 60000);

  it('with holes: all, adds detail over the object too', async () => {
    const { truth, mask } = await chelseaCase();
    const fill = blurredFill(truth, mask);
    const r = await run(fill, mask, { holes: 'all' });
    const [hole] = holesOf(r);
    expect(hole).toMatchObject({ kind: 'object', applied: true, reason: 'added' });
    expect(changedInHole(r.image, fill, mask)).toBeGreaterThan(0);
  }, 60000);
});
