import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors';
import { createImage, type RgbImage } from '../../image/types';
import { createSessionPool } from '../../ort/sessions';
import { bruteForceMatches } from './bruteForce';
import { blockHistogram, histogramDistance } from './histogram';
import { matchBlocks, type BlockMatch, type MatchOptions } from './match';
import { EXHAUSTIVE_MATCH, discMask, noiseTexture, roughFill } from '../../testing/blockmatchImages';
import { rectMask } from '../../testing/masks';

const sessions = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
afterAll(() => sessions.releaseAll());

const base: MatchOptions = EXHAUSTIVE_MATCH;

function sameMatches(fast: BlockMatch[], reference: BlockMatch[]): void {
  expect(fast.length).toBe(reference.length);
  for (let i = 0; i < fast.length; i++) {
    expect(fast[i].source, `block ${fast[i].x},${fast[i].y}`).toEqual(reference[i].source);
    if (reference[i].source) {
      expect(fast[i].score).toBeCloseTo(reference[i].score, 6);
      expect(fast[i].objective).toBeCloseTo(reference[i].objective, 6);
    }
  }
}

describe('block search against the brute-force reference', () => {
  const truth = noiseTexture(96, 96, 3);
  const mask = discMask(96, 96, 48, 44, 14);
  const image = roughFill(truth, mask);

  it.each([
    ['zncc, no histogram test', {}],
    ['zncc, histogram test and distance penalty', { histogramThreshold: 0.35, distancePenalty: 0.3 }],
    ['raw correlation, distance limit, stride 3', { similarity: 'raw', maxDistance: 40, stride: 3 }],
    [
      'zncc, stride 2, strong penalty, histogram test',
      { stride: 2, distancePenalty: 1, histogramThreshold: 0.5 },
    ],
    [
      'ssim, histogram test and distance penalty',
      { similarity: 'ssim', histogramThreshold: 0.5, distancePenalty: 0.3 },
    ],
  ] as [string, Partial<MatchOptions>][])('exhaustive search equals brute force: %s', async (_, extra) => {
    const o = { ...base, ...extra };
    const fast = await matchBlocks(image, mask, o, { sessions });
    expect(fast.stats.levels).toBe(1);
    sameMatches(fast.matches, bruteForceMatches(image, mask, o));
    for (const m of fast.matches)
      if (m.source) {
        expect(m.source.x % o.stride).toBe(0);
        expect(m.source.y % o.stride).toBe(0);
      }
  });

  it('searches a small image exhaustively even in pyramid mode', async () => {
    const o: MatchOptions = { ...base, search: 'pyramid' };
    const fast = await matchBlocks(image, mask, o, { sessions });
    expect(fast.stats.levels).toBe(1);
    sameMatches(fast.matches, bruteForceMatches(image, mask, o));
  });
});

describe('coarse-to-fine search', () => {
  const truth = noiseTexture(256, 256, 5);
  const mask = discMask(256, 256, 120, 130, 34);
  const image = roughFill(truth, mask);

  it('finds matches within 2% of the exhaustive best on average', async () => {
    const o: MatchOptions = { ...base, distancePenalty: 0.05, histogramThreshold: 0.8 };
    const exact = await matchBlocks(image, mask, o, { sessions });
    // A small budget forces a coarser scanned level.
    const fast = await matchBlocks(image, mask, { ...o, search: 'pyramid', scanBudget: 2e7 }, { sessions });
    expect(fast.stats.levels).toBeGreaterThan(1);
    let gap = 0;
    for (let i = 0; i < exact.matches.length; i++) {
      const e = exact.matches[i];
      const f = fast.matches[i];
      expect(f.rejected).toBe(false);
      // Never better than the exact best (it is the best), at most a little worse.
      expect(f.objective).toBeLessThanOrEqual(e.objective + 1e-9);
      gap += (e.objective - f.objective) / Math.abs(e.objective);
    }
    expect(gap / exact.matches.length).toBeLessThan(0.02);
  });

  it('honours the distance limit, in both searches', async () => {
    for (const search of ['exhaustive', 'pyramid'] as const) {
      const o: MatchOptions = { ...base, search, scanBudget: 2e7 };
      const free = await matchBlocks(image, mask, o, { sessions });
      expect(free.matches.some((m) => m.distance > 40)).toBe(true);
      const near = await matchBlocks(image, mask, { ...o, maxDistance: 40 }, { sessions });
      for (const m of near.matches) {
        expect(m.source).not.toBeNull();
        expect(m.distance).toBeLessThanOrEqual(40);
        expect(m.distance).toBeCloseTo(Math.hypot(m.source!.x - m.x, m.source!.y - m.y), 9);
      }
    }
  });

  it('keeps pyramid sources on the stride', async () => {
    const r = await matchBlocks(
      image,
      mask,
      { ...base, search: 'pyramid', scanBudget: 2e7, stride: 4 },
      { sessions },
    );
    expect(r.stats.levels).toBeGreaterThan(1);
    for (const m of r.matches) {
      expect(m.source!.x % 4).toBe(0);
      expect(m.source!.y % 4).toBe(0);
    }
  });

  it('moves sources nearer as the distance penalty grows', async () => {
    const mean = (ms: BlockMatch[]) => ms.reduce((s, m) => s + m.distance, 0) / ms.length;
    const o: MatchOptions = { ...base, search: 'pyramid', scanBudget: 2e7 };
    const d0 = mean((await matchBlocks(image, mask, o, { sessions })).matches);
    const d1 = mean((await matchBlocks(image, mask, { ...o, distancePenalty: 1 }, { sessions })).matches);
    expect(d1).toBeLessThan(d0 * 0.8);
  });

  it('gives the same matches on every run', async () => {
    const o: MatchOptions = { ...base, search: 'pyramid', scanBudget: 2e7, histogramThreshold: 0.8 };
    const a = await matchBlocks(image, mask, o, { sessions });
    const b = await matchBlocks(image, mask, o, { sessions });
    expect(JSON.stringify(b.matches)).toBe(JSON.stringify(a.matches));
  });

  it('stops with CANCELLED when the signal fires', async () => {
    const controller = new AbortController();
    const run = matchBlocks(
      image,
      mask,
      { ...base, search: 'pyramid', scanBudget: 2e7 },
      {
        sessions,
        signal: controller.signal,
        progress: () => controller.abort(),
      },
    );
    await expect(run).rejects.toSatisfy((e) => e instanceof StudioError && e.code === 'CANCELLED');
  });
});

describe('histogram rejection', () => {
  /**
   * A dark texture; the hole's block holds a dark pattern P (as a good fill would), and a bright copy
   * P + 0.55 is planted far away: plain correlation prefers it (brighter) and so does normalised
   * correlation (the only exact copy of the pattern).
   */
  function planted(): { image: RgbImage; outlier: { x: number; y: number } } {
    const W = 128;
    const bg = noiseTexture(W, W, 11);
    const pattern = noiseTexture(16, 16, 12);
    const image = createImage(W, W);
    const n = W * W;
    for (let i = 0; i < 3 * n; i++) image.data[i] = 0.1 + 0.25 * bg.data[i];
    const put = (x0: number, y0: number, offset: number) => {
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < 16; y++)
          for (let x = 0; x < 16; x++)
            image.data[c * n + (y0 + y) * W + x0 + x] =
              0.1 + 0.25 * pattern.data[c * 256 + y * 16 + x] + offset;
    };
    put(48, 48, 0);
    put(100, 6, 0.55);
    return { image, outlier: { x: 100, y: 6 } };
  }
  const mask = rectMask(128, 128, 50, 50, 62, 62);

  it.each(['raw', 'zncc'] as const)(
    'rejects the bright outlier that %s correlation picks',
    async (similarity) => {
      const { image, outlier } = planted();
      for (const search of ['exhaustive', 'pyramid'] as const) {
        const o: MatchOptions = { ...base, similarity, search, scanBudget: 1e6 };
        const plain = await matchBlocks(image, mask, o, { sessions });
        expect(plain.matches).toHaveLength(1);
        expect(plain.matches[0].source).toEqual(outlier);
        const tested = await matchBlocks(image, mask, { ...o, histogramThreshold: 0.5 }, { sessions });
        const m = tested.matches[0];
        expect(m.rejected).toBe(false);
        expect(m.source).not.toEqual(outlier);
        expect(m.histogramDistance).toBeLessThanOrEqual(0.5);
        // The outlier itself is far beyond the threshold.
        const h = (x: number, y: number) => blockHistogram(image, x, y, 16, new Int32Array(48));
        expect(histogramDistance(h(outlier.x, outlier.y), h(48, 48), 256)).toBeGreaterThan(0.9);
      }
    },
  );

  it('marks a block rejected when no candidate passes', async () => {
    const { image } = planted();
    const r = await matchBlocks(image, mask, { ...base, histogramThreshold: 0 }, { sessions });
    expect(r.matches[0].rejected).toBe(true);
    expect(r.matches[0].source).toBeNull();
  });
});
