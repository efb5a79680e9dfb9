/**
 * The expression graph that app/graph differentiates: symbolic tensors with static shapes, produced by
 * ONNX nodes. Building a node only records it; `toModel` (model.ts) serialises the part an output needs,
 * and `grad` (autodiff.ts) appends backward nodes to the same graph. Shapes are static so that every
 * backward rule can work out its pads, reductions and slices at build time.
 */
import { StudioError } from '../common/errors';

export type DType = 'float32' | 'int64' | 'bool';

/** A node attribute, as app/graph/onnxBuilder takes it (floats wrapped as { float }). */
export type Attr = number | readonly number[] | string | { float: number } | { floats: readonly number[] };
export type Attrs = Readonly<Record<string, Attr>>;

/** A value in the graph: a graph input, a constant or the output of a node. */
export interface Tensor {
  readonly id: number;
  readonly graph: Graph;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** How it is made: an input (fed at run time), a constant (an initializer) or a node's output. */
  readonly source:
    | { kind: 'input'; name: string }
    | { kind: 'constant'; name: string; values: Float32Array | readonly number[] }
    | { kind: 'node'; node: GraphNode; index: number };
}

export interface GraphNode {
  readonly id: number;
  readonly opType: string;
  /** null = an omitted optional input. */
  readonly inputs: readonly (Tensor | null)[];
  readonly attrs: Attrs;
  readonly outputs: readonly Tensor[];
}

/** Number of elements of a shape ([] is a scalar: 1). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A build-time mistake in a graph (wrong shapes, an op without a gradient): a programming error. */
export function graphError(message: string): StudioError {
  return new StudioError('INTERNAL', `Graph: ${message}`);
}

export class Graph {
  private nextId = 0;
  private readonly nodeList: GraphNode[] = [];
  private readonly names = new Set<string>();
  private readonly scalars = new Map<string, Tensor>();

  constructor(readonly name: string) {}

  /** Nodes in creation order (a topological order). */
  get nodes(): readonly GraphNode[] {
    return this.nodeList;
  }

  /** A graph input fed at run time. */
  input(name: string, shape: readonly number[], dtype: DType = 'float32'): Tensor {
    this.claim(name);
    return this.tensor(shape, dtype, { kind: 'input', name });
  }

  /** A float32 constant (an initializer). `values` is copied. */
  constant(values: ArrayLike<number>, shape: readonly number[], hint = 'const'): Tensor {
    if (values.length !== sizeOf(shape))
      throw graphError(`constant of shape [${shape}] needs ${sizeOf(shape)} values, got ${values.length}`);
    return this.tensor(shape, 'float32', {
      kind: 'constant',
      name: `${hint}_${this.nextId}`,
      values: Float32Array.from(values),
    });
  }

  /** A float32 scalar constant (shape []), shared between uses of the same value. */
  scalar(value: number): Tensor {
    return this.shared(`f${value}`, () =>
      this.tensor([], 'float32', {
        kind: 'constant',
        name: `s_${this.nextId}`,
        values: Float32Array.of(value),
      }),
    );
  }

  /** An int64 constant (shapes, axes, pads), shared between uses of the same values. Default shape [n]. */
  int64s(values: readonly number[], shape: readonly number[] = [values.length]): Tensor {
    if (!values.every(Number.isInteger)) throw graphError(`int64 constant with non-integers [${values}]`);
    return this.shared(`i[${shape}]${values.join(',')}`, () =>
      this.tensor(shape, 'int64', { kind: 'constant', name: `i_${this.nextId}`, values: [...values] }),
    );
  }

  /**
   * Records a node. `outputs` gives each output's shape and dtype (the op constructors in ops.ts
   * compute them); returns the output tensors.
   */
  node(
    opType: string,
    inputs: readonly (Tensor | null)[],
    attrs: Attrs,
    outputs: readonly { shape: readonly number[]; dtype?: DType }[],
  ): Tensor[] {
    for (const t of inputs)
      if (t && t.graph !== this) throw graphError(`${opType} mixes tensors of two graphs`);
    const outs: Tensor[] = [];
    const node: GraphNode = { id: this.nextId++, opType, inputs: [...inputs], attrs, outputs: outs };
    outputs.forEach((o, index) =>
      outs.push(this.tensor(o.shape, o.dtype ?? 'float32', { kind: 'node', node, index })),
    );
    this.nodeList.push(node);
    return outs;
  }

  private tensor(shape: readonly number[], dtype: DType, source: Tensor['source']): Tensor {
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw graphError(`invalid shape [${shape}]`);
    return { id: this.nextId++, graph: this, shape: [...shape], dtype, source };
  }

  private shared(key: string, make: () => Tensor): Tensor {
    let t = this.scalars.get(key);
    if (!t) {
      t = make();
      this.scalars.set(key, t);
    }
    return t;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw graphError(`the input name ${name} is already used in ${this.name}`);
    this.names.add(name);
  }
}
