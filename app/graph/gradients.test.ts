import { describe, expect, it } from 'vitest';
import { Graph, sizeOf, type Tensor } from './builder';
import { RULES, type Rule } from './gradients';
import { gradCheck, type GradCheckOptions } from './gradCheck';
import {
  averagePool,
  conv,
  depthToSpace,
  maxPool,
  spaceToDepth,
  type ConvOptions,
  type PoolOptions,
} from './nn';
import * as ops from './ops';
import { Random } from './random';
import { dft } from './spectral';

interface Case {
  y: Tensor;
  values: Map<Tensor, Float32Array>;
  wrt: Tensor[];
}

/** Builds a case: `make` gets a graph and a function declaring inputs with values. */
function build(
  make: (g: Graph, input: (shape: number[], lo?: number, hi?: number) => Tensor) => Tensor,
  seed = 1,
): Case {
  const g = new Graph('t');
  const rnd = new Random(seed);
  const values = new Map<Tensor, Float32Array>();
  const wrt: Tensor[] = [];
  const input = (shape: number[], lo = -1, hi = 1) => {
    const t = g.input(`in${wrt.length}`, shape);
    values.set(t, rnd.floats(sizeOf(shape), lo, hi));
    wrt.push(t);
    return t;
  };
  return { y: make(g, input), values, wrt };
}

async function expectGradients(name: string, c: Case, o: GradCheckOptions = {}, tol = 2e-3): Promise<void> {
  for (const [i, w] of c.wrt.entries()) {
    const r = await gradCheck(c.y, w, c.values, o);
    expect(r.scale, `${name}: gradient of in${i} is all zero`).toBeGreaterThan(0);
    expect(r.maxRelError, `${name} d/in${i}`).toBeLessThan(tol);
    expect(r.cosine).toBeGreaterThan(0.9999);
  }
}

/** Values with no two within `gap` of each other (so a small step never changes an argmax). */
function spaced(n: number, seed: number, gap = 0.05): Float32Array {
  const rnd = new Random(seed);
  const order = [...Array(n).keys()].sort(() => rnd.uniform() - 0.5);
  return Float32Array.from(order, (k) => (k - n / 2) * gap);
}

describe('backward rules match finite differences', () => {
  it('Add, Sub, Mul, Div with broadcasting; Neg, Sqrt', async () => {
    await expectGradients(
      'Add',
      build((_g, inp) => ops.add(inp([2, 3, 4]), inp([3, 1]))),
    );
    await expectGradients(
      'Sub',
      build((_g, inp) => ops.sub(inp([3, 1]), inp([2, 3, 4]))),
    );
    await expectGradients(
      'Mul',
      build((_g, inp) => ops.mul(inp([2, 1, 4]), inp([3, 1]))),
    );
    await expectGradients(
      'Div',
      build((_g, inp) => ops.div(inp([2, 3, 4]), inp([4], 0.5, 1.5))),
    );
    await expectGradients(
      'Neg',
      build((_g, inp) => ops.neg(inp([5]))),
    );
    await expectGradients(
      'Sqrt',
      build((_g, inp) => ops.sqrt(inp([6], 0.5, 2))),
    );
    await expectGradients(
      'square',
      build((_g, inp) => ops.square(inp([2, 3]))),
    );
  });

  it('Identity', async () => {
    await expectGradients(
      'Identity',
      build((_g, inp) => ops.identity(inp([2, 3]))),
    );
  });

  it('Relu (inputs kept away from the kink)', async () => {
    const c = build((_g, inp) => ops.relu(inp([2, 3, 5])));
    for (const v of c.values.values()) v.forEach((x, i) => (v[i] = x < 0 ? x - 0.1 : x + 0.1));
    await expectGradients('Relu', c);
  });

  it('Reshape, Transpose, ReduceSum, Expand', async () => {
    await expectGradients(
      'Reshape',
      build((_g, inp) => ops.reshape(inp([2, 3, 4]), [6, 4])),
    );
    await expectGradients(
      'Transpose',
      build((_g, inp) => ops.transpose(inp([2, 3, 4]), [2, 0, 1])),
    );
    await expectGradients(
      'ReduceSum',
      build((_g, inp) => ops.reduceSum(inp([2, 3, 4]), [1])),
    );
    await expectGradients(
      'ReduceSum keep',
      build((_g, inp) => ops.reduceSum(inp([2, 3, 4]), [0, 2], true)),
    );
    await expectGradients(
      'ReduceSum all',
      build((_g, inp) => ops.mul(ops.reduceSum(inp([3, 4])), inp([2]))),
    );
    await expectGradients(
      'Expand',
      build((_g, inp) => ops.expand(inp([3, 1]), [2, 3, 4])),
    );
  });

  it('Slice (forward and reversed), Pad, Concat', async () => {
    await expectGradients(
      'Slice',
      build((_g, inp) => ops.slice(inp([4, 6]), [1, 2], [3, 100])),
    );
    await expectGradients(
      'Slice flip',
      build((_g, inp) => ops.slice(inp([3, 5]), [-1, 3], [-100, 0], [0, 1], [-1, -1])),
    );
    await expectGradients(
      'Pad',
      build((_g, inp) => ops.pad(inp([2, 3]), [1, 0, 2, 3])),
    );
    await expectGradients(
      'Concat',
      build((_g, inp) => ops.concat([inp([2, 3]), inp([2, 1]), inp([2, 2])], 1)),
    );
  });

  it('MatMul (batched, broadcast) and Gemm (every transpose, C broadcast)', async () => {
    await expectGradients(
      'MatMul',
      build((_g, inp) => ops.matMul(inp([2, 3, 4]), inp([4, 5]))),
    );
    await expectGradients(
      'MatMul batch',
      build((_g, inp) => ops.matMul(inp([1, 3, 4]), inp([2, 4, 2]))),
    );
    await expectGradients(
      'Gemm Gram A·Aᵀ',
      build((_g, inp) => {
        const a = inp([3, 5]);
        return ops.gemm(a, a, null, { alpha: 0.5, transB: true });
      }),
    );
    for (const transA of [false, true])
      for (const transB of [false, true]) {
        const c = build((_g, inp) =>
          ops.gemm(inp(transA ? [4, 3] : [3, 4]), inp(transB ? [5, 4] : [4, 5]), inp([5]), {
            alpha: 0.7,
            beta: 1.3,
            transA,
            transB,
          }),
        );
        await expectGradients(`Gemm tA${+transA} tB${+transB}`, c);
      }
  });

  const convCases: [string, number[], number[], ConvOptions][] = [
    ['3x3 same', [1, 3, 7, 6], [4, 3, 3, 3], { pads: [1, 1, 1, 1] }],
    ['5x5 dilated, groups', [1, 4, 9, 9], [6, 2, 5, 5], { pads: [4, 3, 4, 5], dilations: [2, 2], group: 2 }],
    ['stride 2', [2, 2, 9, 8], [3, 2, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] }],
    ['stride 3 unread tail', [1, 2, 10, 11], [2, 2, 4, 3], { strides: [3, 2], pads: [0, 1, 0, 0] }],
    ['pads beyond kernel', [1, 2, 5, 5], [2, 2, 3, 3], { pads: [3, 0, 1, 3] }],
    ['depthwise', [1, 3, 6, 6], [3, 1, 3, 3], { pads: [1, 1, 1, 1], group: 3 }],
  ];
  it.each(convCases)('Conv %s (input and bias)', async (name, xs, ws, o) => {
    const rnd = new Random(3);
    const c = build((g, inp) => conv(inp(xs), g.constant(rnd.normals(sizeOf(ws)), ws), inp([ws[0]]), o));
    await expectGradients(`Conv ${name}`, c);
  });

  const poolCases: [string, PoolOptions][] = [
    ['2x2 /2', { kernel: [2, 2], strides: [2, 2] }],
    ['2x2 /2 odd size', { kernel: [2, 2], strides: [2, 2] }],
    ['2x2 /2 ceil odd size', { kernel: [2, 2], strides: [2, 2], ceilMode: true }],
    ['3x3 /2 pads', { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
    ['3x3 /2 pads incl', { kernel: [3, 3], strides: [2, 2], pads: [1, 0, 1, 1], countIncludePad: true }],
    ['3x2 /2 ceil', { kernel: [3, 2], strides: [2, 2], ceilMode: true }],
    ['3x3 /1 same', { kernel: [3, 3], pads: [1, 1, 1, 1] }],
  ];
  it.each(poolCases)('AveragePool %s', async (name, o) => {
    const size = name.includes('odd') ? [1, 2, 7, 9] : [2, 2, 8, 7];
    await expectGradients(
      `AveragePool ${name}`,
      build((_g, inp) => averagePool(inp(size), o)),
    );
  });
  it.each([
    ...poolCases,
    ['2x2 dilated', { kernel: [2, 2], dilations: [2, 1], pads: [1, 0, 0, 1] }] as const,
  ])('MaxPool %s (distinct values)', async (name, o) => {
    const size = name.includes('odd') ? [1, 2, 7, 9] : [2, 2, 8, 7];
    const c = build((_g, inp) => maxPool(inp(size), o as PoolOptions));
    for (const v of c.values.values()) v.set(spaced(v.length, 5));
    await expectGradients(`MaxPool ${name}`, c);
  });

  it('DepthToSpace and SpaceToDepth', async () => {
    await expectGradients(
      'DepthToSpace',
      build((_g, inp) => depthToSpace(inp([2, 8, 3, 2]), 2)),
    );
    await expectGradients(
      'SpaceToDepth',
      build((_g, inp) => spaceToDepth(inp([1, 2, 6, 9]), 3)),
    );
  });

  it('DFT: real one-sided, complex, inverse, two axes', async () => {
    await expectGradients(
      'DFT real onesided',
      build((_g, inp) => dft(inp([2, 6, 1]), 1, { onesided: true })),
    );
    await expectGradients(
      'DFT real odd',
      build((_g, inp) => dft(inp([1, 5, 3, 1]), 2)),
    );
    await expectGradients(
      'DFT complex',
      build((_g, inp) => dft(inp([1, 4, 2]), 1)),
    );
    await expectGradients(
      'IDFT complex',
      build((_g, inp) => dft(inp([1, 6, 2]), 1, { inverse: true })),
    );
    await expectGradients(
      'DFT 2-D',
      build((_g, inp) => dft(dft(inp([1, 4, 6, 1]), 2, { onesided: true }), 1)),
    );
  });

  it('a composite: conv → relu → pool → Gram → squared distance', async () => {
    const rnd = new Random(9);
    const c = build((g, inp) => {
      const x = inp([1, 3, 10, 10], 0, 1);
      const f = maxPool(
        ops.relu(
          conv(x, g.constant(rnd.normals(4 * 3 * 25, 0.3), [4, 3, 5, 5]), null, { pads: [2, 2, 2, 2] }),
        ),
        { kernel: [2, 2], strides: [2, 2] },
      );
      const m = ops.reshape(f, [4, 25]);
      const gram = ops.mul(ops.matMul(m, ops.transpose(m, [1, 0])), 1 / 25);
      return ops.reduceSum(ops.square(ops.sub(gram, g.constant(rnd.floats(16), [4, 4]))));
    });
    // Curvature (the Gram is quadratic, its distance quartic): a smaller step.
    await expectGradients('composite', c, { yIsLoss: true, step: 3e-3, samples: 48 }, 2e-2);
  });

  it('the checker itself catches a wrong rule', async () => {
    const rules = RULES as Record<string, Rule>;
    const right = rules.Neg;
    rules.Neg = (_n, dy) => [dy[0]];
    try {
      const c = build((_g, inp) => ops.neg(inp([4])));
      const r = await gradCheck(c.y, c.wrt[0], c.values);
      expect(r.maxRelError).toBeGreaterThan(1);
    } finally {
      rules.Neg = right;
    }
  });
});
