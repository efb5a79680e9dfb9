// The sampling area in auto-correct (issue 15 §4): each correction it tries gets the area, cut to the
// hole's crop like the image, so its sources come only from it.
import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../common/params';
import { createImage, createMask, type Mask } from '../../image/types';
import type { StageContext } from '../../pipeline/types';
import { createAutoStage } from './stage';

const W = 80,
  H = 60;

function ctx(): StageContext {
  return {
    signal: new AbortController().signal,
    progress: () => {},
    sessions: undefined as unknown as StageContext['sessions'],
    models: { resolve: async () => null },
    seed: 0,
    log: () => {},
  };
}

describe('auto-correct: sampling area', () => {
  it('hands each correction the area cut to the hole’s crop', async () => {
    const image = createImage(W, H);
    for (let i = 0; i < image.data.length; i++) image.data[i] = 0.3 + 0.2 * Math.sin(i * 0.37);
    const hole = createMask(W, H);
    for (let y = 24; y < 34; y++) for (let x = 34; x < 46; x++) hole.data[y * W + x] = 1;
    const sampling = createMask(W, H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) sampling.data[y * W + x] = x >= 40 ? 1 : 0;
    const seen: { width: number; height: number; area?: Mask }[] = [];
    const stage = createAutoStage({
      color: async (img, _hole, _ctx, area) => {
        seen.push({ width: img.width, height: img.height, area });
        return img;
      },
    });
    const params = resolveParams(stage.params, { detail: false });
    await stage.run({ image, original: image, mask: hole, artifacts: {}, sampling }, params, ctx());
    expect(seen.length).toBe(1);
    const { width, height, area } = seen[0];
    expect(area).toBeDefined();
    expect([area!.width, area!.height]).toEqual([width, height]);
    // Each row of the crop's area: the columns left of image x = 40 are 0, the rest 1, at one column.
    const flip = area!.data.indexOf(1);
    expect(flip).toBeGreaterThan(0);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) expect(area!.data[y * width + x]).toBe(x >= flip ? 1 : 0);
  });
});
