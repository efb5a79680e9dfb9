import { describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors';
import { correlationHeatmap, heatmapImage } from './heatmap';
import type { BlockMatch } from './match';
import { discMask, noiseTexture, roughFill } from '../../testing/blockmatchImages';
import { SourceValidity } from './validity';
import { correspondenceEntries, renderCorrespondence } from './visualize';
import { makeTemplate, scoreAt } from './zncc';

describe('correlation heatmap', () => {
  const truth = noiseTexture(120, 90, 31);
  const mask = discMask(120, 90, 60, 45, 15);
  const image = roughFill(truth, mask);
  const block = { x: 48, y: 32, width: 16, height: 16 };

  it('scores every allowed position at full size on a small image, NaN where a block may not start', () => {
    const h = correlationHeatmap(image, mask, block);
    expect(h.factor).toBe(1);
    expect([h.width, h.height]).toEqual([105, 75]);
    const validity = new SourceValidity(mask, 4, 16);
    const level = { factor: 1, width: 120, height: 90, data: image.data };
    const t = makeTemplate(level, 48, 32, 16, 'zncc');
    let best = { x: -1, y: -1, score: -Infinity };
    for (let y = 0; y < h.height; y++)
      for (let x = 0; x < h.width; x++) {
        const v = h.data[y * h.width + x];
        if (!validity.allowed(x, y)) {
          expect(v).toBeNaN();
          continue;
        }
        const s = scoreAt(level, x, y, t, 16, 'zncc');
        expect(v).toBeCloseTo(s, 6); // stored as float32
        if (s > best.score) best = { x, y, score: s };
      }
    expect(h.best).toEqual(best);
    expect(Number.isNaN(h.data[32 * h.width + 48])).toBe(true); // the block itself overlaps the hole
  });

  it('works on a coarser level when the image is large, and draws as a picture', () => {
    const h = correlationHeatmap(image, mask, block, { maxPositions: 2000 });
    expect(h.factor).toBeGreaterThan(1);
    expect(h.width * h.height).toBeLessThan(4000);
    const pic = heatmapImage(h);
    expect([pic.width, pic.height]).toEqual([h.width, h.height]);
    expect(() => correlationHeatmap(image, mask, { x: 110, y: 0, width: 16, height: 16 })).toThrow(
      StudioError,
    );
  });
});

describe('correspondence for the editor', () => {
  const m: BlockMatch = {
    x: 32,
    y: 0,
    size: 32,
    holePixels: 10,
    source: null,
    score: NaN,
    objective: NaN,
    distance: NaN,
    histogramDistance: NaN,
    histogramRejections: 3,
    rejected: true,
  };

  it('turns matches into JSON-safe rectangles', () => {
    const [e] = correspondenceEntries([m]);
    expect(e).toEqual({
      block: { x: 32, y: 0, width: 32, height: 32 },
      source: null,
      score: null,
      objective: null,
      rejected: true,
      histogramRejections: 3,
    });
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it('draws the matches over a downscaled copy', () => {
    const img = noiseTexture(200, 100, 1);
    const mask = discMask(200, 100, 50, 50, 10);
    const found = {
      ...m,
      source: { x: 120, y: 40 },
      score: 0.8,
      objective: 0.8,
      distance: 96,
      rejected: false,
    };
    const pic = renderCorrespondence(img, mask, [m, found], 100);
    expect([pic.width, pic.height]).toEqual([100, 50]);
    expect(pic.data.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
