import { describe, expect, it } from 'vitest';
import { adam } from './adam';

describe('Adam', () => {
  it('minimises a badly scaled quadratic and returns the best point seen', async () => {
    const scale = [1, 100, 0.01];
    const f = async (x: Float64Array) => ({
      value: x.reduce((s, v, i) => s + scale[i] * (v - i) ** 2, 0),
      gradient: Array.from(x, (v, i) => 2 * scale[i] * (v - i)),
    });
    const r = await adam(f, [5, 5, 5], { iterations: 400, learningRate: 0.05 });
    const start = (await f(Float64Array.of(5, 5, 5))).value;
    expect(r.value).toBeLessThan(start / 100);
    expect(r.x[1]).toBeCloseTo(1, 1);
    expect(r.value).toBe((await f(r.x)).value);
  });

  it('stops when onIteration returns true', async () => {
    const f = async (x: Float64Array) => ({ value: x[0] ** 2, gradient: [2 * x[0]] });
    const r = await adam(f, [1], {
      iterations: 50,
      learningRate: 0.1,
      onIteration: ({ iteration }) => iteration === 3,
    });
    expect(r.iterations).toBe(3);
  });
});
