import { describe, expect, it } from 'vitest';
import { StudioError } from '../common/errors';
import { loadModelSession } from '../ort/sessions';
import { Graph, sizeOf } from './builder';
import { gradCheck } from './gradCheck';
import { toModel } from './model';
import { conv, type Pads2 } from './nn';
import { relu } from './ops';
import { Random } from './random';
import { winogradConv3x3 } from './winograd';

const cases: [string, number[], number, Pads2, boolean][] = [
  ['same, sizes not multiples of 4', [1, 8, 9, 7], 6, [1, 1, 1, 1], true],
  ['valid, batch 2', [2, 5, 8, 10], 3, [0, 0, 0, 0], false],
  ['uneven pads', [1, 3, 6, 5], 4, [2, 0, 1, 2], true],
];

describe('Winograd F(4×4, 3×3) convolution', () => {
  it.each(cases)('equals the direct convolution: %s', async (_name, xs, co, pads, withBias) => {
    const rnd = new Random(11);
    const g = new Graph('w');
    const x = g.input('x', xs);
    const ws = [co, xs[1], 3, 3];
    const w = g.constant(rnd.normals(sizeOf(ws)), ws);
    const b = withBias ? g.constant(rnd.normals(co), [co]) : null;
    const direct = conv(x, w, b, { pads });
    const fast = winogradConv3x3(x, w, b, pads);
    expect(fast.shape).toEqual(direct.shape);
    const s = await loadModelSession(toModel({ direct, fast }), { providers: ['cpu'], intraOpThreads: 1 });
    const out = await s.run({ x: { dtype: 'float32', dims: xs, data: rnd.normals(sizeOf(xs)) } });
    await s.release();
    const [a, f] = [out.direct.data as Float32Array, out.fast.data as Float32Array];
    let worst = 0,
      scale = 0;
    a.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - f[i]));
      scale = Math.max(scale, Math.abs(v));
    });
    expect(out.fast.dims).toEqual(direct.shape);
    expect(worst / scale).toBeLessThan(1e-5);
  });

  it('its gradient (the composite’s backward rules) matches finite differences', async () => {
    const rnd = new Random(12);
    const g = new Graph('w');
    const x = g.input('x', [1, 4, 7, 6]);
    const w = g.constant(rnd.normals(5 * 4 * 9, 0.3), [5, 4, 3, 3]);
    const y = relu(winogradConv3x3(x, w, g.constant(rnd.normals(5, 0.1), [5])));
    const values = new Map([[x, rnd.floats(4 * 7 * 6, -1, 1)]]);
    const r = await gradCheck(y, x, values, { step: 1e-3, samples: 48 });
    expect(r.scale).toBeGreaterThan(0);
    expect(r.maxRelError).toBeLessThan(5e-3);
    expect(r.cosine).toBeGreaterThan(0.9999);
  });

  it('takes constant 3×3 weights only', () => {
    const g = new Graph('w');
    const x = g.input('x', [1, 2, 8, 8]);
    const fail = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof StudioError ? e.message : String(e);
      }
      return 'no error';
    };
    expect(fail(() => winogradConv3x3(x, g.input('w', [3, 2, 3, 3])))).toMatch(/constant 3×3 weights/);
    expect(fail(() => winogradConv3x3(x, g.constant(new Float32Array(3 * 2 * 25), [3, 2, 5, 5])))).toMatch(
      /constant 3×3 weights/,
    );
  });
});
