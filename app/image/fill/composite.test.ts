import { describe, expect, it } from 'vitest';
import { expectCode } from '../../testing/errors';
import { imageFrom, maskFrom, noiseImage } from '../../testing/fillImages';
import { compositeInHole, copyIntoHole } from './composite';

describe('compositeInHole', () => {
  const base = noiseImage(13, 9, 1);
  const fill = noiseImage(13, 9, 2);
  const hole = maskFrom(13, 9, (x, y) => (x - 6) ** 2 + (y - 4) ** 2 < 10);

  it('takes the hole from the fill and every other pixel, bit-exact, from the base', () => {
    const out = compositeInHole(base, fill, hole);
    const n = 13 * 9;
    for (let i = 0; i < n; i++)
      for (let c = 0; c < 3; c++)
        expect(out.data[c * n + i]).toBe(hole.data[i] ? fill.data[c * n + i] : base.data[c * n + i]);
    expect(out.data).not.toBe(base.data);
  });

  it('leaves its arguments as they were', () => {
    const before = base.data.slice();
    compositeInHole(base, fill, hole);
    expect(base.data).toEqual(before);
  });

  it('copyIntoHole writes the same pixels in place', () => {
    const to = imageFrom(13, 9, () => [0.5, 0.5, 0.5]);
    const expected = compositeInHole(to, fill, hole);
    copyIntoHole(to, fill, hole);
    expect(to.data).toEqual(expected.data);
  });

  it('refuses images of different sizes, naming them', () => {
    const e = expectCode(() => compositeInHole(base, noiseImage(12, 9, 2), hole), 'INTERNAL');
    expect(e.message).toContain('12x9');
  });
});
