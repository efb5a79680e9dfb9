// Block matching hands its per-block sources to the editor in a compact form (info.sources).
import { afterAll, describe, expect, it } from 'vitest';
import { createSessionPool } from '../../ort/sessions';
import { Pipeline } from '../run';
import { blockmatchStage } from '../../stages/blockmatch/stage';
import { discMask, periodicTexture, roughFill } from '../../testing/blockmatchImages';
import {
  compactSources,
  type CompactSources,
  type CorrespondenceEntry,
} from '../../stages/blockmatch/visualize';

const sessions = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
afterAll(() => sessions.releaseAll());

describe('blockmatch info.sources', () => {
  it('lists every hole block with its source and score, as the artifacts do', async () => {
    const truth = periodicTexture(160, 128, 24, 16);
    const mask = discMask(160, 128, 80, 64, 22);
    const p = new Pipeline({ stages: [blockmatchStage], sessions, models: { resolve: async () => null } });
    const r = await p.run({
      image: roughFill(truth, mask),
      mask,
      stages: [{ name: 'blockmatch', params: { blockSize: 16 } }],
    });
    const info = r.stages[0].info as { sources: CompactSources; maskBlocks: number };
    const entries = (r.artifacts.blockmatch as { matches: CorrespondenceEntry[] }).matches;
    expect(info.sources.blockSize).toBe(16);
    expect(info.sources.omitted).toBe(0);
    expect(info.sources.blocks.length).toBe(5 * info.maskBlocks);
    expect(entries.length).toBe(info.maskBlocks);
    entries.forEach((e, i) => {
      const [bx, by, sx, sy, score] = info.sources.blocks.slice(5 * i, 5 * i + 5);
      expect([bx, by]).toEqual([e.block.x, e.block.y]);
      expect([sx, sy]).toEqual(e.source ? [e.source.x, e.source.y] : [-1, -1]);
      expect(score).toBe(e.score === null ? 0 : Math.round(e.score * 100));
    });
    // Survives JSON (the info crosses the contract as JSON).
    expect(JSON.parse(JSON.stringify(info.sources))).toEqual(info.sources);
  });

  it('thins a long list evenly', () => {
    const matches = Array.from({ length: 10 }, (_, i) => ({
      x: i * 8,
      y: 0,
      size: 8,
      source: i % 2 ? null : { x: 100, y: i },
      score: 0.5,
    }));
    const c = compactSources(8, matches as never, 4);
    expect(c.blocks.length / 5).toBe(4);
    expect(c.omitted).toBe(6);
    expect(c.blocks.filter((_, k) => k % 5 === 0)).toEqual([0, 24, 48, 72]);
    expect(c.blocks.slice(5, 10)).toEqual([24, 0, -1, -1, 0]);
  });
});
