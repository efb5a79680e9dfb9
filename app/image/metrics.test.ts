import { describe, expect, it } from 'vitest';
import { mse, psnr } from './metrics';
import { createImage, createMask } from './types';

describe('mse / psnr', () => {
  const a = createImage(2, 1, new Float32Array([0, 0, 0, 0, 0, 0]));
  const b = createImage(2, 1, new Float32Array([0.1, 0, 0.1, 0, 0.1, 0]));

  it('are 0 and Infinity for equal images', () => {
    expect(mse(a, a)).toBe(0);
    expect(psnr(a, a)).toBe(Infinity);
  });

  it('average over all channels, or only hole pixels', () => {
    expect(mse(a, b)).toBeCloseTo(0.005, 8);
    expect(psnr(a, b)).toBeCloseTo(-10 * Math.log10(0.005), 5);
    expect(mse(a, b, createMask(2, 1, new Uint8Array([1, 0])))).toBeCloseTo(0.01, 8);
    expect(psnr(a, b, createMask(2, 1, new Uint8Array([0, 1])))).toBe(Infinity);
  });

  it('refuses mismatched sizes', () => {
    expect(() => mse(a, createImage(1, 2))).toThrow();
    expect(() => mse(a, b, createMask(3, 1))).toThrow(expect.objectContaining({ code: 'MASK_SIZE' }));
  });
});
