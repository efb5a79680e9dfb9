/**
 * A thin, typed helper over onnx-proto for building small ONNX graphs in code: named inputs and outputs
 * (symbolic dims allowed), float/int initializers, nodes with typed attributes, opset 17 and
 * metadata_props. It only assembles protobuf messages; it knows nothing of any particular network.
 * (The differentiating graph builder, builder.ts beside it, is a separate, larger thing.)
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Element types the generated models use, by ONNX Runtime's names. */
export type ElemType = 'float32' | 'uint8' | 'int64' | 'bool';
/** A dimension: a fixed size or a symbolic name (dynamic). */
export type Dim = number | string;

const ELEM: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  uint8: onnx.TensorProto.DataType.UINT8,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/**
 * A node attribute. A plain number or number array is an INT/INTS attribute (it must be integral);
 * wrap floats as `{ float }` / `{ floats }`; a string is a STRING attribute.
 */
export type AttrValue =
  number | readonly number[] | string | { float: number } | { floats: readonly number[] };

export const OPSET = 17;
/** ONNX IR version 8 goes with opset 17 (onnx 1.12+), and is the newest onnx-proto 8 knows. */
export const IR_VERSION = 8;

export interface BuildOptions {
  /** Model-level custom metadata (metadata_props). */
  metadata?: Readonly<Record<string, string>>;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inits: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(readonly name: string) {}

  /** Declares a graph input and returns its name. */
  input(name: string, elem: ElemType, dims: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, elem, dims));
    return name;
  }

  /** Declares `value` (a node output) as a graph output named `name` (an Identity is added if the names differ). */
  output(value: string, name: string, elem: ElemType, dims: readonly Dim[]): string {
    if (value !== name) {
      this.claim(name);
      this.nodes.push({ opType: 'Identity', name: `${name}_out`, input: [value], output: [name] });
    }
    this.outputs.push(valueInfo(name, elem, dims));
    return name;
  }

  /** A float32 initializer (weights, scalars). */
  floats(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    this.claim(name);
    return this.addFloats(name, dims, values);
  }

  /** A float32 scalar initializer with a generated name. */
  scalar(value: number, hint = 'c'): string {
    return this.addFloats(this.fresh(hint), [], [value]);
  }

  private addFloats(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    checkCount(name, dims, values.length);
    const data = Float32Array.from(values);
    this.inits.push({
      name,
      dataType: ELEM.float32,
      dims: [...dims],
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  /** An int64 initializer (pads, shapes, axes). */
  int64s(name: string, dims: readonly number[], values: readonly number[]): string {
    checkCount(name, dims, values.length);
    this.claim(name);
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.inits.push({
      name,
      dataType: ELEM.int64,
      dims: [...dims],
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  /**
   * Adds a node with `outputs` results (default 1) and returns their generated names.
   * An empty string in `inputs` is an omitted optional input.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrValue>> = {},
    outputs = 1,
  ): string[] {
    const base = this.fresh(opType);
    const outs = Array.from({ length: outputs }, (_, i) => (outputs === 1 ? base : `${base}_${i}`));
    for (const o of outs) this.used.add(o);
    this.nodes.push({
      opType,
      name: base,
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** A single-output node; returns its output name. */
  op(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}): string {
    return this.node(opType, inputs, attrs, 1)[0];
  }

  /** Serialises the model (opset 17) to protobuf bytes. */
  build(options: BuildOptions = {}): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: options.producerName ?? 'inpaint-studio',
      producerVersion: options.producerVersion ?? '',
      docString: options.docString ?? '',
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.inits,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.counter++}`;
    while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new Error(`ONNX graph ${this.name}: the name ${name} is already used`);
    this.used.add(name);
  }
}

function valueInfo(name: string, elem: ElemType, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[elem],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return { name, type: T.INT, i: integral(name, v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v.map((x: number) => integral(name, x)) };
  if ('floats' in v) return { name, type: T.FLOATS, floats: [...v.floats] };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  throw new Error(`Unsupported attribute value for ${name}`);
}

function integral(name: string, v: number): number {
  if (!Number.isInteger(v))
    throw new Error(`Attribute ${name} must be an integer (wrap floats as { float }), got ${v}`);
  return v;
}

function checkCount(name: string, dims: readonly number[], n: number): void {
  const want = dims.reduce((a, b) => a * b, 1);
  if (want !== n)
    throw new Error(`Initializer ${name}: dims [${dims.join(',')}] need ${want} values, got ${n}`);
}
