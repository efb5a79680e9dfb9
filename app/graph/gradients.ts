/**
 * One backward rule per differentiable op. A rule gets the node, the gradient of each of its outputs
 * (null when none reaches it) and which inputs need a gradient, and returns the gradient of each input
 * (null for none), built from forward ops of the same graph.
 */
import { graphError, sameShape, type GraphNode, type Tensor } from './builder';
import { convBackward, averagePoolBackward, maxPoolBackward } from './nnGradients';
import { depthToSpace, spaceToDepth } from './nn';
import { dftBackward } from './spectral';
import {
  add,
  div,
  expand,
  gemm,
  greater,
  matMul,
  mul,
  neg,
  pad,
  reduceSum,
  reshape,
  slice,
  transpose,
  where,
} from './ops';

export type Rule = (
  node: GraphNode,
  dy: readonly (Tensor | null)[],
  needs: readonly boolean[],
) => (Tensor | null)[];

/** Sums `d` down to `shape`, undoing numpy broadcasting. */
export function unbroadcast(d: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(d.shape, shape)) return d;
  const lead = d.shape.length - shape.length;
  const axes: number[] = [];
  d.shape.forEach((v, i) => {
    if (i < lead || (shape[i - lead] === 1 && v !== 1)) axes.push(i);
  });
  return reshape(axes.length ? reduceSum(d, axes, true) : d, shape);
}

/** Swaps the last two axes. */
function swapLast(t: Tensor): Tensor {
  const r = t.shape.length;
  return transpose(t, [...Array(r - 2).keys(), r - 1, r - 2]);
}

const only = (dy: readonly (Tensor | null)[]): Tensor => {
  if (!dy[0]) throw graphError('missing output gradient');
  return dy[0];
};
const X = (n: GraphNode, i = 0): Tensor => n.inputs[i]!;
/** The values of a constant input (Slice bounds, Pad amounts, ReduceSum axes). */
function constants(n: GraphNode, i: number): number[] {
  const s = X(n, i).source;
  if (s.kind !== 'constant') throw graphError(`${n.opType} needs constant input ${i} to be differentiated`);
  return [...s.values];
}
const Y = (n: GraphNode): Tensor => n.outputs[0];

function sliceBackward(n: GraphNode, d: Tensor): Tensor {
  const x = X(n);
  const [starts, , axes, steps] = [1, 2, 3, 4].map((i) => constants(n, i));
  const r = x.shape.length;
  const pads = new Array<number>(2 * r).fill(0);
  let flipped = d;
  axes.forEach((a, i) => {
    const dim = x.shape[a];
    const len = Y(n).shape[a];
    if (steps[i] === 1) {
      const s = Math.min(dim, Math.max(0, starts[i] < 0 ? starts[i] + dim : starts[i]));
      pads[a] = s;
      pads[a + r] = dim - s - len;
    } else if (steps[i] === -1) {
      const s = Math.min(dim - 1, Math.max(0, starts[i] < 0 ? starts[i] + dim : starts[i]));
      flipped = slice(flipped, [-1], [-len - 1], [a], [-1]);
      pads[a] = s - len + 1;
      pads[a + r] = dim - s - 1;
    } else throw graphError(`no gradient for Slice with step ${steps[i]}`);
  });
  return pad(flipped, pads);
}

function gemmBackward(n: GraphNode, d: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
  const [a, b, c] = n.inputs;
  const alpha = (n.attrs.alpha as { float: number }).float;
  const beta = (n.attrs.beta as { float: number }).float;
  const tA = n.attrs.transA === 1;
  const tB = n.attrs.transB === 1;
  // Y = α·A'·B' (+ βC) with A' = op(A), B' = op(B).
  if (a === b && !tA && tB && needs[0]) {
    // A Gram matrix α·A·Aᵀ: one product, α·(dY + dYᵀ)·A, instead of one per operand.
    const dC = c && needs[2] ? unbroadcast(beta === 1 ? d : mul(d, beta), c.shape) : null;
    return [gemm(add(d, transpose(d, [1, 0])), a!, null, { alpha }), null, dC];
  }
  const dA = !needs[0]
    ? null
    : tA
      ? gemm(b!, d, null, { alpha, transA: tB, transB: true }) // (α·dY·B'ᵀ)ᵀ = α·B'·dYᵀ
      : gemm(d, b!, null, { alpha, transB: !tB }); //             α·dY·B'ᵀ
  const dB = !needs[1]
    ? null
    : tB
      ? gemm(d, a!, null, { alpha, transA: true, transB: tA }) //  (α·A'ᵀ·dY)ᵀ = α·dYᵀ·A'
      : gemm(a!, d, null, { alpha, transA: !tA }); //              α·A'ᵀ·dY
  const dC = c && needs[2] ? unbroadcast(beta === 1 ? d : mul(d, beta), c.shape) : null;
  return [dA, dB, dC];
}

export const RULES: Readonly<Record<string, Rule>> = {
  Identity: (_n, dy) => [only(dy)],
  Add: (n, dy) => [unbroadcast(only(dy), X(n).shape), unbroadcast(only(dy), X(n, 1).shape)],
  Sub: (n, dy) => [unbroadcast(only(dy), X(n).shape), neg(unbroadcast(only(dy), X(n, 1).shape))],
  Mul: (n, dy, needs) => [
    needs[0] ? unbroadcast(mul(only(dy), X(n, 1)), X(n).shape) : null,
    needs[1] ? unbroadcast(mul(only(dy), X(n)), X(n, 1).shape) : null,
  ],
  Div: (n, dy, needs) => [
    needs[0] ? unbroadcast(div(only(dy), X(n, 1)), X(n).shape) : null,
    needs[1] ? unbroadcast(neg(div(mul(only(dy), Y(n)), X(n, 1))), X(n, 1).shape) : null,
  ],
  Neg: (_n, dy) => [neg(only(dy))],
  Relu: (n, dy) => [where(greater(Y(n), 0), only(dy), 0)],
  Sqrt: (n, dy) => [div(mul(only(dy), 0.5), Y(n))],
  Reshape: (n, dy) => [reshape(only(dy), X(n).shape), null],
  Transpose: (n, dy) => {
    const perm = n.attrs.perm as number[];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [transpose(only(dy), inverse)];
  },
  ReduceSum: (n, dy) => {
    const x = X(n);
    const axes = constants(n, 1);
    const kept = x.shape.map((v, i) => (axes.includes(i) ? 1 : v));
    return [expand(reshape(only(dy), kept), x.shape), null];
  },
  Expand: (n, dy) => [unbroadcast(only(dy), X(n).shape), null],
  Slice: (n, dy) => [sliceBackward(n, only(dy)), null, null, null, null],
  Pad: (n, dy) => {
    const x = X(n);
    const pads = constants(n, 1);
    const r = x.shape.length;
    return [
      slice(
        only(dy),
        pads.slice(0, r),
        x.shape.map((v, i) => pads[i] + v),
      ),
      null,
    ];
  },
  Concat: (n, dy) => {
    const axis = n.attrs.axis as number;
    let at = 0;
    return n.inputs.map((x) => {
      const s = slice(only(dy), [at], [at + x!.shape[axis]], [axis]);
      at += x!.shape[axis];
      return s;
    });
  },
  MatMul: (n, dy, needs) => [
    needs[0] ? unbroadcast(matMul(only(dy), swapLast(X(n, 1))), X(n).shape) : null,
    needs[1] ? unbroadcast(matMul(swapLast(X(n)), only(dy)), X(n, 1).shape) : null,
  ],
  Gemm: (n, dy, needs) => gemmBackward(n, only(dy), needs),
  Conv: (n, dy, needs) => convBackward(n, only(dy), needs),
  // Pure permutations: each one's adjoint is its inverse.
  DepthToSpace: (n, dy) => {
    if (n.attrs.mode === 'CRD') throw graphError('no gradient for DepthToSpace in CRD mode');
    return [spaceToDepth(only(dy), n.attrs.blocksize as number)];
  },
  SpaceToDepth: (n, dy) => [depthToSpace(only(dy), n.attrs.blocksize as number)],
  AveragePool: (n, dy) => [averagePoolBackward(n, only(dy))],
  MaxPool: (n, dy) => [maxPoolBackward(n, only(dy))],
  DFT: (n, dy, needs) => dftBackward(n, only(dy), needs),
};
