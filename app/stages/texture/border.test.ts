import { describe, expect, it } from 'vitest';
import { borderWeights } from './border';

describe('borderWeights', () => {
  it('marks the seam and the first pixels inside, normalised to sum 1', () => {
    // 6x5 image, hole = the 3x3 block at (1..3, 1..3) with no known pixel further than 2 away.
    const w = 6,
      h = 5;
    const hole = new Uint8Array(w * h);
    for (let y = 1; y < 4; y++) for (let x = 1; x < 4; x++) hole[y * w + x] = 1;
    const b = borderWeights(hole, w, h, 1);
    // band 1: only differences with one known end. Horizontal: each of 3 rows has 2 seams; same vertically.
    expect(b.count).toBe(12);
    const sum = [...b.x, ...b.y].reduce((s, v) => s + v, 0);
    expect(sum).toBeCloseTo(1, 6);
    expect(b.x[2 * (w - 1) + 0]).toBeGreaterThan(0); // (0,2)-(1,2): known-hole
    expect(b.x[2 * (w - 1) + 1]).toBe(0); // (1,2)-(2,2): both hole, band 1
    expect(b.x[0]).toBe(0); // both known
    const wider = borderWeights(hole, w, h, 2);
    expect(wider.count).toBe(12 + 12); // every hole-hole difference is within 2 of a known pixel
  });

  it('is all zero without a hole', () => {
    const b = borderWeights(new Uint8Array(12), 4, 3);
    expect(b.count).toBe(0);
    expect([...b.x, ...b.y].every((v) => v === 0)).toBe(true);
  });
});
