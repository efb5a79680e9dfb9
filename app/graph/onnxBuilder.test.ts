import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './onnxBuilder';

const { onnx } = onnxProto;

describe('GraphBuilder', () => {
  it('builds an opset-17 model with symbolic dims, typed attributes, initializers and metadata', () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float32', ['n', 3]);
    const y = g.op('LeakyRelu', [g.op('Add', [x, g.floats('b', [3], [1, 2, 3])])], { alpha: { float: 0.5 } });
    g.output(y, 'y', 'float32', ['n', 3]);
    const model = onnx.ModelProto.decode(g.build({ metadata: { k: 'v' } }));
    expect(Number(model.opsetImport[0].version)).toBe(17);
    expect(model.metadataProps.map((p) => [p.key, p.value])).toEqual([['k', 'v']]);
    const graph = model.graph as onnxProto.onnx.GraphProto; // decode() fills every repeated field
    const dims = graph.input[0].type?.tensorType?.shape?.dim ?? [];
    expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['n', 3]);
    const leaky = graph.node.find((n) => n.opType === 'LeakyRelu') as onnxProto.onnx.NodeProto;
    expect(leaky.attribute[0].f).toBe(0.5);
    expect(graph.initializer[0].rawData?.length).toBe(12);
  });

  it('refuses duplicate names, non-integral int attributes and wrong initializer sizes', () => {
    const g = new GraphBuilder('t');
    g.input('x', 'float32', [1]);
    expect(() => g.input('x', 'float32', [1])).toThrow(/already used/);
    expect(() => g.op('Conv', ['x'], { group: 1.5 })).toThrow(/integer/);
    expect(() => g.floats('w', [2, 2], [1, 2, 3])).toThrow(/need 4 values/);
  });
});
