/**
 * Backward rules of Conv, AveragePool and MaxPool.
 * - Conv, stride 1: the input gradient is a Conv of dY with the weights flipped in space and with
 *   input/output channels swapped per group (ONNX Runtime constant-folds the flip when the weights are
 *   constants, and its Conv is its fastest kernel). Strided: ConvTranspose with the same weights, its
 *   pads/output_padding chosen to give back exactly the input's size.
 * - AveragePool: dY divided by each window's cell count, spread back over the window (a broadcast for
 *   non-overlapping windows, a nearest-neighbour Resize; otherwise a depthwise ConvTranspose with a ones kernel).
 * - MaxPool: dY sent to the arg-max index of each window, which MaxPool's second output gives; ties go
 *   to one cell, as in PyTorch. Windows that do not overlap (VGG's 2×2 stride 2) put each index once:
 *   MaxUnpool, one pass into a zeroed tensor. Overlapping ones may repeat an index: ScatterElements
 *   (reduction add) into zeros.
 */
import { graphError, type GraphNode, type Tensor } from './builder';
import {
  conv,
  convTranspose,
  geometryOf,
  maxPoolIndices,
  maxUnpool,
  poolOptionsOf,
  scatterAdd,
  upsampleNearest,
  type Geometry2,
  type Pads2,
} from './nn';
import { expand, mul, pad, reduceSum, reshape, slice, transpose } from './ops';

/** Conv weights [Co, Ci/g, kh, kw] → the stride-1 adjoint's weights [Ci, Co/g, kh, kw], flipped in space. */
function adjointWeights(w: Tensor, group: number): Tensor {
  const [co, cig, kh, kw] = w.shape;
  const cog = co / group;
  const swapped = reshape(transpose(reshape(w, [group, cog, cig, kh, kw]), [0, 2, 1, 3, 4]), [
    cig * group,
    cog,
    kh,
    kw,
  ]);
  return slice(swapped, [-1, -1], [-kh - 1, -kw - 1], [2, 3], [-1, -1]);
}

/**
 * ConvTranspose of `d` (the output-side gradient) that lands exactly on an input of `size` [H, W]:
 * cropped by the forward pads at the start, and at the end by whatever the forward windows overran
 * (or grown by output_padding where the last rows were never read).
 */
function transposeToInput(
  d: Tensor,
  w: Tensor,
  g: Geometry2,
  group: number,
  size: readonly number[],
): Tensor {
  const pads = [0, 0, 0, 0];
  const outputPadding: [number, number] = [0, 0];
  for (const i of [0, 1] as const) {
    const full = g.strides[i] * (d.shape[2 + i] - 1) + (g.kernel[i] - 1) * g.dilations[i] + 1;
    const end = full - g.pads[i] - size[i];
    pads[i] = g.pads[i];
    if (end >= 0) pads[i + 2] = end;
    else outputPadding[i] = -end;
  }
  return convTranspose(d, w, {
    strides: g.strides,
    dilations: g.dilations,
    pads: pads as unknown as Pads2,
    group,
    outputPadding,
  });
}

export function convBackward(n: GraphNode, d: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
  const [x, w, b] = n.inputs as Tensor[];
  if (needs[1])
    throw graphError(
      'Conv is differentiated with respect to its input and bias only (weights are constants)',
    );
  const g = geometryOf(n.attrs);
  const group = n.attrs.group as number;
  let dx: Tensor | null = null;
  if (needs[0]) {
    const back = [0, 1].map((i) => g.dilations[i] * (g.kernel[i] - 1));
    const adjointPads = [back[0] - g.pads[0], back[1] - g.pads[1], back[0] - g.pads[2], back[1] - g.pads[3]];
    const unitStride = g.strides[0] === 1 && g.strides[1] === 1;
    // A Conv with very few output channels (the image's gradient: 3) runs far below speed in ONNX
    // Runtime (its blocked kernels pad the output channels to 8 or 16); ConvTranspose does not.
    const fewOutputs = x.shape[1] < 8;
    dx =
      unitStride && !fewOutputs && adjointPads.every((p) => p >= 0)
        ? conv(d, adjointWeights(w, group), null, {
            pads: adjointPads as unknown as Pads2,
            dilations: g.dilations,
            group,
          })
        : transposeToInput(d, w, g, group, x.shape.slice(2));
  }
  const db = b && needs[2] ? reduceSum(d, [0, 2, 3]) : null;
  return [dx, null, db];
}

/** Cells each window of an AveragePool averages over, per output position ([Ho·Wo], row-major). */
function windowCounts(x: Tensor, y: Tensor, attrs: Readonly<Record<string, unknown>>): Float32Array {
  const o = poolOptionsOf(attrs);
  const g = geometryOf(attrs);
  const counts = (i: 0 | 1): number[] =>
    Array.from({ length: y.shape[2 + i] }, (_, k) => {
      const size = x.shape[2 + i];
      const start = k * g.strides[i] - g.pads[i];
      const end = Math.min(start + g.kernel[i], size + g.pads[i + 2]);
      return o.countIncludePad ? end - start : Math.min(end, size) - Math.max(start, 0);
    });
  const [ch, cw] = [counts(0), counts(1)];
  const out = new Float32Array(ch.length * cw.length);
  ch.forEach((a, r) => cw.forEach((b, c) => (out[r * cw.length + c] = a * b)));
  return out;
}

export function averagePoolBackward(n: GraphNode, d: Tensor): Tensor {
  const x = n.inputs[0]!;
  const y = n.outputs[0];
  const g = geometryOf(n.attrs);
  const counts = windowCounts(x, y, n.attrs);
  const [ho, wo] = y.shape.slice(2);
  const uniform = counts.every((c) => c === counts[0]);
  const scaled = uniform
    ? mul(d, 1 / counts[0])
    : mul(
        d,
        d.graph.constant(
          Array.from(counts, (c) => 1 / c),
          [1, 1, ho, wo],
          'avgpool_counts',
        ),
      );
  const [, C, H, W] = x.shape;
  const [kh, kw] = g.kernel;
  if (g.strides[0] === kh && g.strides[1] === kw && g.pads.every((p) => p === 0)) {
    // Non-overlapping windows: each cell gets its window's share, a nearest-neighbour upsampling (ONNX
    // Runtime's Resize is some 15× faster here than a broadcast Expand or a depthwise ConvTranspose).
    // Rows a floor-mode pool never read get zeros; a ceil-mode pool's overhang is cut off.
    let spread = upsampleNearest(scaled, kh, kw);
    if (ho * kh > H || wo * kw > W) spread = slice(spread, [0, 0], [H, W], [2, 3]);
    return pad(spread, [0, 0, 0, 0, 0, 0, H - spread.shape[2], W - spread.shape[3]]);
  }
  const ones = d.graph.constant(new Float32Array(C * kh * kw).fill(1), [C, 1, kh, kw], 'avgpool_ones');
  return transposeToInput(scaled, ones, g, C, [H, W]);
}

export function maxPoolBackward(n: GraphNode, d: Tensor): Tensor {
  const x = n.inputs[0]!;
  const o = poolOptionsOf(n.attrs);
  const g = geometryOf(n.attrs);
  const disjoint = [0, 1].every((i) => (g.kernel[i] - 1) * g.dilations[i] + 1 <= g.strides[i]);
  if (disjoint) return maxUnpool(d, maxPoolIndices(x, o), x.shape, o);
  const count = x.shape.reduce((a, b) => a * b, 1);
  const indices = reshape(maxPoolIndices(x, o), [d.shape.reduce((a, b) => a * b, 1)]);
  const zeros = expand(d.graph.scalar(0), [count]);
  return reshape(scatterAdd(zeros, indices, reshape(d, [indices.shape[0]])), x.shape);
}
