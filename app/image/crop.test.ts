import { describe, expect, it } from 'vitest';
import { cropImage, cropMask, expandRect, maskBoundingBox, pasteImage } from './crop';
import { createImage, createMask } from './types';

function numbered(width: number, height: number) {
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = i / data.length;
  return createImage(width, height, data);
}

describe('crop and paste', () => {
  it('crops each plane and pastes back to the same image', () => {
    const img = numbered(7, 5);
    const rect = { x: 2, y: 1, width: 4, height: 3 };
    const c = cropImage(img, rect);
    expect([c.width, c.height]).toEqual([4, 3]);
    for (let ch = 0; ch < 3; ch++) {
      expect(c.data[ch * 12 + 1 * 4 + 2]).toBe(img.data[ch * 35 + (1 + 1) * 7 + (2 + 2)]);
    }
    const dst = createImage(7, 5, img.data.slice());
    dst.data.fill(0, 0, 35); // wipe the red plane
    const redCrop = cropImage(img, { x: 0, y: 0, width: 7, height: 5 });
    pasteImage(dst, redCrop, 0, 0);
    expect(Array.from(dst.data)).toEqual(Array.from(img.data));
  });

  it('pastes only inside the target rectangle', () => {
    const dst = createImage(4, 4);
    const src = createImage(2, 2, new Float32Array(12).fill(1));
    pasteImage(dst, src, 1, 2);
    const red = Array.from(dst.data.subarray(0, 16));
    expect(red).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
  });

  it('refuses rectangles outside the image', () => {
    const img = numbered(4, 4);
    expect(() => cropImage(img, { x: 2, y: 0, width: 3, height: 1 })).toThrow(
      expect.objectContaining({ code: 'PARAM_INVALID' }),
    );
    expect(() => cropImage(img, { x: 0.5, y: 0, width: 1, height: 1 })).toThrow();
    expect(() => pasteImage(img, numbered(2, 2), 3, 3)).toThrow();
  });

  it('crops masks', () => {
    const m = createMask(3, 3, new Uint8Array([0, 1, 0, 0, 1, 1, 0, 0, 0]));
    expect(Array.from(cropMask(m, { x: 1, y: 0, width: 2, height: 2 }).data)).toEqual([1, 0, 1, 1]);
  });
});

describe('maskBoundingBox / expandRect', () => {
  it('finds the tightest box or null', () => {
    const m = createMask(6, 5);
    expect(maskBoundingBox(m)).toBeNull();
    m.data[1 * 6 + 4] = 1;
    m.data[3 * 6 + 2] = 1;
    expect(maskBoundingBox(m)).toEqual({ x: 2, y: 1, width: 3, height: 3 });
  });

  it('expands by a margin clipped to the image', () => {
    expect(expandRect({ x: 2, y: 1, width: 3, height: 3 }, 2, 6, 5)).toEqual({
      x: 0,
      y: 0,
      width: 6,
      height: 5,
    });
    expect(expandRect({ x: 2, y: 2, width: 1, height: 1 }, 1, 10, 10)).toEqual({
      x: 1,
      y: 1,
      width: 3,
      height: 3,
    });
  });
});
