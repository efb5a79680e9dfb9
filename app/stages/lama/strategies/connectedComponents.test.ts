import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMask, type Mask } from '../../../image/types';
import { holeRegions } from './connectedComponents';

function maskOf(rows: string[]): Mask {
  const m = createMask(rows[0].length, rows.length);
  rows.forEach((r, y) => [...r].forEach((ch, x) => (m.data[y * m.width + x] = ch === '#' ? 1 : 0)));
  return m;
}

/** Naive 8-connected flood fill: a label per pixel (-1 = known). */
function floodLabels(mask: Mask): Int32Array {
  const { width: W, height: H, data } = mask;
  const label = new Int32Array(W * H).fill(-1);
  let next = 0;
  for (let s = 0; s < W * H; s++) {
    if (!data[s] || label[s] >= 0) continue;
    const stack = [s];
    label[s] = next;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % W,
        y = (i - x) / W;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx,
            ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= W || ny >= H) continue;
          const j = ny * W + nx;
          if (data[j] && label[j] < 0) {
            label[j] = next;
            stack.push(j);
          }
        }
    }
    next++;
  }
  return label;
}

/** Region index per pixel from holeRegions (-1 = not in any region); fails on overlaps. */
function regionLabels(mask: Mask, mergeDistance: number): Int32Array {
  const label = new Int32Array(mask.width * mask.height).fill(-1);
  holeRegions(mask, mergeDistance).forEach((r, k) => {
    for (let y = 0; y < r.box.height; y++)
      for (let x = 0; x < r.box.width; x++) {
        if (!r.mask.data[y * r.box.width + x]) continue;
        const i = (r.box.y + y) * mask.width + r.box.x + x;
        expect(label[i]).toBe(-1);
        label[i] = k;
      }
  });
  return label;
}

describe('holeRegions', () => {
  it('finds 8-connected components with tight boxes and areas', () => {
    const m = maskOf([
      '##......',
      '..#.....', // diagonal: same component
      '......##',
      '......##',
      '#.......',
    ]);
    const r = holeRegions(m, 0);
    expect(r.map((c) => c.box)).toEqual([
      { x: 0, y: 0, width: 3, height: 2 },
      { x: 6, y: 2, width: 2, height: 2 },
      { x: 0, y: 4, width: 1, height: 1 },
    ]);
    expect(r.map((c) => c.area)).toEqual([3, 4, 1]);
    expect([...r[0].mask.data]).toEqual([1, 1, 0, 0, 0, 1]);
  });

  it('merges components closer than the merge distance, following their shapes', () => {
    // Two 10x10 squares with a 12-pixel gap.
    const m = createMask(60, 20);
    for (let y = 5; y < 15; y++)
      for (let x = 0; x < 10; x++) {
        m.data[y * 60 + 5 + x] = 1;
        m.data[y * 60 + 27 + x] = 1;
      }
    expect(holeRegions(m, 0)).toHaveLength(2);
    expect(holeRegions(m, 8)).toHaveLength(2);
    const merged = holeRegions(m, 13);
    expect(merged).toHaveLength(1);
    expect(merged[0].box).toEqual({ x: 5, y: 5, width: 32, height: 10 });
    expect(merged[0].area).toBe(200);
  });

  it('gives an empty list for an empty mask and handles a hole covering everything', () => {
    expect(holeRegions(createMask(7, 5), 10)).toEqual([]);
    const full = createMask(7, 5, new Uint8Array(35).fill(1));
    expect(holeRegions(full, 0).map((r) => r.box)).toEqual([{ x: 0, y: 0, width: 7, height: 5 }]);
  });

  it('partitions any mask exactly as a flood fill does (merge distance 0)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        fc.array(fc.boolean(), { minLength: 576, maxLength: 576 }),
        (w, h, bits) => {
          const m = createMask(w, h);
          for (let i = 0; i < w * h; i++) m.data[i] = bits[i] ? 1 : 0;
          const a = floodLabels(m);
          const b = regionLabels(m, 0);
          // Same partition, same numbering (both in row-major order of first pixel).
          expect([...b]).toEqual([...a]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('merges exactly the components whose nearest pixels are at most the merge distance apart', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 400, maxLength: 400 }),
        fc.integer({ min: 0, max: 9 }),
        (bits, d) => {
          const m = createMask(20, 20);
          for (let i = 0; i < 400; i++) m.data[i] = bits[i] && i % 5 === 0 ? 1 : 0;
          const comp = floodLabels(m);
          const n = Math.max(-1, ...comp) + 1;
          // Brute force: pairwise minimum squared distances, then transitive merging.
          const parent = Array.from({ length: n }, (_, i) => i);
          const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
          for (let i = 0; i < 400; i++)
            for (let j = i + 1; j < 400; j++) {
              if (comp[i] < 0 || comp[j] < 0 || comp[i] === comp[j]) continue;
              const dx = (i % 20) - (j % 20),
                dy = Math.floor(i / 20) - Math.floor(j / 20);
              if (dx * dx + dy * dy <= d * d) parent[root(comp[i])] = root(comp[j]);
            }
          const reg = regionLabels(m, d);
          for (let i = 0; i < 400; i++)
            for (let j = 0; j < 400; j++) {
              if (comp[i] < 0 || comp[j] < 0) continue;
              expect(reg[i] === reg[j]).toBe(root(comp[i]) === root(comp[j]));
            }
          for (let i = 0; i < 400; i++) expect(reg[i] >= 0).toBe(m.data[i] === 1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
