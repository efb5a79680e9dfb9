import { describe, expect, it } from 'vitest';
import { createMask } from '../../image/types';
import { holeGroups } from './holes';
import { ringPixels } from './reference';

describe('hole groups', () => {
  it('splits 8-connected holes, groups the tiny ones, and keeps a single hole as it is', () => {
    const m = createMask(40, 20);
    const set = (x0: number, y0: number, x1: number, y1: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m.data[y * 40 + x] = 1;
    };
    set(1, 1, 11, 11); // 100 px
    set(11, 11, 14, 14); // touches the first diagonally: same hole
    set(20, 2, 35, 18); // 240 px
    set(37, 1, 38, 2); // specks
    set(38, 18, 39, 19);
    const groups = holeGroups(m, 50);
    expect(groups.map((g) => g.data.reduce((s, x) => s + x, 0))).toEqual([109, 240, 2]);
    const one = createMask(40, 20);
    one.data[5] = 1;
    expect(holeGroups(one)).toEqual([one]);
    expect(holeGroups(createMask(4, 4))).toEqual([]);
  });

  it('takes a hole’s ring outside every hole', () => {
    const m = createMask(30, 10);
    for (let y = 3; y < 7; y++) {
      for (let x = 5; x < 9; x++) m.data[y * 30 + x] = 1;
      for (let x = 10; x < 14; x++) m.data[y * 30 + x] = 1;
    }
    const [first] = holeGroups(m, 1);
    const ring = ringPixels(m, 2, first);
    expect(ring.length).toBeGreaterThan(0);
    for (const i of ring) expect(m.data[i]).toBe(0);
    // the ring reaches no further than 2 px from the first hole
    for (const i of ring) expect(i % 30).toBeLessThanOrEqual(10);
  });
});
