import { describe, expect, it } from 'vitest';
import { checkerboard, imageFrom, maskFrom } from '../../../testing/fillImages';
import { textureFeature } from '../../../image/fill/textureFeature';

describe('textureFeature', () => {
  it('is zero on a flat image and positive on texture, scaled by the weight', () => {
    const hole = maskFrom(40, 30, (x, y) => Math.hypot(x - 20, y - 15) < 6);
    const flat = textureFeature(
      imageFrom(40, 30, () => [0.3, 0.3, 0.3]),
      hole,
      7,
      4,
    );
    expect(flat.every((v) => v === 0)).toBe(true);
    const board = checkerboard(40, 30, 4);
    const t1 = textureFeature(board, hole, 7, 1);
    const t4 = textureFeature(board, hole, 7, 4);
    for (let i = 0; i < t1.length; i++) {
      expect(t1[i]).toBeGreaterThan(0);
      expect(t4[i]).toBeCloseTo(4 * t1[i], 5);
    }
  });

  it('fills the hole from its surroundings without reading the hole', () => {
    const mask = maskFrom(48, 48, (x, y) => x > 16 && x < 32 && y > 16 && y < 32);
    const a = checkerboard(48, 48, 3);
    const b = checkerboard(48, 48, 3);
    // Paint the hole of b with something wild: the feature must not change.
    for (let i = 0; i < 48 * 48; i++) if (mask.data[i]) b.data[i] = b.data[2304 + i] = (i % 7) / 7;
    expect(textureFeature(b, mask, 7, 4)).toEqual(textureFeature(a, mask, 7, 4));
  });
});
