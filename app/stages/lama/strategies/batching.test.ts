import { describe, expect, it } from 'vitest';
import { batchPixelBudget, describeIndices, planBatches } from './batching';

const c = (index: number, width: number, height = width) => ({ index, padded: { width, height } });

describe('planBatches', () => {
  it('chunks one padded size by count, in order', () => {
    const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => c(i, 512));
    expect(planBatches(all, 4, Infinity)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(planBatches(all, 1, Infinity)).toEqual(all.map((x) => [x.index]));
  });

  it('groups by padded size, groups in the order of their first region', () => {
    const mixed = [c(0, 96, 112), c(1, 184, 224), c(2, 96, 112), c(3, 184, 224), c(4, 112, 96)];
    expect(planBatches(mixed, 4, Infinity)).toEqual([[0, 2], [1, 3], [4]]);
  });

  it('bounds a batch by its pixels, never below one crop', () => {
    const all = [0, 1, 2, 3].map((i) => c(i, 512));
    expect(planBatches(all, 16, batchPixelBudget(1024))).toEqual([[0, 1, 2, 3]]);
    expect(planBatches(all, 16, batchPixelBudget(768))).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(planBatches(all, 16, batchPixelBudget(256))).toEqual([[0], [1], [2], [3]]);
  });
});

describe('describeIndices', () => {
  it('names runs as ranges, 1-based', () => {
    expect(describeIndices([0, 1, 2, 3])).toBe('1–4');
    expect(describeIndices([0, 1])).toBe('1, 2');
    expect(describeIndices([0, 2, 5])).toBe('1, 3, 6');
  });
});
