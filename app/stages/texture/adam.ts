/**
 * Adam (Kingma and Ba 2015), the texture stage's alternative to L-BFGS: one evaluation per iteration,
 * no line search, robust to a noisy or badly scaled loss, but it needs a step size and more iterations.
 * The step is in the variables' own units (pixel values 0..1), and its gradient is normalised per
 * coordinate, so the step does not depend on the loss's scale.
 */
import { throwIfAborted } from '../../common/errors';
import type { Objective } from './lbfgs';

export interface AdamOptions {
  iterations: number;
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  signal?: AbortSignal;
  /** Returning true stops the iterations there. */
  onIteration?(info: {
    iteration: number;
    value: number;
    x: Float64Array;
  }): void | boolean | Promise<void | boolean>;
}

export interface AdamResult {
  /** The best point seen (Adam's last iterate may be worse than an earlier one). */
  x: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
}

export async function adam(f: Objective, x0: ArrayLike<number>, o: AdamOptions): Promise<AdamResult> {
  const b1 = o.beta1 ?? 0.9,
    b2 = o.beta2 ?? 0.999,
    eps = o.epsilon ?? 1e-8;
  const x = Float64Array.from(x0);
  const mom = new Float64Array(x.length);
  const vel = new Float64Array(x.length);
  let best = { x: x.slice(), value: Infinity };
  let iterations = 0;
  for (let t = 1; t <= o.iterations; t++) {
    throwIfAborted(o.signal);
    const { value, gradient } = await f(x);
    if (value < best.value) best = { x: x.slice(), value };
    const c1 = 1 - b1 ** t,
      c2 = 1 - b2 ** t;
    for (let i = 0; i < x.length; i++) {
      const g = gradient[i];
      mom[i] = b1 * mom[i] + (1 - b1) * g;
      vel[i] = b2 * vel[i] + (1 - b2) * g * g;
      x[i] -= (o.learningRate * (mom[i] / c1)) / (Math.sqrt(vel[i] / c2) + eps);
    }
    iterations = t;
    if ((await o.onIteration?.({ iteration: t, value, x })) === true) break;
  }
  const { value } = await f(x);
  if (value < best.value) best = { x: x.slice(), value };
  return { x: best.x, value: best.value, iterations, evaluations: iterations + 1 };
}
