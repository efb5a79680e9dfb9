/**
 * Gradient checking against central finite differences, run through ONNX Runtime on the CPU (used by
 * the tests of app/graph and of the stages that build losses with it).
 *
 * The scalar checked is L = Σ R ⊙ y with R a fixed random weighting of the op's output y, so every
 * output element takes part. Float32 only, so the step must be large enough that rounding of L
 * (≈ 6e-8·|L|) over 2h stays well below the gradient's size, and small enough that curvature does not
 * show: h ≈ 1e-2 on values of order 1 suits the piecewise-linear ops here when inputs keep a margin
 * of more than h from the kinks (ReLU at 0, ties in a max).
 */
import { loadModelSession } from '../ort/sessions';
import type { ModelSession, TensorValue } from '../ort/types';
import { grad } from './autodiff';
import { sizeOf, type Tensor } from './builder';
import { toModel } from './model';
import { mul, reduceSum } from './ops';
import { Random } from './random';

export interface GradCheckOptions {
  /** Finite-difference step. Default 1e-2. */
  step?: number;
  /** Coordinates checked (all when the input is smaller). Default 64. */
  samples?: number;
  seed?: number;
  /** Use `y` itself as the loss (it must be a scalar) instead of Σ R ⊙ y. */
  yIsLoss?: boolean;
}

export interface GradCheckReport {
  /** max |numeric − analytic| over the checked coordinates, divided by max |analytic| over all. */
  maxRelError: number;
  /** Cosine between the numeric and analytic gradients on the checked coordinates. */
  cosine: number;
  checked: number;
  /** max |analytic|: guards against a check that passes because everything is zero. */
  scale: number;
}

const feedsOf = (values: ReadonlyMap<Tensor, Float32Array>): Record<string, TensorValue> => {
  const feeds: Record<string, TensorValue> = {};
  for (const [t, data] of values) {
    if (t.source.kind !== 'input') throw new Error('gradCheck feeds graph inputs only');
    feeds[t.source.name] = { dtype: 'float32', dims: t.shape, data };
  }
  return feeds;
};

async function lossAt(session: ModelSession, values: ReadonlyMap<Tensor, Float32Array>): Promise<number> {
  const out = await session.run(feedsOf(values));
  return (out.loss.data as Float32Array)[0];
}

/**
 * Checks d(Σ R ⊙ y)/d`wrt` from `grad` against finite differences.
 * @param values a value for every graph input `y` depends on (`wrt` among them)
 */
export async function gradCheck(
  y: Tensor,
  wrt: Tensor,
  values: ReadonlyMap<Tensor, Float32Array>,
  options: GradCheckOptions = {},
): Promise<GradCheckReport> {
  const h = options.step ?? 1e-2;
  const rnd = new Random(options.seed ?? 7);
  const g = y.graph;
  const loss = options.yIsLoss
    ? y
    : reduceSum(mul(y, g.constant(rnd.normals(sizeOf(y.shape)), y.shape, 'weights')));
  const [dx] = grad(loss, [wrt]);
  const providers = { providers: ['cpu'] as const, intraOpThreads: 1 };
  const full = await loadModelSession(toModel({ loss, dx, y }), providers);
  const lossOnly = await loadModelSession(toModel({ loss }), providers);
  try {
    const base = await full.run(feedsOf(values));
    // The builder's static shapes must be what ONNX Runtime computes, or backward rules go wrong.
    if (base.y.dims.join() !== y.shape.join())
      throw new Error(`ONNX Runtime made y [${base.y.dims}], the graph says [${y.shape}]`);
    if (base.dx.dims.join() !== wrt.shape.join())
      throw new Error(`ONNX Runtime made dx [${base.dx.dims}], the graph says [${wrt.shape}]`);
    const analytic = base.dx.data as Float32Array;
    const x = values.get(wrt)!;
    const n = x.length;
    const picks =
      n <= (options.samples ?? 64)
        ? [...Array(n).keys()]
        : Array.from({ length: options.samples ?? 64 }, () => Math.floor(rnd.uniform() * n));
    let scale = 0;
    for (const v of analytic) scale = Math.max(scale, Math.abs(v));
    let worst = 0,
      dot = 0,
      na = 0,
      nn = 0;
    for (const i of picks) {
      const keep = x[i];
      x[i] = keep + h;
      const up = await lossAt(lossOnly, values);
      x[i] = keep - h;
      const down = await lossAt(lossOnly, values);
      x[i] = keep;
      const numeric = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - analytic[i]));
      dot += numeric * analytic[i];
      na += analytic[i] ** 2;
      nn += numeric ** 2;
    }
    return {
      maxRelError: worst / Math.max(scale, 1e-30),
      cosine: dot / Math.sqrt(Math.max(na * nn, 1e-60)),
      checked: picks.length,
      scale,
    };
  } finally {
    await full.release();
    await lossOnly.release();
  }
}
