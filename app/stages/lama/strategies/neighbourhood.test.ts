import { describe, expect, it } from 'vitest';
import { expandRect } from '../../../image/crop';
import { createMask, type Mask } from '../../../image/types';
import { embeddedContext, neighbourhoodJobs } from './neighbourhood';

function boxes(width: number, height: number, rects: [number, number, number, number][]): Mask {
  const m = createMask(width, height);
  for (const [x0, y0, w, h] of rects)
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) m.data[y * width + x] = 1;
  return m;
}

describe('neighbourhoodJobs', () => {
  it('puts every hole pixel in one region whose crop holds its box plus the embedded reach', () => {
    const W = 3000;
    const H = 2000;
    // Two holes far apart, and a third 20 px from the first (merged with it: the fill groups at 32 px).
    const mask = boxes(W, H, [
      [100, 100, 40, 30],
      [160, 100, 10, 10],
      [2500, 1500, 300, 200],
    ]);
    const jobs = neighbourhoodJobs(mask);
    expect(jobs).toHaveLength(2);
    const count = new Uint8Array(W * H);
    for (const { region, crop } of jobs) {
      const { box } = region;
      expect(crop).toEqual(expandRect(box, embeddedContext(box), W, H));
      for (let y = 0; y < box.height; y++)
        for (let x = 0; x < box.width; x++)
          if (region.mask.data[y * box.width + x]) count[(box.y + y) * W + box.x + x]++;
    }
    expect(Buffer.from(count).equals(Buffer.from(mask.data))).toBe(true);
    // The large hole's crop is its box plus twice its larger side (at most 768) + 32 px, not the image.
    expect(jobs[1].crop).toEqual({ x: 1868, y: 868, width: 1132, height: 1132 });
  });

  it('merges two regions whose crops overlap when one crop costs no more than two', () => {
    // 40 px apart: two regions, but one crop around both is smaller than their two crops.
    const mask = boxes(2000, 2000, [
      [900, 900, 200, 50],
      [900, 990, 200, 50],
    ]);
    const jobs = neighbourhoodJobs(mask);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].region.area).toBe(20000);
    // Far apart, they stay two.
    expect(
      neighbourhoodJobs(
        boxes(4000, 2000, [
          [100, 100, 200, 50],
          [3500, 1500, 200, 50],
        ]),
      ),
    ).toHaveLength(2);
  });
});
