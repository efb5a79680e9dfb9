import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { displayRgba8, toDisplaySrgb } from './displayColour';
import { loadImageFromBuffer } from './load';

const W = 64;
const H = 48;

function pixels(): Buffer {
  const px = Buffer.alloc(W * H * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 97 + ((i / 3) | 0) * 13) % 256;
  return px;
}

describe('display copies', () => {
  it('converts a P3 image to sRGB for display, as sharp does it directly', async () => {
    const src = await sharp(pixels(), { raw: { width: W, height: H, channels: 3 } })
      .withIccProfile('p3')
      .png()
      .toBuffer();
    const { image, meta } = await loadImageFromBuffer(src, 'p3.png');
    expect(meta.pixelsInIcc).toBe(true);
    const reference = await sharp(src).toColourspace('srgb').raw().toBuffer();
    const stored = await sharp(src, { ignoreIcc: true }).raw().toBuffer();
    const rgba = new Uint8Array(displayRgba8(image, undefined, meta));
    let worst = 0;
    let sum = 0;
    let moved = 0;
    for (let i = 0; i < W * H; i++) {
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(rgba[i * 4 + c] - reference[i * 3 + c]);
        worst = Math.max(worst, d);
        sum += d;
        moved += Math.abs(reference[i * 3 + c] - stored[i * 3 + c]) > 4 ? 1 : 0;
      }
      expect(rgba[i * 4 + 3]).toBe(255);
    }
    expect(moved).toBeGreaterThan(W * H); // the conversion matters for these colours
    expect(sum / (W * H * 3)).toBeLessThan(0.5);
    // The table samples sharp's 16-bit conversion, the reference is its 8-bit one: a few levels apart at most.
    expect(worst).toBeLessThanOrEqual(6);
  });

  it('leaves sRGB and untagged images as they are', async () => {
    const src = await sharp(pixels(), { raw: { width: W, height: H, channels: 3 } })
      .png()
      .toBuffer();
    const { image, meta } = await loadImageFromBuffer(src, 'plain.png');
    expect(toDisplaySrgb(image, meta)).toBe(image);
    expect(toDisplaySrgb(image, undefined)).toBe(image);
  });
});
