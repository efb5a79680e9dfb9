import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { iimFromIptc, jpegWithIptc, photoshopIptcBlock } from './iptc';
import { IPTC_CAPTION, buildIim, buildPhotoshopIrb, jpegSegments } from '../testing/metadata';

const THUMB = Buffer.from('PHOTOSHOP-THUMBNAIL', 'latin1');

describe('iimFromIptc', () => {
  it('takes only the IPTC resource out of a Photoshop block, after any other resource', () => {
    const irb = buildPhotoshopIrb([
      { id: 0x040c, data: THUMB },
      { id: 0x0404, data: buildIim() },
    ]);
    expect(iimFromIptc(irb)!.equals(buildIim())).toBe(true);
    expect(iimFromIptc(irb.subarray('Photoshop 3.0\0'.length))!.equals(buildIim())).toBe(true);
  });

  it('accepts bare IIM records and refuses blocks without IPTC or cut short', () => {
    expect(iimFromIptc(buildIim())!.equals(buildIim())).toBe(true);
    expect(iimFromIptc(buildPhotoshopIrb([{ id: 0x040c, data: THUMB }]))).toBeUndefined();
    const irb = buildPhotoshopIrb([{ id: 0x0404, data: buildIim() }]);
    expect(iimFromIptc(irb.subarray(0, irb.length - 10))).toBeUndefined();
    expect(iimFromIptc(Buffer.from('nothing'))).toBeUndefined();
  });
});

describe('jpegWithIptc', () => {
  it('adds an APP13 block after the APP segments that sharp reads back, replacing an old one', async () => {
    const jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#345' } })
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    const once = jpegWithIptc(jpeg, buildIim('first'));
    const twice = jpegWithIptc(once, buildIim());
    const markers = jpegSegments(twice).map((s) => s.marker);
    expect(markers.filter((m) => m === 0xed)).toHaveLength(1);
    const app13 = markers.indexOf(0xed);
    expect(markers.slice(0, app13).every((m) => m >= 0xe0 && m <= 0xef)).toBe(true);
    expect(markers[app13 + 1]).toBeLessThan(0xe0);
    const m = await sharp(twice).metadata();
    expect(m.iptc!.equals(photoshopIptcBlock(buildIim()))).toBe(true);
    expect(m.iptc!.includes(Buffer.from(IPTC_CAPTION))).toBe(true);
    expect(m.icc).toBeDefined();
    expect((await sharp(twice).raw().toBuffer()).equals(await sharp(jpeg).raw().toBuffer())).toBe(true);
  });

  it('leaves the JPEG as it is when the records do not fit a segment', async () => {
    const jpeg = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    expect(jpegWithIptc(jpeg, Buffer.alloc(70000, 0x1c))).toBe(jpeg);
  });
});
