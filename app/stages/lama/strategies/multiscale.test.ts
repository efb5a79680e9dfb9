import { describe, expect, it } from 'vitest';
import { createImage, createMask, type Mask, type RgbImage } from '../../../image/types';
import type { Filler } from './fillCrop';
import { multiscaleCrop, softChecker } from './multiscale';

/**
 * A fake engine that fills the hole with a smooth function of the position relative to its input (so a
 * fill at any scale stands for the same picture), recording the sizes it was given. Fixed 256 input.
 */
function fakeFiller(calls: string[]): Filler {
  return {
    label: 'fake',
    fixedSize: null,
    multiple: 1,
    limit: 256,
    dilate: 0,
    async run(image: RgbImage, mask: Mask) {
      calls.push(`${image.width}x${image.height}`);
      const out = createImage(image.width, image.height, image.data.slice());
      const n = image.width * image.height;
      for (let i = 0; i < n; i++) {
        if (!mask.data[i]) continue;
        const x = ((i % image.width) + 0.5) / image.width;
        const y = (Math.floor(i / image.width) + 0.5) / image.height;
        out.data[i] = 0.2 + 0.6 * x;
        out.data[n + i] = 0.3 + 0.4 * y;
        out.data[2 * n + i] = 0.5;
      }
      return out;
    },
  };
}

describe('multiscale crop', () => {
  // 512x512 image, a hole in the middle, the crop is the whole image (fits the 256 engine at 0.5).
  const image = createImage(512, 512);
  const hole = createMask(512, 512);
  for (let y = 200; y < 300; y++) for (let x = 150; x < 350; x++) hole.data[y * 512 + x] = 1;
  const crop = { x: 0, y: 0, width: 512, height: 512 };
  const opts = (variant: 'laplacian' | 'plain', onCall: (s: string) => void) => ({
    coarseScale: 0.5,
    variant,
    crossover: 2,
    global: null,
    signal: new AbortController().signal,
    onCall,
  });

  it.each(['laplacian', 'plain'] as const)(
    '%s: runs the coarse pass at half the fine scale and keeps the picture aligned',
    async (variant) => {
      const sizes: string[] = [];
      const said: string[] = [];
      const r = await multiscaleCrop(
        image,
        hole,
        crop,
        fakeFiller(sizes),
        opts(variant, (s) => said.push(s)),
      );
      expect(r.scale).toBe(0.5);
      expect(r.coarseScale).toBe(0.25);
      expect(r.calls).toBe(variant === 'plain' ? 3 : 2);
      expect(sizes).toEqual(['128x128', ...Array(r.calls - 1).fill('256x256')]);
      expect(said[0]).toBe('coarse pass 128x128');
      // Inside the hole the combined fill is the fake engine's picture, whichever pass made each pixel
      // (away from its edge, where the upscaled coarse pass blurs in a little of the known black).
      const { width: w, height: h } = r.image;
      const n = w * h;
      let worst = 0;
      for (let y = 112; y < 138; y++)
        for (let x = 90; x < 160; x++) {
          const expected = 0.2 + 0.6 * ((x + 0.5) / w);
          worst = Math.max(worst, Math.abs(r.image.data[y * w + x] - expected));
          expect(r.image.data[2 * n + y * w + x]).toBeCloseTo(0.5, 2);
        }
      // Misaligned by one fine pixel, it would be off by 0.6 / 256 = 0.0023.
      expect(worst).toBeLessThan(0.0005);
    },
  );
});

describe('soft checkerboard', () => {
  it('is 1 inside even cells, 0 inside odd ones, and changes by at most 1 / (2 ramp) per pixel', () => {
    const cell = 16;
    const ramp = 4;
    const w = softChecker(64, 48, cell, ramp);
    expect(w[8 * 64 + 8]).toBe(1); // cell (0, 0)
    expect(w[8 * 64 + 24]).toBe(0); // cell (1, 0)
    expect(w[24 * 64 + 24]).toBe(1); // cell (1, 1)
    let step = 0;
    for (let y = 0; y < 48; y++)
      for (let x = 1; x < 64; x++) step = Math.max(step, Math.abs(w[y * 64 + x] - w[y * 64 + x - 1]));
    expect(step).toBeLessThanOrEqual(1 / ramp / 2 + 1e-6);
  });
});
