import { describe, expect, it } from 'vitest';
import { sizingReasonText } from '../../../common/lamaInfoText';
import { AUTO_MAX_REGIONS, chooseStrategy } from './auto';

const fixed512 = { fixedSize: 512, multiple: 1, limit: null };
const dynamic = { fixedSize: null, multiple: 32, limit: 1024 };
const small = (x: number, y: number) => ({
  box: { x, y, width: 60, height: 40 },
  crop: { x: x - 75, y: y - 75, width: 210, height: 190 },
});

describe('auto sizing', () => {
  it('uses the embedded fill once over the whole image', () => {
    const c = chooseStrategy({ width: 4000, height: 3000, engine: null, regions: [small(100, 100)] });
    expect(c).toEqual({ strategy: 'original', reason: { code: 'embedded-neighbourhoods' } });
    expect(sizingReasonText(c.reason)).toMatch(/embedded fill/);
  });

  it('resizes an image that fits the model after at most halving it', () => {
    const c = chooseStrategy({ width: 900, height: 600, engine: fixed512, regions: [small(300, 200)] });
    expect(c).toMatchObject({
      strategy: 'resize',
      reason: { code: 'fits', width: 900, height: 600, side: 512 },
    });
    expect(c.reason.code === 'fits' && c.reason.scale).toBeCloseTo(512 / 900, 6);
    expect(sizingReasonText(c.reason)).toMatch(/900x600 image fits the model's 512 px input at 57%/);
    const full = chooseStrategy({ width: 500, height: 400, engine: fixed512, regions: [] });
    expect(full.reason).toEqual({ code: 'fits', width: 500, height: 400, side: 512, scale: 1 });
    expect(sizingReasonText(full.reason)).toMatch(/at full resolution/);
  });

  it('fills separate small holes of a large image in crops', () => {
    const c = chooseStrategy({
      width: 4000,
      height: 3000,
      engine: fixed512,
      regions: [small(300, 200), small(3500, 2600)],
    });
    expect(c).toMatchObject({
      strategy: 'regions',
      reason: { code: 'regions', width: 4000, height: 3000, side: 512, holes: 2, minScale: 1 },
    });
    expect(c.reason.code === 'regions' && c.reason.scale).toBeCloseTo(512 / 4000, 6);
    expect(sizingReasonText(c.reason)).toMatch(/scaled to 13%.*2 separate holes.*full resolution/);
  });

  it('picks multiscale for a hole larger than half the model input at its scale', () => {
    const big = {
      box: { x: 500, y: 400, width: 2400, height: 1500 },
      crop: { x: 0, y: 0, width: 3840, height: 2160 },
    };
    const c = chooseStrategy({ width: 3840, height: 2160, engine: fixed512, regions: [big] });
    expect(c).toEqual({
      strategy: 'multiscale',
      reason: { code: 'large-hole-in-crop', holePx: 320, side: 512 },
    });
    expect(sizingReasonText(c.reason)).toMatch(/largest hole is 320 px/);
    // Also on an image that fits: the hole at the whole image's scale.
    const fits = {
      box: { x: 10, y: 10, width: 400, height: 300 },
      crop: { x: 0, y: 0, width: 500, height: 400 },
    };
    expect(chooseStrategy({ width: 500, height: 400, engine: fixed512, regions: [fits] })).toEqual({
      strategy: 'multiscale',
      reason: { code: 'large-hole', holePx: 400, side: 512 },
    });
    // A dynamic model's limit is its input size.
    expect(chooseStrategy({ width: 3840, height: 2160, engine: dynamic, regions: [big] })).toMatchObject({
      strategy: 'multiscale',
      reason: { code: 'large-hole-in-crop', side: 1024 },
    });
  });

  it('resizes when there are more regions than it allows model calls', () => {
    const many = Array.from({ length: AUTO_MAX_REGIONS + 1 }, (_, i) => small(200 + i * 200, 500));
    const c = chooseStrategy({ width: 4000, height: 3000, engine: fixed512, regions: many });
    expect(c).toMatchObject({
      strategy: 'resize',
      reason: {
        code: 'too-many-regions',
        regions: 17,
        maxRegions: AUTO_MAX_REGIONS,
        width: 4000,
        height: 3000,
      },
    });
    expect(sizingReasonText(c.reason)).toMatch(/17 separate regions/);
  });
});
