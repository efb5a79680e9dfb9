import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { TAG, TiffReader, exifForExport, type Ifd } from './exifEdit';
import { iimFromIptc } from './iptc';
import { EXIF_MARKERS, buildExif, buildIim } from '../testing/metadata';
import { tiffWithMetadata } from './tiffMetadata';

async function tiff(): Promise<Buffer> {
  return sharp({ create: { width: 5, height: 3, channels: 3, background: '#4080c0' } })
    .withDensity(150)
    .tiff({ compression: 'deflate' })
    .toBuffer();
}

function text(r: TiffReader, ifd: Ifd, tag: number): string | undefined {
  const e = ifd.entries.find((x) => x.tag === tag);
  return e && r.buf.toString('latin1', e.dataOffset, e.dataOffset + e.byteLength - 1);
}

describe('tiffWithMetadata', () => {
  for (const littleEndian of [false, true]) {
    it(`adds an ${littleEndian ? 'II' : 'MM'} EXIF block's tags and sub-IFDs in the TIFF's byte order`, async () => {
      const src = await tiff();
      const out = tiffWithMetadata(src, { exif: exifForExport(buildExif({ littleEndian }))! });
      const r = new TiffReader(out);
      expect(r.le).toBe(true); // libvips writes little-endian TIFF
      const ifd0 = r.readIfd(r.firstIfd())!;
      expect(text(r, ifd0, 0x010f)).toBe(EXIF_MARKERS.make);
      expect(text(r, ifd0, 0x013b)).toBe(EXIF_MARKERS.artist);
      // The TIFF keeps its own resolution (150 dpi), not the EXIF block's 300.
      const xres = ifd0.entries.find((e) => e.tag === 0x011a)!;
      expect(r.u32(xres.dataOffset) / r.u32(xres.dataOffset + 4)).toBeCloseTo(150, 3);
      const exif = r.readIfd(r.value(ifd0.entries.find((e) => e.tag === TAG.exifIfd)!))!;
      expect(text(r, exif, 0x9003)).toBe(EXIF_MARKERS.dateTimeOriginal);
      const interop = r.readIfd(r.value(exif.entries.find((e) => e.tag === TAG.interopIfd)!))!;
      expect(text(r, interop, 0x0001)).toBe('R98');
      const gps = r.readIfd(r.value(ifd0.entries.find((e) => e.tag === TAG.gpsIfd)!))!;
      const lat = gps.entries.find((e) => e.tag === 0x0002)!;
      const rationals = [0, 1, 2, 3, 4, 5].map((k) => r.u32(lat.dataOffset + 4 * k));
      expect(rationals).toEqual([51, 1, 30, 1, 3230, 100]);
      expect(gps.entries.find((e) => e.tag === 0x0000)!.dataOffset).toBeGreaterThan(0);
      expect([...r.buf.subarray(gps.entries[0].dataOffset, gps.entries[0].dataOffset + 4)]).toEqual([
        2, 3, 0, 0,
      ]);
      // Entries are sorted and the image is unchanged.
      const tags = ifd0.entries.map((e) => e.tag);
      expect(tags).toEqual([...tags].sort((a, b) => a - b));
      expect((await sharp(out).raw().toBuffer()).equals(await sharp(src).raw().toBuffer())).toBe(true);
      expect((await sharp(out).metadata()).density).toBe(150);
    });
  }

  it('adds IPTC records that sharp reads back', async () => {
    const out = tiffWithMetadata(await tiff(), { iim: buildIim() });
    const m = await sharp(out).metadata();
    expect(iimFromIptc(m.iptc!)!.subarray(0, buildIim().length).equals(buildIim())).toBe(true);
  });

  it('returns the TIFF unchanged when there is nothing to add or it cannot read it', async () => {
    const src = await tiff();
    expect(tiffWithMetadata(src, {})).toBe(src);
    expect(tiffWithMetadata(src, { exif: Buffer.from('not exif') })).toBe(src);
    const junk = Buffer.from('II+\0junkjunk');
    expect(tiffWithMetadata(junk, { iim: buildIim() })).toBe(junk);
  });
});
