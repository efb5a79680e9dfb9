// The mask buffer's hole scans against plain loops.
import { describe, expect, it } from 'vitest';
import { MaskBuffer, THRESHOLD } from './mask';
import { mulberry32 } from '../../app/common/random';

function plainBounds(m: MaskBuffer) {
  let x0 = m.width,
    y0 = m.height,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < m.height; y++)
    for (let x = 0; x < m.width; x++)
      if (m.data[y * m.width + x] >= THRESHOLD) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = y;
      }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

describe('mask buffer', () => {
  it('reads the hole as bit 7 of the coverage (the fast scans rely on THRESHOLD = 128)', () => {
    expect(THRESHOLD).toBe(128);
  });

  it('finds the bounding box of the hole, skipping soft coverage below the threshold', () => {
    const rnd = mulberry32(3);
    for (let t = 0; t < 60; t++) {
      const m = new MaskBuffer(1 + Math.floor(rnd() * 37), 1 + Math.floor(rnd() * 23));
      const p = rnd() * 0.05;
      for (let i = 0; i < m.data.length; i++) {
        const r = rnd();
        m.data[i] = r < p ? 128 + Math.floor(rnd() * 128) : r < 0.3 ? Math.floor(rnd() * 128) : 0;
      }
      expect(m.bounds()).toEqual(plainBounds(m));
    }
    const empty = new MaskBuffer(13, 5);
    expect(empty.bounds()).toBeNull();
    empty.data[64 - 1] = 127;
    expect(empty.bounds()).toBeNull();
    empty.data[12] = 200;
    expect(empty.bounds()).toEqual({ x0: 12, y0: 0, x1: 13, y1: 1 });
  });

  it('gives the engine 1 exactly where coverage >= THRESHOLD, whatever the length (words and a tail)', () => {
    for (const [w, h] of [
      [1, 1],
      [3, 1],
      [4, 1],
      [7, 3],
      [13, 5],
    ]) {
      const m = new MaskBuffer(w, h);
      for (let i = 0; i < m.data.length; i++) m.data[i] = (i * 37 + 101) % 256;
      expect(Array.from(m.binary())).toEqual(Array.from(m.data, (v) => (v >= THRESHOLD ? 1 : 0)));
    }
  });
});
