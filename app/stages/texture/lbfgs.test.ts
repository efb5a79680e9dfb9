import { describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors';
import { cubicMinimum, minimize, type Objective } from './lbfgs';

/** f = ½ Σ a_i (x_i − i)², condition number 1000. */
const quadratic: Objective = async (x) => {
  let value = 0;
  const gradient = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const a = 10 ** ((3 * i) / (x.length - 1));
    value += 0.5 * a * (x[i] - i) ** 2;
    gradient[i] = a * (x[i] - i);
  }
  return { value, gradient };
};

/** The extended Rosenbrock function: minimum 0 at (1, …, 1). */
const rosenbrock: Objective = async (x) => {
  let value = 0;
  const gradient = new Float64Array(x.length);
  for (let i = 0; i < x.length - 1; i++) {
    const u = x[i + 1] - x[i] * x[i];
    const v = 1 - x[i];
    value += 100 * u * u + v * v;
    gradient[i] += -400 * x[i] * u - 2 * v;
    gradient[i + 1] += 200 * u;
  }
  return { value, gradient };
};

describe('L-BFGS', () => {
  it('finds the minimum of an ill-conditioned quadratic', async () => {
    // SciPy's L-BFGS-B (m = 10) needs about 240 iterations to reach 1e-19 here; 1e-6 comes far sooner.
    const r = await minimize(quadratic, new Float64Array(20), {
      maxIterations: 400,
      gradientTolerance: 1e-6,
      changeTolerance: 1e-20,
    });
    expect(r.reason).toBe('gradient');
    for (let i = 0; i < 20; i++) expect(r.x[i]).toBeCloseTo(i, 5);
    expect(r.iterations).toBeLessThan(300);
  });

  it('solves Rosenbrock in 2 and 10 dimensions from the classic start', async () => {
    for (const n of [2, 10]) {
      const x0 = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1.2));
      const values: number[] = [];
      const r = await minimize(rosenbrock, x0, {
        maxIterations: 500,
        gradientTolerance: 1e-9,
        onIteration: ({ value }) => {
          values.push(value);
        },
      });
      for (const v of r.x) expect(v).toBeCloseTo(1, 4);
      // Every accepted step satisfies sufficient decrease: the value never rises.
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
      expect(r.iterations).toBeLessThan(n === 2 ? 60 : 150);
    }
  });

  it('stops at the iteration limit and is cancellable between iterations', async () => {
    const r = await minimize(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 3 });
    expect(r.iterations).toBe(3);
    expect(r.reason).toBe('iterations');
    const ac = new AbortController();
    const run = minimize(rosenbrock, Float64Array.of(-1.2, 1), {
      maxIterations: 100,
      signal: ac.signal,
      onIteration: ({ iteration }) => {
        if (iteration === 2) ac.abort();
      },
    });
    await expect(run).rejects.toSatisfy((e) => e instanceof StudioError && e.code === 'CANCELLED');
  });

  it('interpolates a cubic minimum, and falls back to the midpoint', () => {
    // f = (t − 1)² has its minimum at 1; a cubic through two of its points finds it.
    expect(cubicMinimum(0, 1, -2, 3, 4, 4)).toBeCloseTo(1, 10);
    expect(cubicMinimum(0, 0, 1, 1, 1, 1, 0, 1)).toBe(0.5);
  });
});
