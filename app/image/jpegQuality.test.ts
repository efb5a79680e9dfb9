import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegQuality, readLumaTable } from './jpegQuality';
import { loadImageFromBuffer } from './load';

async function jpeg(quality: number): Promise<Buffer> {
  const w = 64,
    h = 48;
  const px = Buffer.alloc(w * h * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 37) % 251;
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

describe('jpegQuality', () => {
  it('reads back the quality sharp (libjpeg-turbo) saved at', async () => {
    for (const q of [30, 50, 75, 85, 92, 100]) expect(jpegQuality(await jpeg(q))).toBe(q);
  });

  it('is null for a PNG, a truncated file and a non-standard table', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    expect(jpegQuality(png)).toBeNull();
    const j = await jpeg(80);
    expect(jpegQuality(j.subarray(0, 10))).toBeNull();
    // Flatten the luminance table to all 7s: no IJG quality gives that.
    const odd = Buffer.from(j);
    const dqt = odd.indexOf(Buffer.from([0xff, 0xdb]));
    for (let k = 0; k < 64; k++) odd[dqt + 5 + k] = 7;
    expect(readLumaTable(odd)).toEqual(new Array(64).fill(7));
    expect(jpegQuality(odd)).toBeNull();
  });

  it('the loader records it in the image metadata (JPEG only)', async () => {
    expect((await loadImageFromBuffer(await jpeg(77), 'a.jpg')).meta.quality).toBe(77);
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    expect((await loadImageFromBuffer(png, 'a.png')).meta.quality).toBeUndefined();
  });
});
