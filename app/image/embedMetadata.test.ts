import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { embedPngMetadata } from './embedMetadata';
import { iccDescription, isRgbProfile, isSrgbProfile, srgbProfile } from './iccProfile';
import { EXIF_MARKERS, buildExif } from '../testing/metadata';

describe('embedPngMetadata', () => {
  it('embeds EXIF and XMP chunks that sharp reads back, replacing what was there', async () => {
    const xmp = Buffer.from('<x:xmpmeta xmlns:x="adobe:ns:meta/"><!-- first --></x:xmpmeta>');
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><!-- old --></x:xmpmeta>')
      .png()
      .toBuffer();
    const exif = buildExif();
    const tagged = embedPngMetadata(png, { exif, xmp });
    const m = await sharp(tagged).metadata();
    expect(m.xmp!.toString()).toBe(xmp.toString());
    expect(m.exif!.includes(Buffer.from(EXIF_MARKERS.make))).toBe(true);
    expect(tagged.includes(Buffer.from('<!-- old -->'))).toBe(false);
    // Carried over by sharp's keepXmp into another format.
    const jpeg = await sharp(tagged).keepXmp().jpeg().toBuffer();
    expect((await sharp(jpeg).metadata()).xmp!.toString()).toBe(xmp.toString());
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
    expect([isRgbProfile(srgb), isRgbProfile(p3)]).toEqual([true, true]);
    const cmyk = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .withIccProfile('cmyk')
      .jpeg()
      .toBuffer();
    expect(isRgbProfile((await sharp(cmyk).metadata()).icc!)).toBe(false);
    expect(isRgbProfile(Buffer.alloc(200))).toBe(false);
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
