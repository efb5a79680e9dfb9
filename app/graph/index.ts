/**
 * app/graph: an ONNX graph builder with reverse-mode differentiation, for the optimising stages.
 *   const g = new Graph('loss'); const x = g.input('x', [1, 3, H, W]);
 *   const loss = reduceSum(square(sub(conv(x, w, null, { pads }), target)));
 *   const [dx] = grad(loss, [x]);
 *   const bytes = toModel({ loss, grad: dx }); // run with app/ort's loadModelSession
 * Ops with backward rules: Add, Sub, Mul, Div, Neg, Sqrt, Relu, Identity, Reshape, Transpose, ReduceSum,
 * Expand, Slice (steps ±1), Pad, Concat, MatMul, Gemm, Conv (input and bias), AveragePool, MaxPool, DFT.
 * Every rule is checked against finite differences in gradients.test.ts (gradCheck.ts).
 */
export { Graph, sizeOf, type DType, type GraphNode, type Tensor } from './builder';
export { grad } from './autodiff';
export { toModel, type ModelOptions } from './model';
export * from './ops';
export {
  averagePool,
  conv,
  convTranspose,
  maxPool,
  upsampleNearest,
  type ConvOptions,
  type Pads2,
  type PoolOptions,
} from './nn';
export { dft, type DftOptions } from './spectral';
export { Random } from './random';
