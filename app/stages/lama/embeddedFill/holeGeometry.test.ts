import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMask } from '../../../image/types';
import { groupAt, groupHoles, growRect } from '../../../image/fill/holeGeometry';
import { mulberry32 } from '../../../common/random';

describe('groupHoles', () => {
  it('keeps different groups more than `separation` apart and boxes each group exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (w, h, sep, seed) => {
          const mask = createMask(w, h);
          const rnd = mulberry32(seed);
          for (let i = 0; i < w * h; i++) mask.data[i] = rnd() < 0.04 ? 1 : 0;
          const groups = groupHoles(mask, sep);
          const pts: [number, number, number][] = [];
          for (let y = 0; y < h; y++) {
            for (let x = 0; x < w; x++) if (mask.data[y * w + x]) pts.push([x, y, groupAt(groups, x, y)]);
          }
          for (const [, , g] of pts) expect(g).toBeGreaterThan(0);
          for (let a = 0; a < pts.length; a++) {
            for (let b = a + 1; b < pts.length; b++) {
              if (pts[a][2] === pts[b][2]) continue;
              expect(
                Math.max(Math.abs(pts[a][0] - pts[b][0]), Math.abs(pts[a][1] - pts[b][1])),
              ).toBeGreaterThan(sep);
            }
          }
          groups.boxes.forEach((box, i) => {
            const mine = pts.filter((p) => p[2] === i + 1);
            expect(mine.length).toBeGreaterThan(0);
            expect(box.x).toBe(Math.min(...mine.map((p) => p[0])));
            expect(box.y).toBe(Math.min(...mine.map((p) => p[1])));
            expect(box.x + box.width - 1).toBe(Math.max(...mine.map((p) => p[0])));
            expect(box.y + box.height - 1).toBe(Math.max(...mine.map((p) => p[1])));
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('growRect', () => {
  it('clips a grown box to the image', () => {
    expect(growRect({ x: 3, y: 2, width: 5, height: 4 }, 4, 10, 8)).toEqual({
      x: 0,
      y: 0,
      width: 10,
      height: 8,
    });
    expect(growRect({ x: 3, y: 2, width: 2, height: 2 }, 1, 10, 8)).toEqual({
      x: 2,
      y: 1,
      width: 4,
      height: 4,
    });
  });
});
