import fc from 'fast-check';
import { describe, it } from 'vitest';
import { holeTiles } from './tiles';
import { createMask } from './types';

describe('holeTiles', () => {
  it('covers every hole pixel and only tiles that hold one (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (w, h, size, picks) => {
          const mask = createMask(w, h);
          for (const p of picks) mask.data[p % (w * h)] = 1;
          const tiles = holeTiles(mask, size);
          const covered = new Uint8Array(w * h);
          for (const t of tiles) {
            let any = false;
            for (let y = t.y; y < t.y + t.height; y++)
              for (let x = t.x; x < t.x + t.width; x++) {
                covered[y * w + x] = 1;
                any ||= mask.data[y * w + x] === 1;
              }
            if (!any) return false;
            if (t.x + t.width > w || t.y + t.height > h) return false;
          }
          return mask.data.every((v, i) => !v || covered[i]);
        },
      ),
    );
  });
});
