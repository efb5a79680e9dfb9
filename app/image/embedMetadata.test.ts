import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { embedPngMetadata, exifWithUprightOrientation } from './embedMetadata';
import { iccDescription, isSrgbProfile, srgbProfile } from './iccProfile';

async function exifWithOrientation(orientation: number): Promise<Buffer> {
  const jpg = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
    .withExif({ IFD0: { Make: 'TestCam' } })
    .withMetadata({ orientation })
    .jpeg()
    .toBuffer();
  return (await sharp(jpg).metadata()).exif!;
}

describe('exifWithUprightOrientation', () => {
  it('sets Orientation to 1, drops the Exif prefix and keeps the rest', async () => {
    const exif = await exifWithOrientation(6);
    const fixed = exifWithUprightOrientation(exif)!;
    expect(fixed.subarray(0, 2).toString('latin1')).toMatch(/II|MM/);
    expect(fixed.includes(Buffer.from('TestCam'))).toBe(true);
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const tagged = embedPngMetadata(png, { exif: fixed });
    const m = await sharp(tagged).metadata();
    expect(m.orientation).toBe(1);
    expect(m.exif!.includes(Buffer.from('TestCam'))).toBe(true);
    // and the unmodified block really said 6
    expect((await sharp(embedPngMetadata(png, { exif: exif.subarray(6) })).metadata()).orientation).toBe(6);
  });

  it('returns undefined for something that is not EXIF', () => {
    expect(exifWithUprightOrientation(Buffer.from('hello world'))).toBeUndefined();
  });
});

describe('ICC helpers', () => {
  it('recognises sRGB and not P3', async () => {
    const srgb = await srgbProfile();
    expect(iccDescription(srgb)).toContain('sRGB');
    expect(isSrgbProfile(srgb)).toBe(true);
    const p3png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .withIccProfile('p3')
      .png()
      .toBuffer();
    const p3 = (await sharp(p3png).metadata()).icc!;
    expect(isSrgbProfile(p3)).toBe(false);
    expect(isSrgbProfile(Buffer.alloc(10))).toBe(false);
  });

  it('embeds a profile into a PNG that sharp reads back', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const tagged = embedPngMetadata(png, { icc: await srgbProfile() });
    const m = await sharp(tagged).metadata();
    expect(m.icc!.equals(await srgbProfile())).toBe(true);
    expect(() => embedPngMetadata(Buffer.from('nope'), {})).toThrow();
  });
});
