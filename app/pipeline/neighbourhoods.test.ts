import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rect } from '../common/params';
import { disjointHulls } from './neighbourhoods';

const inside = (r: Rect, h: Rect) =>
  r.x >= h.x && r.y >= h.y && r.x + r.width <= h.x + h.width && r.y + r.height <= h.y + h.height;
const overlap = (a: Rect, b: Rect) =>
  Math.max(a.x, b.x) < Math.min(a.x + a.width, b.x + b.width) &&
  Math.max(a.y, b.y) < Math.min(a.y + a.height, b.y + b.height);

describe('disjointHulls', () => {
  it('keeps apart rectangles apart and merges a chain whose hull swallows a third', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    const b = { x: 50, y: 0, width: 10, height: 10 };
    expect(disjointHulls([b, a])).toEqual([a, b]);
    // c overlaps a and d overlaps c: one hull from 0 to 60, which then also overlaps b.
    const c = { x: 5, y: 5, width: 20, height: 30 };
    const d = { x: 20, y: 30, width: 35, height: 5 };
    expect(disjointHulls([a, b, c, d])).toEqual([{ x: 0, y: 0, width: 60, height: 35 }]);
  });

  it('gives disjoint hulls that hold every rectangle', () => {
    const rect = fc
      .record({ x: fc.integer({ min: 0, max: 90 }), y: fc.integer({ min: 0, max: 90 }) })
      .chain(({ x, y }) =>
        fc.record({
          x: fc.constant(x),
          y: fc.constant(y),
          width: fc.integer({ min: 1, max: 100 - x }),
          height: fc.integer({ min: 1, max: 100 - y }),
        }),
      );
    fc.assert(
      fc.property(fc.array(rect, { maxLength: 12 }), (rects) => {
        const hulls = disjointHulls(rects);
        for (const r of rects) expect(hulls.some((h) => inside(r, h))).toBe(true);
        for (let i = 0; i < hulls.length; i++)
          for (let j = i + 1; j < hulls.length; j++) expect(overlap(hulls[i], hulls[j])).toBe(false);
      }),
    );
  });
});
