import { describe, expect, it } from 'vitest';
import { Random } from '../../graph/random';
import { gaussianBlur, maskedHighPass } from './band';
import { matchQuantiles, sortedSamples } from './histogram';

const W = 23,
  H = 17;

function hole(): Float32Array {
  const h = new Float32Array(W * H);
  for (let y = 4; y < 13; y++) for (let x = 5; x < 19; x++) h[y * W + x] = 1;
  return h;
}

describe('detail band', () => {
  it('the masked high-pass adjoint satisfies <HP v, g> = <v, HPᵀ g> on the hole', () => {
    const m = hole();
    const hp = maskedHighPass(m, W, H, 2, 2.5);
    const rnd = new Random(3);
    const v = Float32Array.from(rnd.floats(2 * W * H), (x, i) => x * m[i % (W * H)]);
    const g = Float32Array.from(rnd.floats(2 * W * H), (x, i) => x * m[i % (W * H)]);
    const a = hp.apply(v.slice());
    const b = hp.adjoint(g.slice());
    let lhs = 0,
      rhs = 0;
    for (let i = 0; i < v.length; i++) {
      lhs += a[i] * g[i];
      rhs += v[i] * b[i];
    }
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
    expect(Math.abs(lhs)).toBeGreaterThan(1e-3);
  });

  it('removes a constant offset inside the hole (no rim at its edge) and leaves the outside at zero', () => {
    const m = hole();
    const v = Float32Array.from(m, (x) => 0.3 * x);
    const out = maskedHighPass(m, W, H, 1, 3).apply(v);
    for (let i = 0; i < out.length; i++) expect(Math.abs(out[i])).toBeLessThan(1e-5);
  });

  it('a Gaussian blur keeps a constant away from the frame and halves a 1-pixel spike spread', () => {
    const c = new Float32Array(W * H).fill(1);
    const b = gaussianBlur(c, W, H, 1, 1.5);
    expect(b[8 * W + 11]).toBeCloseTo(1, 5);
    expect(b[0]).toBeLessThan(0.9); // zero padding at the frame
  });
});

describe('histogram matching', () => {
  it('maps values to the target quantiles, keeping their order', () => {
    const values = [5, 1, 3, 2, 4];
    const target = sortedSamples([10, 30, 20, 50, 40], null);
    const out = matchQuantiles(values, [0, 1, 2, 3, 4], target);
    expect(Array.from(out)).toEqual([50, 10, 30, 20, 40]);
  });

  it('uses only the samples where `use` is set', () => {
    expect(Array.from(sortedSamples([3, 9, 1, 7], [1, 0, 1, 0]))).toEqual([1, 3]);
  });
});
