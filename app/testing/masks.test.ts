import { describe, expect, it } from 'vitest';
import { createImage, createMask } from '../image/types';
import { changedOutside, rectMask } from './masks';

describe('rectMask', () => {
  it('sets exactly the half-open rectangle [x0, x1) x [y0, y1)', () => {
    const m = rectMask(5, 4, 1, 2, 3, 4);
    expect(Array.from(m.data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0]);
  });
});

describe('changedOutside', () => {
  const mask = rectMask(3, 2, 0, 0, 1, 1); // only pixel 0 is in the hole
  const base = () =>
    createImage(
      3,
      2,
      Float32Array.from({ length: 18 }, (_, i) => i / 18),
    );

  it('counts each changed value outside the hole, channel by channel, and ignores the hole', () => {
    const a = base();
    const b = base();
    expect(changedOutside(a, b, mask)).toBe(0);
    b.data[0] = 0.9; // R of pixel 0: in the hole
    b.data[6] = 0.9; // G of pixel 0: in the hole
    expect(changedOutside(a, b, mask)).toBe(0);
    b.data[1] = 0.9; // R of pixel 1
    b.data[13] = 0.9; // B of pixel 1
    b.data[17] += 1e-7; // B of pixel 5, one ulp-sized step
    expect(changedOutside(a, b, mask)).toBe(3);
  });

  it('compares bits: 0 against -0 is a change, the same NaN is not', () => {
    const a = base();
    const b = base();
    a.data[2] = 0;
    b.data[2] = -0;
    expect(changedOutside(a, b, mask)).toBe(1);
    b.data[2] = 0;
    a.data[3] = NaN;
    b.data[3] = NaN;
    expect(changedOutside(a, b, mask)).toBe(0);
  });

  it('refuses images whose size is not the mask’s', () => {
    expect(() => changedOutside(createImage(2, 2), createImage(3, 2), createMask(3, 2))).toThrow(/2x2/);
  });
});
