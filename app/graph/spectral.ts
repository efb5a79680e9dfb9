/**
 * The DFT op (opset 17: the signal's last axis holds [re] or [re, im]) and its backward rule. The DFT
 * is linear, y = F·x, so its adjoint is conj(F) = n·IDFT (and IDFT's adjoint is DFT/n); a real input
 * keeps the real part of that; a one-sided output is zero-padded back to the full spectrum first.
 */
import { graphError, type GraphNode, type Tensor } from './builder';
import { mul, pad, slice } from './ops';

export interface DftOptions {
  inverse?: boolean;
  /** Real input only: keep the first ⌊n/2⌋+1 frequencies. */
  onesided?: boolean;
}

/**
 * DFT along `axis` (not the first, which is the batch, nor the last, which holds re/im).
 * @param x [batch, ..., 1 | 2]
 * @returns [batch, ..., 2], the axis' length ⌊n/2⌋+1 when one-sided
 */
export function dft(x: Tensor, axis: number, o: DftOptions = {}): Tensor {
  const r = x.shape.length;
  const a = axis < 0 ? axis + r : axis;
  const last = x.shape[r - 1];
  if (r < 3 || a < 1 || a >= r - 1 || (last !== 1 && last !== 2))
    throw graphError(`DFT of [${x.shape}] along axis ${axis}`);
  if (o.onesided && (last !== 1 || o.inverse))
    throw graphError('a one-sided DFT takes a real input, forward only');
  const shape = x.shape.map((d, i) => (i === r - 1 ? 2 : i === a && o.onesided ? Math.floor(d / 2) + 1 : d));
  const attrs = { axis: a, inverse: o.inverse ? 1 : 0, onesided: o.onesided ? 1 : 0 };
  return x.graph.node('DFT', [x], attrs, [{ shape }])[0];
}

export function dftBackward(n: GraphNode, d: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
  if (needs[1]) throw graphError('DFT is not differentiable with respect to its length');
  const x = n.inputs[0]!;
  const axis = n.attrs.axis as number;
  const r = x.shape.length;
  const len = x.shape[axis];
  let full = d;
  if (n.attrs.onesided === 1) {
    const pads = new Array<number>(2 * r).fill(0);
    pads[r + axis] = len - d.shape[axis];
    full = pad(d, pads);
  }
  const inverse = n.attrs.inverse === 1;
  const adj = mul(dft(full, axis, { inverse: !inverse }), inverse ? 1 / len : len);
  return [x.shape[r - 1] === 1 ? slice(adj, [0], [1], [r - 1]) : adj, null];
}
