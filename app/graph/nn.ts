/**
 * Forward op constructors for 2-D convolution and pooling (NCHW, explicit pads; no auto_pad), plus the
 * helpers their backward rules use (ConvTranspose, MaxPool with indices, ScatterElements).
 */
import { graphError, type Tensor } from './builder';

/** [begin_h, begin_w, end_h, end_w], as ONNX orders pads. */
export type Pads2 = readonly [number, number, number, number];

export interface ConvOptions {
  strides?: readonly [number, number];
  pads?: Pads2;
  dilations?: readonly [number, number];
  group?: number;
}

export interface PoolOptions {
  kernel: readonly [number, number];
  strides?: readonly [number, number];
  pads?: Pads2;
  ceilMode?: boolean;
  /** AveragePool only: count padded cells in the divisor. */
  countIncludePad?: boolean;
  /** MaxPool only. */
  dilations?: readonly [number, number];
}

/** Resolved conv/pool geometry of one node. */
export interface Geometry2 {
  kernel: [number, number];
  strides: [number, number];
  pads: [number, number, number, number];
  dilations: [number, number];
}

function geometry(kernel: readonly number[], o: ConvOptions | PoolOptions): Geometry2 {
  return {
    kernel: [kernel[0], kernel[1]],
    strides: [...(o.strides ?? [1, 1])] as [number, number],
    pads: [...(o.pads ?? [0, 0, 0, 0])] as [number, number, number, number],
    dilations: [...(o.dilations ?? [1, 1])] as [number, number],
  };
}

function attrsOf(g: Geometry2): Record<string, number[]> {
  return { kernel_shape: g.kernel, strides: g.strides, pads: g.pads, dilations: g.dilations };
}

/** Reads a conv/pool node's geometry back from its attributes (for the backward rules). */
export function geometryOf(attrs: Readonly<Record<string, unknown>>): Geometry2 {
  return {
    kernel: attrs.kernel_shape as [number, number],
    strides: attrs.strides as [number, number],
    pads: attrs.pads as [number, number, number, number],
    dilations: (attrs.dilations ?? [1, 1]) as [number, number],
  };
}

/**
 * Output length along axis `i` (0 = height, 1 = width). With ceil mode a last window that would start
 * inside the end padding is dropped, as ONNX Runtime and PyTorch do.
 */
export function outLength(input: number, g: Geometry2, i: 0 | 1, ceil = false): number {
  const span = (g.kernel[i] - 1) * g.dilations[i] + 1;
  const room = input + g.pads[i] + g.pads[i + 2] - span;
  if (room < 0) throw graphError(`a window of ${span} does not fit ${input} (+ pads)`);
  let n = (ceil ? Math.ceil(room / g.strides[i]) : Math.floor(room / g.strides[i])) + 1;
  if (ceil && (n - 1) * g.strides[i] >= input + g.pads[i]) n--;
  return n;
}

function check4(x: Tensor, op: string): void {
  if (x.shape.length !== 4 || x.dtype !== 'float32') throw graphError(`${op} takes a float32 NCHW tensor`);
}

/**
 * 2-D convolution. `w` is [Cout, Cin/group, kh, kw], `bias` [Cout] or null.
 * @returns [N, Cout, Ho, Wo]
 */
export function conv(x: Tensor, w: Tensor, bias: Tensor | null = null, o: ConvOptions = {}): Tensor {
  check4(x, 'Conv');
  const group = o.group ?? 1;
  const [co, cig, kh, kw] = w.shape;
  if (w.shape.length !== 4 || cig * group !== x.shape[1] || co % group !== 0)
    throw graphError(`Conv of [${x.shape}] by weights [${w.shape}] in ${group} groups`);
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== co))
    throw graphError(`Conv bias [${bias.shape}]`);
  const g = geometry([kh, kw], o);
  const shape = [x.shape[0], co, outLength(x.shape[2], g, 0), outLength(x.shape[3], g, 1)];
  return x.graph.node('Conv', bias ? [x, w, bias] : [x, w], { ...attrsOf(g), group }, [{ shape }])[0];
}

/**
 * 2-D transposed convolution (the adjoint of Conv with the same weights), `w` [Cin, Cout/group, kh, kw].
 * Output length: s·(in−1) + outputPadding + (k−1)·d + 1 − pads.
 */
export function convTranspose(
  x: Tensor,
  w: Tensor,
  o: ConvOptions & { outputPadding?: readonly [number, number] } = {},
): Tensor {
  check4(x, 'ConvTranspose');
  const group = o.group ?? 1;
  const [ci, cog, kh, kw] = w.shape;
  if (ci !== x.shape[1] || ci % group !== 0)
    throw graphError(`ConvTranspose of [${x.shape}] by [${w.shape}]`);
  const g = geometry([kh, kw], o);
  const op = o.outputPadding ?? [0, 0];
  const len = (i: 0 | 1) =>
    g.strides[i] * (x.shape[2 + i] - 1) +
    op[i] +
    (g.kernel[i] - 1) * g.dilations[i] +
    1 -
    g.pads[i] -
    g.pads[i + 2];
  const shape = [x.shape[0], cog * group, len(0), len(1)];
  return x.graph.node('ConvTranspose', [x, w], { ...attrsOf(g), group, output_padding: [...op] }, [
    { shape },
  ])[0];
}

function poolShape(x: Tensor, g: Geometry2, ceil: boolean): number[] {
  return [x.shape[0], x.shape[1], outLength(x.shape[2], g, 0, ceil), outLength(x.shape[3], g, 1, ceil)];
}

export function averagePool(x: Tensor, o: PoolOptions): Tensor {
  check4(x, 'AveragePool');
  if (o.dilations && (o.dilations[0] !== 1 || o.dilations[1] !== 1))
    throw graphError('AveragePool has no dilations in opset 17');
  const g = geometry(o.kernel, o);
  const attrs = {
    kernel_shape: g.kernel,
    strides: g.strides,
    pads: g.pads,
    ceil_mode: o.ceilMode ? 1 : 0,
    count_include_pad: o.countIncludePad ? 1 : 0,
  };
  return x.graph.node('AveragePool', [x], attrs, [{ shape: poolShape(x, g, !!o.ceilMode) }])[0];
}

function maxPoolNode(x: Tensor, o: PoolOptions, withIndices: boolean): Tensor[] {
  check4(x, 'MaxPool');
  const g = geometry(o.kernel, o);
  const shape = poolShape(x, g, !!o.ceilMode);
  const outs = withIndices ? [{ shape }, { shape, dtype: 'int64' as const }] : [{ shape }];
  return x.graph.node('MaxPool', [x], { ...attrsOf(g), ceil_mode: o.ceilMode ? 1 : 0 }, outs);
}

export function maxPool(x: Tensor, o: PoolOptions): Tensor {
  return maxPoolNode(x, o, false)[0];
}

/** MaxPool's second output: for each window, the flat index (over the whole N·C·H·W input) of its maximum. */
export function maxPoolIndices(x: Tensor, o: PoolOptions): Tensor {
  return maxPoolNode(x, o, true)[1];
}

/** Reads PoolOptions back from a pooling node's attributes. */
export function poolOptionsOf(attrs: Readonly<Record<string, unknown>>): PoolOptions {
  const g = geometryOf(attrs);
  return {
    kernel: g.kernel,
    strides: g.strides,
    pads: g.pads,
    dilations: g.dilations,
    ceilMode: attrs.ceil_mode === 1,
    countIncludePad: attrs.count_include_pad === 1,
  };
}

/**
 * DepthToSpace (DCR): [N, b·b·C, H, W] → [N, C, b·H, b·W], input channel (i·b + j)·C + c landing at
 * row offset i, column offset j of channel c. A layout change only (ONNX Runtime's is several times
 * faster than the equivalent 6-D Transpose).
 */
export function depthToSpace(x: Tensor, blocksize: number): Tensor {
  check4(x, 'DepthToSpace');
  const [n, cb, h, w] = x.shape;
  const b = blocksize;
  if (!Number.isInteger(b) || b < 1 || cb % (b * b) !== 0)
    throw graphError(`DepthToSpace of [${x.shape}] by blocks of ${b}`);
  const shape = [n, cb / (b * b), h * b, w * b];
  return x.graph.node('DepthToSpace', [x], { blocksize: b, mode: 'DCR' }, [{ shape }])[0];
}

/** SpaceToDepth: the inverse (and adjoint) of depthToSpace. */
export function spaceToDepth(x: Tensor, blocksize: number): Tensor {
  check4(x, 'SpaceToDepth');
  const [n, c, h, w] = x.shape;
  const b = blocksize;
  if (!Number.isInteger(b) || b < 1 || h % b !== 0 || w % b !== 0)
    throw graphError(`SpaceToDepth of [${x.shape}] by blocks of ${b}`);
  const shape = [n, c * b * b, h / b, w / b];
  return x.graph.node('SpaceToDepth', [x], { blocksize: b }, [{ shape }])[0];
}

/** Nearest-neighbour upsampling by whole factors (each value repeated kh × kw times). */
export function upsampleNearest(x: Tensor, kh: number, kw: number): Tensor {
  check4(x, 'Resize');
  const scales = x.graph.constant([1, 1, kh, kw], [4], 'scales');
  const shape = [x.shape[0], x.shape[1], x.shape[2] * kh, x.shape[3] * kw];
  const attrs = { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
  return x.graph.node('Resize', [x, null, scales, null], attrs, [{ shape }])[0];
}

/**
 * MaxPool's adjoint for windows that do not overlap: a tensor of `shape`, zero except `x`'s values at
 * the flat `indices` (MaxUnpool; with overlapping windows an index could repeat and only one value
 * would land, so those take scatterAdd).
 */
export function maxUnpool(x: Tensor, indices: Tensor, shape: readonly number[], o: PoolOptions): Tensor {
  if (indices.dtype !== 'int64') throw graphError('MaxUnpool takes int64 indices');
  const g = geometry(o.kernel, o);
  // ONNX Runtime wants `shape` at least the size these attributes imply, (n−1)·s + k − pads; a ceil-mode
  // pool's last window can hang over the end, so the overhang goes into the end pads (which MaxUnpool
  // uses for nothing else: the indices are absolute).
  const pads = [...g.pads];
  for (const i of [0, 1]) {
    const implied = (x.shape[2 + i] - 1) * g.strides[i] + g.kernel[i] - pads[i] - pads[i + 2];
    pads[i + 2] += Math.max(0, implied - shape[2 + i]);
  }
  const attrs = { kernel_shape: g.kernel, strides: g.strides, pads };
  return x.graph.node('MaxUnpool', [x, indices, x.graph.int64s(shape)], attrs, [{ shape }])[0];
}

/** data with `updates` added at `indices` along `axis` (ScatterElements, reduction add). */
export function scatterAdd(data: Tensor, indices: Tensor, updates: Tensor, axis = 0): Tensor {
  if (indices.dtype !== 'int64') throw graphError('ScatterElements takes int64 indices');
  return data.graph.node('ScatterElements', [data, indices, updates], { axis, reduction: 'add' }, [
    { shape: data.shape },
  ])[0];
}
