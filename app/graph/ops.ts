/**
 * Forward op constructors for element-wise, shape and linear-algebra ONNX operators (opset 17). Each
 * checks its operands' static shapes, computes the output shape and records the node. The
 * convolution and pooling ops are in nn.ts, DFT in spectral.ts; their gradients in gradients.ts.
 */
import { graphError, sameShape, sizeOf, type Tensor } from './builder';

/** A tensor, or a number (made a float32 scalar constant of the other operand's graph). */
export type Operand = Tensor | number;

/** numpy broadcasting of two shapes. @throws when they do not broadcast */
export function broadcastShapes(a: readonly number[], b: readonly number[], op = 'op'): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw graphError(`${op}: shapes [${a}] and [${b}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

function operands(a: Operand, b: Operand, op: string): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') throw graphError(`${op} of two numbers`);
  const g = typeof a === 'number' ? (b as Tensor).graph : a.graph;
  return [typeof a === 'number' ? g.scalar(a) : a, typeof b === 'number' ? g.scalar(b) : b];
}

function binary(op: string, a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b, op);
  if (x.dtype !== 'float32' || y.dtype !== 'float32') throw graphError(`${op} takes float32 operands`);
  return x.graph.node(op, [x, y], {}, [{ shape: broadcastShapes(x.shape, y.shape, op) }])[0];
}

function unary(op: string, x: Tensor): Tensor {
  return x.graph.node(op, [x], {}, [{ shape: x.shape, dtype: x.dtype }])[0];
}

export const add = (a: Operand, b: Operand): Tensor => binary('Add', a, b);
export const sub = (a: Operand, b: Operand): Tensor => binary('Sub', a, b);
export const mul = (a: Operand, b: Operand): Tensor => binary('Mul', a, b);
export const div = (a: Operand, b: Operand): Tensor => binary('Div', a, b);
export const neg = (x: Tensor): Tensor => unary('Neg', x);
export const relu = (x: Tensor): Tensor => unary('Relu', x);
export const sqrt = (x: Tensor): Tensor => unary('Sqrt', x);
export const identity = (x: Tensor): Tensor => unary('Identity', x);
/** x² (as Mul(x, x), so its gradient is 2x·dy). */
export const square = (x: Tensor): Tensor => mul(x, x);

/** Reshape to a fully given shape (no -1 or 0: shapes are static here). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  if (sizeOf(shape) !== sizeOf(x.shape)) throw graphError(`Reshape of [${x.shape}] to [${shape}]`);
  if (sameShape(shape, x.shape)) return x;
  return x.graph.node('Reshape', [x, x.graph.int64s(shape)], {}, [{ shape, dtype: x.dtype }])[0];
}

export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  const sorted = [...perm].sort((p, q) => p - q);
  if (perm.length !== x.shape.length || !sorted.every((p, i) => p === i))
    throw graphError(`Transpose of rank ${x.shape.length} by perm [${perm}]`);
  return x.graph.node('Transpose', [x], { perm }, [
    { shape: perm.map((p) => x.shape[p]), dtype: x.dtype },
  ])[0];
}

function normAxes(axes: readonly number[], rank: number, op: string): number[] {
  const out = axes.map((a) => (a < 0 ? a + rank : a));
  if (out.some((a) => a < 0 || a >= rank) || new Set(out).size !== out.length)
    throw graphError(`${op}: invalid axes [${axes}] for rank ${rank}`);
  return out.sort((p, q) => p - q);
}

/** Sum over `axes` (all axes when omitted). */
export function reduceSum(x: Tensor, axes?: readonly number[], keepdims = false): Tensor {
  const ax = normAxes(axes ?? x.shape.map((_, i) => i), x.shape.length, 'ReduceSum');
  const shape = keepdims
    ? x.shape.map((d, i) => (ax.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !ax.includes(i));
  return x.graph.node('ReduceSum', [x, x.graph.int64s(ax)], { keepdims: keepdims ? 1 : 0 }, [{ shape }])[0];
}

/** Broadcasts x to `shape` (numpy rules). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const out = broadcastShapes(x.shape, shape, 'Expand');
  if (!sameShape(out, shape)) throw graphError(`Expand of [${x.shape}] to [${shape}]`);
  if (sameShape(x.shape, shape)) return x;
  return x.graph.node('Expand', [x, x.graph.int64s(shape)], {}, [{ shape, dtype: x.dtype }])[0];
}

/**
 * x[starts:ends:steps] along `axes` (default all leading axes). Ends are clamped as in ONNX; steps
 * may be negative (a flip: start at d-1, end at -d-1).
 */
export function slice(
  x: Tensor,
  starts: readonly number[],
  ends: readonly number[],
  axes?: readonly number[],
  steps?: readonly number[],
): Tensor {
  const ax = axes ?? starts.map((_, i) => i);
  const st = steps ?? starts.map(() => 1);
  const shape = [...x.shape];
  ax.forEach((a, i) => {
    const d = x.shape[a];
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v < 0 ? v + d : v));
    if (st[i] > 0) shape[a] = Math.max(0, Math.ceil((clamp(ends[i], 0, d) - clamp(starts[i], 0, d)) / st[i]));
    else shape[a] = Math.max(0, Math.ceil((clamp(ends[i], -1, d - 1) - clamp(starts[i], 0, d - 1)) / st[i]));
  });
  const g = x.graph;
  return g.node('Slice', [x, g.int64s(starts), g.int64s(ends), g.int64s(ax), g.int64s(st)], {}, [
    { shape, dtype: x.dtype },
  ])[0];
}

/** Zero padding; `pads` = [begin_0..begin_r-1, end_0..end_r-1] (non-negative). */
export function pad(x: Tensor, pads: readonly number[]): Tensor {
  const r = x.shape.length;
  if (pads.length !== 2 * r || pads.some((p) => p < 0)) throw graphError(`Pad of rank ${r} by [${pads}]`);
  if (pads.every((p) => p === 0)) return x;
  const shape = x.shape.map((d, i) => d + pads[i] + pads[i + r]);
  return x.graph.node('Pad', [x, x.graph.int64s(pads)], { mode: 'constant' }, [{ shape }])[0];
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const r = xs[0].shape.length;
  const a = axis < 0 ? axis + r : axis;
  for (const t of xs)
    if (t.shape.length !== r || t.shape.some((d, i) => i !== a && d !== xs[0].shape[i]))
      throw graphError(`Concat of [${xs.map((t) => `[${t.shape}]`)}] on axis ${axis}`);
  const shape = xs[0].shape.map((d, i) => (i === a ? xs.reduce((s, t) => s + t.shape[a], 0) : d));
  return xs[0].graph.node('Concat', xs, { axis: a }, [{ shape }])[0];
}

/** Batched matrix product of rank ≥ 2 operands (leading dims broadcast). */
export function matMul(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length < 2 || b.shape.length < 2) throw graphError('MatMul here takes operands of rank ≥ 2');
  const [m, k] = a.shape.slice(-2);
  const [k2, n] = b.shape.slice(-2);
  if (k !== k2) throw graphError(`MatMul of [${a.shape}] by [${b.shape}]`);
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'MatMul');
  return a.graph.node('MatMul', [a, b], {}, [{ shape: [...batch, m, n] }])[0];
}

export interface GemmOptions {
  alpha?: number;
  beta?: number;
  transA?: boolean;
  transB?: boolean;
}

/** alpha·op(A)·op(B) + beta·C for 2-D A, B; C (optional) broadcasts to [M, N]. */
export function gemm(a: Tensor, b: Tensor, c: Tensor | null = null, o: GemmOptions = {}): Tensor {
  if (a.shape.length !== 2 || b.shape.length !== 2) throw graphError('Gemm takes 2-D A and B');
  const [m, k] = o.transA ? [a.shape[1], a.shape[0]] : a.shape;
  const [k2, n] = o.transB ? [b.shape[1], b.shape[0]] : b.shape;
  if (k !== k2)
    throw graphError(`Gemm of [${a.shape}] by [${b.shape}] (transA ${o.transA}, transB ${o.transB})`);
  if (c && !sameShape(broadcastShapes(c.shape, [m, n], 'Gemm'), [m, n]))
    throw graphError(`Gemm: C [${c.shape}] does not broadcast to [${m},${n}]`);
  const attrs = {
    alpha: { float: o.alpha ?? 1 },
    beta: { float: o.beta ?? 1 },
    transA: o.transA ? 1 : 0,
    transB: o.transB ? 1 : 0,
  };
  return a.graph.node('Gemm', c ? [a, b, c] : [a, b], attrs, [{ shape: [m, n] }])[0];
}

/** a > b as a bool tensor (backward rules use it; no gradient). */
export function greater(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b, 'Greater');
  return x.graph.node('Greater', [x, y], {}, [
    { shape: broadcastShapes(x.shape, y.shape), dtype: 'bool' },
  ])[0];
}

/** cond ? a : b (backward rules use it; no gradient). */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  if (cond.dtype !== 'bool') throw graphError('Where takes a bool condition');
  const [x, y] = operands(a, b, 'Where');
  const shape = broadcastShapes(cond.shape, broadcastShapes(x.shape, y.shape));
  return x.graph.node('Where', [cond, x, y], {}, [{ shape }])[0];
}
