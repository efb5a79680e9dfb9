// The sampling area in block matching (issue 15 §4): sources, the exemplar and the colour reference come
// only from it, and the borrowed detail (detail mode) only from it too.
import { afterAll, describe, expect, it } from 'vitest';
import { resolveParams, type Rect } from '../../common/params';
import { transferDetail } from '../../image/detailTransfer';
import { createImage, createMask, type Mask, type RgbImage } from '../../image/types';
import { createSessionPool } from '../../ort/sessions';
import type { StageContext } from '../../pipeline/types';
import { matchBlocks, type MatchOptions } from './match';
import { blockmatchStage } from './stage';
import { EXHAUSTIVE_MATCH, discMask, noiseTexture, roughFill } from '../../testing/blockmatchImages';

const sessions = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
afterAll(() => sessions.releaseAll());

const base: MatchOptions = EXHAUSTIVE_MATCH;

/** Known pixels of `rect` that the sampling area leaves out. */
function excludedIn(rect: Rect, hole: Mask, sampling: Mask): number {
  let n = 0;
  for (let y = rect.y; y < rect.y + rect.height; y++)
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const i = y * hole.width + x;
      if (!hole.data[i] && !sampling.data[i]) n++;
    }
  return n;
}

/** The sampling area that leaves out the rectangles given (everything else may be sampled). */
function areaWithout(w: number, h: number, rects: Rect[]): Mask {
  const m = createMask(w, h);
  m.data.fill(1);
  for (const r of rects)
    for (let y = r.y; y < r.y + r.height; y++)
      for (let x = r.x; x < r.x + r.width; x++) m.data[y * w + x] = 0;
  return m;
}

function ctx(): StageContext {
  return {
    signal: new AbortController().signal,
    progress: () => {},
    sessions,
    models: { resolve: async () => null },
    seed: 0,
    log: () => {},
  };
}

describe('blockmatch: sampling area', () => {
  const truth = noiseTexture(128, 112, 5);
  const hole = discMask(128, 112, 64, 56, 14);
  const image = roughFill(truth, hole);

  it('takes no source block that overlaps a brushed-out pixel', async () => {
    const free = await matchBlocks(image, hole, base, { sessions });
    const used = free.matches.filter((m) => m.source).map((m) => ({ ...m.source!, width: 16, height: 16 }));
    expect(used.length).toBeGreaterThan(0);
    // Brush out every source the free search used.
    const sampling = areaWithout(128, 112, used);
    const kept = await matchBlocks(image, hole, { ...base, sampling }, { sessions });
    expect(kept.matches.length).toBe(free.matches.length);
    let found = 0;
    for (const m of kept.matches) {
      if (!m.source) continue;
      found++;
      expect(excludedIn({ ...m.source, width: 16, height: 16 }, hole, sampling)).toBe(0);
    }
    expect(found).toBe(kept.matches.length);
    // The pyramid search honours it the same way.
    const pyramid = await matchBlocks(
      image,
      hole,
      { ...base, sampling, search: 'pyramid', scanBudget: 1e6 },
      { sessions },
    );
    expect(pyramid.stats.levels).toBeGreaterThan(1);
    for (const m of pyramid.matches)
      if (m.source) expect(excludedIn({ ...m.source, width: 16, height: 16 }, hole, sampling)).toBe(0);
  });

  it('the stage hands on an exemplar and a reference only from the sampling area', async () => {
    const params = resolveParams(blockmatchStage.params, { blockSize: 16, exemplarSize: 32 });
    const input = { image, original: image, mask: hole, artifacts: {} };
    const free = await blockmatchStage.run(input, params, ctx());
    const ex = free.artifacts?.exemplar as Rect | undefined;
    const ref = free.artifacts?.reference as Rect | undefined;
    expect(ex && ref).toBeTruthy();
    const sampling = areaWithout(128, 112, [ex!, ref!]);
    const kept = await blockmatchStage.run({ ...input, sampling }, params, ctx());
    for (const key of ['exemplar', 'reference'] as const) {
      const r = kept.artifacts?.[key] as Rect | undefined;
      if (r) expect(excludedIn(r, hole, sampling), key).toBe(0);
    }
    expect(kept.artifacts?.exemplar ?? kept.artifacts?.reference).toBeTruthy();
  });
});

/** Vertical stripes left of x = 80, horizontal stripes right of it; a flat grey fill in a round hole. */
function stripes(): { image: RgbImage; hole: Mask } {
  const W = 160,
    H = 96,
    n = W * H;
  const image = createImage(W, H);
  const hole = discMask(W, H, 80, 48, 14);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const v = hole.data[i] ? 0.5 : 0.5 + 0.2 * Math.sin((2 * Math.PI * (x < 80 ? x : y)) / 5);
      image.data[i] = image.data[n + i] = image.data[2 * n + i] = v;
    }
  return { image, hole };
}

/** Summed squared x and y differences of the red plane inside the hole. */
function gradients(img: RgbImage, hole: Mask): { gx: number; gy: number } {
  const W = img.width;
  let gx = 0,
    gy = 0;
  for (let y = 1; y < img.height; y++)
    for (let x = 1; x < W; x++) {
      const i = y * W + x;
      if (!hole.data[i] || !hole.data[i - 1] || !hole.data[i - W]) continue;
      gx += (img.data[i] - img.data[i - 1]) ** 2;
      gy += (img.data[i] - img.data[i - W]) ** 2;
    }
  return { gx, gy };
}

describe('detail transfer: sampling area', () => {
  it('borrows detail only from the sampling area', () => {
    const { image, hole } = stripes();
    const leftOnly = areaWithout(160, 96, [{ x: 80, y: 0, width: 80, height: 96 }]);
    const rightOnly = areaWithout(160, 96, [{ x: 0, y: 0, width: 80, height: 96 }]);
    const fromLeft = gradients(transferDetail(image, hole, { sampling: leftOnly }).image, hole);
    const fromRight = gradients(transferDetail(image, hole, { sampling: rightOnly }).image, hole);
    // Vertical stripes vary along x; horizontal ones along y.
    expect(fromLeft.gx).toBeGreaterThan(3 * fromLeft.gy);
    expect(fromRight.gy).toBeGreaterThan(3 * fromRight.gx);
  });
});
