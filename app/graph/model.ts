/**
 * Serialises the part of a Graph that some outputs need into one ONNX model (opset 17), through the
 * onnx-proto helper in onnxBuilder.ts. Nodes nothing asked for (dead forward branches,
 * unused backward pieces) are left out.
 */
import { GraphBuilder } from './onnxBuilder';
import { graphError, type GraphNode, type Tensor } from './builder';

export interface ModelOptions {
  metadata?: Readonly<Record<string, string>>;
  docString?: string;
}

/** The graph inputs and nodes `outputs` depend on, nodes in creation (topological) order. */
export function collect(outputs: readonly Tensor[]): {
  inputs: Tensor[];
  constants: Tensor[];
  nodes: GraphNode[];
} {
  const seen = new Set<number>();
  const nodes = new Set<GraphNode>();
  const inputs: Tensor[] = [];
  const constants: Tensor[] = [];
  const stack = [...outputs];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    const s = t.source;
    if (s.kind === 'input') inputs.push(t);
    else if (s.kind === 'constant') constants.push(t);
    else if (!nodes.has(s.node)) {
      nodes.add(s.node);
      for (const i of s.node.inputs) if (i) stack.push(i);
    }
  }
  const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
  return { inputs: inputs.sort(byId), constants: constants.sort(byId), nodes: [...nodes].sort(byId) };
}

/**
 * One ONNX model whose outputs are `outputs` (by name), computed from the graph inputs they depend on.
 * @throws StudioError INTERNAL when an output name clashes with an input name or an output is a constant
 */
export function toModel(outputs: Readonly<Record<string, Tensor>>, options: ModelOptions = {}): Uint8Array {
  const list = Object.values(outputs);
  if (list.length === 0) throw graphError('a model needs at least one output');
  const graph = list[0].graph;
  const { inputs, constants, nodes } = collect(list);
  const b = new GraphBuilder(graph.name);
  const names = new Map<number, string>();
  for (const t of inputs) {
    if (t.source.kind !== 'input') continue;
    names.set(t.id, b.input(t.source.name, t.dtype, t.shape));
  }
  for (const t of constants) {
    if (t.source.kind !== 'constant') continue;
    const { name, values } = t.source;
    names.set(
      t.id,
      t.dtype === 'int64' ? b.int64s(name, t.shape, values as number[]) : b.floats(name, t.shape, values),
    );
  }
  for (const n of nodes) {
    const ins = n.inputs.map((i) => (i ? names.get(i.id)! : ''));
    const outs = b.node(n.opType, ins, n.attrs, n.outputs.length);
    n.outputs.forEach((t, i) => names.set(t.id, outs[i]));
  }
  for (const [name, t] of Object.entries(outputs)) {
    const value = names.get(t.id);
    if (value === undefined || t.source.kind === 'constant')
      throw graphError(`output ${name} is not computed`);
    b.output(value, name, t.dtype, t.shape);
  }
  return b.build({
    metadata: options.metadata,
    docString: options.docString,
    producerName: 'inpaint-studio app/graph',
  });
}
