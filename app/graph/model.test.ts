import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../common/errors';
import { loadModelSession } from '../ort/sessions';
import { grad } from './autodiff';
import { Graph } from './builder';
import { toModel } from './model';
import { conv } from './nn';
import { add, greater, mul, reduceSum, relu, where } from './ops';

const { onnx } = onnxProto;
const f32 = (data: number[], dims: number[]) => ({
  dtype: 'float32' as const,
  dims,
  data: Float32Array.from(data),
});

describe('graph model', () => {
  it('outputs the loss and its gradient from one model, leaving out what no output needs', async () => {
    const g = new Graph('m');
    const x = g.input('x', [3]);
    const unused = g.input('unused', [3]);
    relu(unused); // a dead branch
    const loss = reduceSum(mul(mul(x, x), 2)); // 2·Σx², gradient 4x
    const [dx] = grad(loss, [x]);
    const bytes = toModel({ loss, dx }, { metadata: { k: 'v' } });
    const model = onnx.ModelProto.decode(bytes);
    const graph = model.graph as onnxProto.onnx.GraphProto;
    expect(graph.input.map((i) => i.name)).toEqual(['x']);
    expect(graph.node.some((n) => n.opType === 'Relu')).toBe(false);
    expect(model.metadataProps[0].value).toBe('v');
    const s = await loadModelSession(bytes, { providers: ['cpu'], intraOpThreads: 1 });
    const out = await s.run({ x: f32([1, -2, 0.5], [3]) });
    expect(Array.from(out.loss.data as Float32Array)).toEqual([2 * (1 + 4 + 0.25)]);
    expect(Array.from(out.dx.data as Float32Array)).toEqual([4, -8, 2]);
    await s.release();
  });

  it('gives zeros for an input the loss does not depend on, and sums gradients of reused tensors', async () => {
    const g = new Graph('m');
    const x = g.input('x', [2]);
    const y = g.input('y', [2]);
    const loss = reduceSum(add(add(x, x), x)); // 3Σx
    const [dx, dy] = grad(loss, [x, y]);
    const s = await loadModelSession(toModel({ dx, dy }), { providers: ['cpu'], intraOpThreads: 1 });
    const out = await s.run({ x: f32([1, 2], [2]), y: f32([5, 6], [2]) });
    expect(Array.from(out.dx.data as Float32Array)).toEqual([3, 3]);
    expect(Array.from(out.dy.data as Float32Array)).toEqual([0, 0]);
    await s.release();
  });

  it('refuses what it cannot differentiate, naming it', () => {
    const g = new Graph('m');
    const x = g.input('x', [1, 1, 4, 4]);
    const w = g.input('w', [1, 1, 3, 3]);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof StudioError ? `${e.code}: ${e.message}` : String(e);
      }
      return 'no error';
    };
    expect(code(() => grad(x, [x]))).toMatch(/INTERNAL: .*scalar loss/);
    expect(code(() => grad(reduceSum(conv(x, w)), [w]))).toMatch(/weights are constants/);
    expect(code(() => grad(reduceSum(where(greater(x, 0), x, 1)), [x]))).toMatch(
      /no gradient rule for Where/,
    );
    expect(code(() => g.input('x', [1]))).toMatch(/already used/);
  });

  it('shares scalar and int64 constants', () => {
    const g = new Graph('m');
    expect(g.scalar(2)).toBe(g.scalar(2));
    expect(g.int64s([1, 2])).toBe(g.int64s([1, 2]));
    expect(g.int64s([1, 2])).not.toBe(g.int64s([1, 2], [2, 1]));
  });
});
