import { afterAll, describe, expect, it } from 'vitest';
import { createImage, createMask, type Mask, type RgbImage } from '../../image/types';
import { createSessionPool } from '../../ort/sessions';
import { EXHAUSTIVE_MATCH } from '../../testing/blockmatchImages';
import { matchBlocks, type BlockMatch, type MatchOptions } from './match';

const sessions = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
afterAll(() => sessions.releaseAll());

const options: MatchOptions = EXHAUSTIVE_MATCH;

/**
 * A smooth ramp with one vertical step edge (x = 108, y < 40) and a 48 x 48 hole whose fill has a faint
 * step in the middle of every block: every hole block correlates best with the one edge.
 */
function scene(): { image: RgbImage; mask: Mask } {
  const W = 128;
  const H = 128;
  const image = createImage(W, H);
  const mask = createMask(W, H);
  const n = W * H;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const hole = x >= 48 && x < 96 && y >= 48 && y < 96;
      let v = 0.4 + 0.0002 * x + 0.0001 * y;
      if (hole) v += x % 16 >= 8 ? 0.02 : 0;
      else if (x >= 108 && y < 40) v += 0.3;
      if (hole) mask.data[y * W + x] = 1;
      for (let c = 0; c < 3; c++) image.data[c * n + y * W + x] = v;
    }
  return { image, mask };
}

const distinct = (ms: BlockMatch[]) => new Set(ms.map((m) => `${m.source?.x},${m.source?.y}`)).size;

describe('reuse penalty', () => {
  it('spreads the sources of flat blocks over distinct patches; 0 keeps the old picks', async () => {
    const { image, mask } = scene();
    const env = { sessions };
    const old = await matchBlocks(image, mask, options, env);
    const off = await matchBlocks(image, mask, { ...options, reusePenalty: 0 }, env);
    const on = await matchBlocks(image, mask, { ...options, reusePenalty: 0.2 }, env);
    expect(off.matches).toEqual(old.matches);
    expect(old.matches.length).toBe(9);
    expect(distinct(old.matches)).toBe(1);
    expect(distinct(on.matches)).toBeGreaterThanOrEqual(3);
    expect(on.matches.every((m) => m.source && m.objective > 0.5)).toBe(true);
    const again = await matchBlocks(image, mask, { ...options, reusePenalty: 0.2 }, env);
    expect(again.matches).toEqual(on.matches);
  });

  it('ssim keeps the faint steps of the fill off the one strong edge that zncc gives every block', async () => {
    const { image, mask } = scene();
    // A source across the edge (x = 108, y < 40).
    const onEdge = (m: BlockMatch) =>
      m.source !== null && m.source.x < 108 && m.source.x + 16 > 108 && m.source.y < 40;
    const zncc = await matchBlocks(image, mask, options, { sessions });
    expect(zncc.matches.every(onEdge)).toBe(true);
    const ssim = await matchBlocks(image, mask, { ...options, similarity: 'ssim' }, { sessions });
    expect(ssim.matches.length).toBe(9);
    expect(ssim.matches.some(onEdge)).toBe(false);
    expect(ssim.matches.every((m) => m.source && m.score > 0.5)).toBe(true);
  });

  it('rejects a penalty outside 0..1', async () => {
    const { image, mask } = scene();
    await expect(matchBlocks(image, mask, { ...options, reusePenalty: 2 }, { sessions })).rejects.toThrow(
      /reuse penalty/,
    );
  });
});
