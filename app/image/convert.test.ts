import { describe, expect, it } from 'vitest';
import { interleavedToPlanar, planarToInterleaved } from './convert';
import { createImage } from './types';

describe('interleaved <-> planar', () => {
  it('round-trips every 8-bit and 16-bit value exactly', () => {
    const n8 = 256;
    const s8 = new Uint8Array(n8 * 3);
    for (let i = 0; i < s8.length; i++) s8[i] = i % 256;
    const p8 = interleavedToPlanar(s8, n8, 1, 3);
    expect(Array.from(planarToInterleaved(p8.image, undefined, 8))).toEqual(Array.from(s8));
    const n16 = 65536;
    const s16 = new Uint16Array(n16 * 4);
    for (let i = 0; i < s16.length; i++) s16[i] = (i * 7) % 65536;
    const p16 = interleavedToPlanar(s16, 256, 256, 4);
    expect(p16.alpha).toBeDefined();
    const back = planarToInterleaved(p16.image, p16.alpha, 16);
    expect(back).toBeInstanceOf(Uint16Array);
    expect(back.every((v, i) => v === s16[i])).toBe(true);
  });

  it('expands grey and splits grey+alpha', () => {
    const { image, alpha } = interleavedToPlanar(new Uint8Array([0, 255, 255, 0]), 2, 1, 2);
    expect(Array.from(image.data)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(Array.from(alpha!)).toEqual([1, 0]);
  });

  it('clamps, rounds and zeroes NaN', () => {
    const img = createImage(1, 1, new Float32Array([-0.5, 1.5, NaN]));
    expect(Array.from(planarToInterleaved(img, new Float32Array([0.5]), 8))).toEqual([0, 255, 0, 128]);
  });

  it('refuses bad shapes', () => {
    expect(() => interleavedToPlanar(new Uint8Array(5), 1, 1, 5)).toThrow();
    expect(() => interleavedToPlanar(new Uint8Array(5), 2, 1, 3)).toThrow();
  });
});
