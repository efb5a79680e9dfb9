import { describe, expect, it } from 'vitest';
import { hashNoise, mulberry32, xorshift32 } from './random';

function draw(next: () => number, n: number): number[] {
  return Array.from({ length: n }, () => next());
}

describe('mulberry32', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    expect(draw(mulberry32(42), 64)).toEqual(draw(mulberry32(42), 64));
    expect(draw(mulberry32(42), 64)).not.toEqual(draw(mulberry32(43), 64));
  });

  it('stays in [0, 1) and spreads over it', () => {
    for (const seed of [0, 1, 7, 0x9e3779b9, -5, 2 ** 32 - 1]) {
      const xs = draw(mulberry32(seed), 4000);
      for (const x of xs) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThan(1);
      }
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
      const bins = new Array<number>(10).fill(0);
      for (const x of xs) bins[Math.floor(x * 10)]++;
      for (const b of bins) expect(b).toBeGreaterThan(300);
    }
  });

  it('keeps the sequence its former copies gave (graph Random, colour createRng pin results on it)', () => {
    // mulberry32(1) as 32-bit words, taken from app/graph/random.ts's own copy before it was merged here.
    const words = draw(mulberry32(1), 3).map((x) => x * 4294967296);
    expect(words).toEqual([2693262067, 11749833, 2265367787]);
  });
});

describe('xorshift32', () => {
  it('gives the same sequence for the same state and another for another state', () => {
    expect(draw(xorshift32(9), 64)).toEqual(draw(xorshift32(9), 64));
    expect(draw(xorshift32(9), 64)).not.toEqual(draw(xorshift32(10), 64));
  });

  it('returns unsigned 32-bit words, never 0, and state 0 is not a fixed point', () => {
    for (const state of [0, 1, 123456789, 2 ** 32 - 1]) {
      for (const w of draw(xorshift32(state), 2000)) {
        expect(Number.isInteger(w)).toBe(true);
        expect(w).toBeGreaterThan(0);
        expect(w).toBeLessThan(4294967296);
      }
    }
    expect(draw(xorshift32(0), 8)).toEqual(draw(xorshift32(1), 8));
  });

  it("keeps Marsaglia's sequence from state 1", () => {
    expect(draw(xorshift32(1), 3)).toEqual([270369, 67634689, 2647435461]);
  });
});

describe('hashNoise', () => {
  it('is a pure function of the point, in [0, 1), and differs between neighbours', () => {
    expect(hashNoise(3, 4)).toBe(hashNoise(3, 4));
    const seen = new Set<number>();
    let sum = 0;
    for (let y = -20; y < 20; y++)
      for (let x = -20; x < 20; x++) {
        const v = hashNoise(x, y);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(1);
        seen.add(v);
        sum += v;
      }
    expect(seen.size).toBeGreaterThan(1590);
    expect(Math.abs(sum / 1600 - 0.5)).toBeLessThan(0.03);
  });
});
