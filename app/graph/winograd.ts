/**
 * 3×3 convolution (stride 1, constant weights) by Winograd's minimal filtering F(4×4, 3×3) (Lavin &
 * Gray 2016, "Fast algorithms for convolutional neural networks"), as a composite of ordinary ops, so
 * its gradient comes from their backward rules and is itself a Winograd-style computation:
 *
 *   V = Bᵀ d B   every 6×6 input tile d (stride 4), all channels: one Conv of 36 fixed 6×6 kernels on
 *                the channels taken as a batch, [N·Ci, 1, H, W] → [N·Ci, 36, Th, Tw]
 *   M = U · V    36 matrix products [Co, Ci] × [Ci, N·Th·Tw] (MatMul, batched over the 36 positions),
 *                U = G g Gᵀ of the weights (ONNX Runtime computes it once, at load, for constant weights)
 *   Y = Aᵀ M A   each tile's 4×4 outputs: a [16, 36] × [36, …] MatMul, then DepthToSpace into place
 *
 * It multiplies 36/16 = 2.25 times per output instead of 9. ONNX Runtime's direct NCHWc convolution
 * runs near the CPU's peak, so the win is what the transforms and layout changes (memory-bound) leave
 * of that 4×. Measured, one layer forward + backward (ReLU, input gradient), CPU time on 2 AMD EPYC
 * (Zen 4) cores: 2.2× faster at 512 channels on 32², 1.6–1.9× at 256 on 64², 1.3× at 128 on 128², even
 * at 64 on 256². Hence `preferWinograd`. Costs: U holds 36 coefficients per filter pair instead of 9
 * (VGG19 to conv4_4: some 160 MB more in the session), and folding it adds about a second to the
 * session's load. On a GPU provider cuDNN has its own fast paths: use the direct Conv there.
 * Rounding: about 1e-5 relative to the output's scale in float32 (F(4×4) amplifies it more than F(2×2),
 * which would multiply 4 times per output and gain less).
 */
import { graphError, type Tensor } from './builder';
import { conv, depthToSpace, type Pads2 } from './nn';
import { add, matMul, reshape, slice, transpose } from './ops';

const BT = [
  [4, 0, -5, 0, 1, 0],
  [0, -4, -4, 1, 1, 0],
  [0, 4, -4, -1, 1, 0],
  [0, -2, -1, 2, 1, 0],
  [0, 2, -1, -2, 1, 0],
  [0, 4, 0, -5, 0, 1],
];
const G = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
  [0, 0, 1],
];
const AT = [
  [1, 1, 1, 1, 1, 0],
  [0, 1, -1, 2, -2, 0],
  [0, 1, 1, 4, 4, 0],
  [0, 1, -1, 8, -8, 1],
];
/** Output tile side (m) and input tile side (m + 2). */
const M = 4;
const A = 6;

/**
 * Whether F(4×4, 3×3) beats ONNX Runtime's direct convolution on the CPU for a layer (see the header):
 * from 128 input channels on.
 */
export function preferWinograd(inputChannels: number): boolean {
  return inputChannels >= 128;
}

/**
 * U = G g Gᵀ for every (out, in) pair, [36, Co, Ci], as graph ops: ONNX Runtime folds them into one
 * constant when the session loads (the model carries the 9 weights per pair, not U's 36).
 */
function transformWeights(w: Tensor): Tensor {
  const [co, ci] = w.shape;
  // U[i, j] = Σ_pq G[i, p]·g[p, q]·G[j, q]: one [Co·Ci, 9] × [9, 36] product by G ⊗ G.
  const kron = new Float32Array(9 * A * A);
  for (let p = 0; p < 3; p++)
    for (let q = 0; q < 3; q++)
      for (let i = 0; i < A; i++)
        for (let j = 0; j < A; j++) kron[(p * 3 + q) * A * A + i * A + j] = G[i][p] * G[j][q];
  const u = matMul(reshape(w, [co * ci, 9]), w.graph.constant(kron, [9, A * A], 'winograd_gg'));
  return transpose(reshape(u, [co, ci, A * A]), [2, 0, 1]);
}

/**
 * conv(x, w, bias, { pads }) for a 3×3 kernel, stride 1, no dilation or groups, by F(4×4, 3×3).
 * @param w a constant [Co, Ci, 3, 3]
 * @throws StudioError INTERNAL when the weights are not a 3×3 constant or x is not [N, Ci, H, W]
 */
export function winogradConv3x3(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null = null,
  pads: Pads2 = [1, 1, 1, 1],
): Tensor {
  const [co, ci, kh, kw] = w.shape;
  if (w.source.kind !== 'constant' || w.shape.length !== 4 || kh !== 3 || kw !== 3)
    throw graphError(`Winograd convolution takes constant 3×3 weights, got [${w.shape}]`);
  if (x.shape.length !== 4 || x.shape[1] !== ci)
    throw graphError(`Winograd convolution of [${x.shape}] by [${w.shape}]`);
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== co))
    throw graphError(`Conv bias [${bias.shape}]`);
  const g = x.graph;
  const [n, , h, wd] = x.shape;
  const ho = h + pads[0] + pads[2] - 2;
  const wo = wd + pads[1] + pads[3] - 2;
  if (ho < 1 || wo < 1) throw graphError(`a 3×3 window does not fit [${x.shape}] with pads [${pads}]`);
  const th = Math.ceil(ho / M);
  const tw = Math.ceil(wo / M);
  const tiles = n * th * tw;

  // V: the 36 transformed values of every tile, per channel. The end pads grow so that the last tile
  // row and column are whole (the extra outputs are sliced off at the end).
  const kin = new Float32Array(A * A * A * A);
  for (let i = 0; i < A; i++)
    for (let j = 0; j < A; j++)
      for (let p = 0; p < A; p++)
        for (let q = 0; q < A; q++) kin[((i * A + j) * A + p) * A + q] = BT[i][p] * BT[j][q];
  const tilePads: Pads2 = [pads[0], pads[1], M * th + 2 - h - pads[0], M * tw + 2 - wd - pads[1]];
  const v0 = conv(reshape(x, [n * ci, 1, h, wd]), g.constant(kin, [A * A, 1, A, A], 'winograd_bt'), null, {
    strides: [M, M],
    pads: tilePads,
  });
  // [N, Ci, 36, T] → [36, Ci, N, T]
  const v = reshape(transpose(reshape(v0, [n, ci, A * A, th * tw]), [2, 1, 0, 3]), [A * A, ci, tiles]);

  const m = matMul(transformWeights(w), v); // [36, Co, N·T]

  const kout = new Float32Array(M * M * A * A);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < M; j++)
      for (let p = 0; p < A; p++)
        for (let q = 0; q < A; q++) kout[(i * M + j) * A * A + p * A + q] = AT[i][p] * AT[j][q];
  const y0 = matMul(g.constant(kout, [M * M, A * A], 'winograd_at'), reshape(m, [A * A, co * tiles]));
  // [4·4, Co, N, T] → [N, 4·4·Co, Th, Tw] → each tile's 4×4 into place: DepthToSpace (DCR), several times
  // faster in ONNX Runtime than the same permutation as a 6-D Transpose.
  const byTile = n === 1 ? y0 : transpose(reshape(y0, [M * M, co, n, th * tw]), [2, 0, 1, 3]);
  const y1 = depthToSpace(reshape(byTile, [n, M * M * co, th, tw]), M);
  const y = M * th === ho && M * tw === wo ? y1 : slice(y1, [0, 0], [ho, wo], [2, 3]);
  return bias ? add(y, reshape(bias, [1, co, 1, 1])) : y;
}
