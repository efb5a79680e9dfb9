/**
 * app/graph: an ONNX graph builder with reverse-mode differentiation, for the optimising stages.
 *   const g = new Graph('loss'); const x = g.input('x', [1, 3, H, W]);
 *   const loss = reduceSum(square(sub(conv(x, w, null, { pads }), target)));
 *   const [dx] = grad(loss, [x]);
 *   const bytes = toModel({ loss, grad: dx }); // run with app/ort's loadModelSession
 * Ops with backward rules: Add, Sub, Mul, Div, Neg, Sqrt, Relu, Identity, Reshape, Transpose, ReduceSum,
 * Expand, Slice (steps ±1), Pad, Concat, MatMul, Gemm, Conv (input and bias), DepthToSpace (DCR),
 * SpaceToDepth, AveragePool, MaxPool, DFT.
 * Every rule is checked against finite differences in gradients.test.ts (gradCheck.ts).
 * winogradConv3x3 (winograd.ts): a faster 3×3 convolution for many channels, built from those ops.
 */
export { Graph, sizeOf, type DType, type GraphNode, type Tensor } from './builder';
export { grad } from './autodiff';
export { toModel, type ModelOptions } from './model';
export * from './ops';
export {
  averagePool,
  conv,
  convTranspose,
  depthToSpace,
  maxPool,
  spaceToDepth,
  upsampleNearest,
  type ConvOptions,
  type Pads2,
  type PoolOptions,
} from './nn';
export { dft, type DftOptions } from './spectral';
export { preferWinograd, winogradConv3x3 } from './winograd';
export { Random } from './random';
