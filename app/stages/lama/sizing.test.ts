import { describe, expect, it } from 'vitest';
import { createImage, createMask } from '../../image/types';
import { fitScale, padImage, padMask, paddedSize } from './sizing';

describe('sizing', () => {
  it('fits crops to fixed, limited and unlimited engines', () => {
    expect(fitScale(1024, 300, { fixedSize: 512, multiple: 1, limit: null })).toBe(0.5);
    expect(fitScale(300, 200, { fixedSize: 512, multiple: 1, limit: null })).toBe(1);
    expect(fitScale(4096, 10, { fixedSize: null, multiple: 32, limit: 1024 })).toBe(0.25);
    expect(fitScale(9999, 10, { fixedSize: null, multiple: 1, limit: null })).toBe(1);
    expect(paddedSize(300, 200, { fixedSize: null, multiple: 32, limit: null })).toEqual({
      width: 320,
      height: 224,
    });
  });

  it('mirrors the mask with the image, so a hole at the edge is never shown as known context', () => {
    const img = createImage(4, 3);
    const mask = createMask(4, 3);
    mask.data[1 * 4 + 3] = 1; // right edge, middle row
    for (let i = 0; i < 12; i++) img.data[i] = i;
    const pi = padImage(img, 7, 5);
    const pm = padMask(mask, 7, 5);
    // Column 4 mirrors column 2, column 5 column 1; row 3 mirrors row 1, row 4 row 0.
    for (let y = 0; y < 5; y++)
      for (let x = 0; x < 7; x++) {
        const sx = [0, 1, 2, 3, 2, 1, 0][x];
        const sy = [0, 1, 2, 1, 0][y];
        expect(pm.data[y * 7 + x]).toBe(mask.data[sy * 4 + sx]);
        expect(pi.data[y * 7 + x]).toBe(img.data[sy * 4 + sx]);
      }
  });
});
