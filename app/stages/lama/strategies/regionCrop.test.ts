import { describe, expect, it } from 'vitest';
import { MIN_CONTEXT_PX, MIN_RING_PX, contextMargin, regionCrop } from './regionCrop';

describe('regionCrop', () => {
  const box = { x: 400, y: 300, width: 100, height: 60 };

  it('grows the box by the factor times its mean side, at least MIN_CONTEXT_PX', () => {
    expect(contextMargin(box, 1)).toBe(80);
    expect(contextMargin({ x: 0, y: 0, width: 4, height: 4 }, 1)).toBe(MIN_CONTEXT_PX);
    expect(regionCrop(box, 0.5, 2000, 1000, null)).toEqual({ x: 360, y: 260, width: 180, height: 140 });
  });

  it('is clamped to the image (a hole touching the border)', () => {
    const edge = { x: 0, y: 950, width: 40, height: 50 };
    expect(regionCrop(edge, 1, 2000, 1000, null)).toEqual({ x: 0, y: 905, width: 85, height: 95 });
  });

  it('a context rectangle overlapping the hole restricts the crop, keeping a ring around the box', () => {
    const rect = { x: 380, y: 290, width: 400, height: 400 };
    expect(regionCrop(box, 1, 2000, 1000, rect)).toEqual({
      x: 380,
      y: 290,
      width: 580 - 380,
      height: 440 - 290,
    });
    // A rectangle cutting through the hole: the crop still holds the box plus the ring.
    const inside = { x: 420, y: 310, width: 20, height: 20 };
    expect(regionCrop(box, 1, 2000, 1000, inside)).toEqual({
      x: 400 - MIN_RING_PX,
      y: 300 - MIN_RING_PX,
      width: 100 + 2 * MIN_RING_PX,
      height: 60 + 2 * MIN_RING_PX,
    });
    // One that does not touch the hole leaves it alone.
    expect(regionCrop(box, 1, 2000, 1000, { x: 0, y: 0, width: 50, height: 50 })).toEqual(
      regionCrop(box, 1, 2000, 1000, null),
    );
  });
});
