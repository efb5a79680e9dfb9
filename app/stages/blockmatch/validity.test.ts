import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../common/random';
import { growMask } from '../../image/morphology';
import { createMask } from '../../image/types';
import { SourceValidity } from './validity';

describe('allowed source positions', () => {
  it('answers like a plain count over the whole grown hole, from a table over its box only', () => {
    const rnd = mulberry32(3);
    const W = 70;
    const H = 52;
    for (const margin of [0, 2.5, 4]) {
      const mask = createMask(W, H);
      for (let k = 0; k < 5; k++) {
        const x = 20 + Math.floor(rnd() * 25);
        const y = 15 + Math.floor(rnd() * 20);
        mask.data[y * W + x] = 1;
        mask.data[y * W + x + 1] = 1;
      }
      const grown = margin > 0 ? growMask(mask, margin) : mask;
      const v = new SourceValidity(mask, margin, 8);
      for (let t = 0; t < 400; t++) {
        const x = Math.floor(rnd() * W);
        const y = Math.floor(rnd() * H);
        const w = 1 + Math.floor(rnd() * (W - x));
        const h = 1 + Math.floor(rnd() * (H - y));
        let count = 0;
        for (let r = y; r < y + h; r++) for (let c = x; c < x + w; c++) count += grown.data[r * W + c];
        expect(v.holeCount(x, y, w, h)).toBe(count);
        expect(v.rectAllowed(x, y, w, h)).toBe(count === 0);
      }
      expect(v.allowed(W - 8, H - 8)).toBe(v.holeCount(W - 8, H - 8, 8, 8) === 0);
      expect(v.allowed(W - 7, 0)).toBe(false);
    }
    const none = new SourceValidity(createMask(W, H), 4, 8);
    expect(none.allowed(0, 0)).toBe(true);
    expect(none.holeCount(0, 0, W, H)).toBe(0);
  });
});
