import { describe, expect, it } from 'vitest';
import { TAG, TiffReader, bareTiff, exifForExport, hasGps, hasThumbnail } from './exifEdit';
import { EXIF_MARKERS, buildExif } from '../testing/metadata';

/** Stand-in thumbnail: JPEG-like bytes that appear nowhere else. */
const THUMB = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xdb]),
  Buffer.from('ORIGINAL-THUMBNAIL-WITH-THE-REMOVED-OBJECT', 'latin1'),
  Buffer.from([0xff, 0xd9]),
]);
const has = (buf: Buffer, text: string) => buf.includes(Buffer.from(text, 'latin1'));

function ifd0Tags(tiff: Buffer): number[] {
  const r = new TiffReader(tiff);
  return r.readIfd(r.firstIfd())!.entries.map((e) => e.tag);
}

describe('exifForExport', () => {
  for (const littleEndian of [false, true]) {
    const order = littleEndian ? 'II' : 'MM';

    it(`${order}: removes IFD1 and zeroes the thumbnail, keeps IFD0, Exif, Interop and GPS`, () => {
      const exif = buildExif({ littleEndian, thumbnail: THUMB });
      expect(hasThumbnail(exif)).toBe(true);
      expect(exif.includes(THUMB)).toBe(true);

      const out = exifForExport(exif)!;
      expect(hasThumbnail(out)).toBe(false);
      expect(out.includes(THUMB)).toBe(false);
      expect(has(out, 'ORIGINAL-THUMBNAIL')).toBe(false);
      // The thumbnail was at the end: the zeros left are cut off.
      expect(out.length).toBeLessThan(exif.length - THUMB.length);
      for (const text of Object.values(EXIF_MARKERS)) expect(has(out, text)).toBe(true);
      expect(hasGps(out)).toBe(true);
      // Kept structures did not move: every IFD0 entry still reads the same.
      const before = new TiffReader(bareTiff(exif)!);
      const after = new TiffReader(out);
      const e0 = before.readIfd(before.firstIfd())!;
      const e1 = after.readIfd(after.firstIfd())!;
      expect(e1.entries.map((e) => [e.tag, e.dataOffset])).toEqual(
        e0.entries.map((e) => [e.tag, e.dataOffset]),
      );
      expect(e1.next).toBe(0);
    });

    it(`${order}: stripLocation takes the GPS pointer out of IFD0 and zeroes the GPS IFD`, () => {
      const exif = buildExif({ littleEndian, thumbnail: THUMB });
      const out = exifForExport(exif, { stripLocation: true })!;
      expect(hasGps(out)).toBe(false);
      expect(ifd0Tags(out)).not.toContain(TAG.gpsIfd);
      expect(ifd0Tags(out)).toContain(TAG.exifIfd);
      expect(has(out, EXIF_MARKERS.gpsDatum)).toBe(false);
      // The latitude rationals (51/1 30/1 3230/100) are gone too.
      const seconds = Buffer.alloc(8);
      if (littleEndian) [3230, 100].forEach((v, i) => seconds.writeUInt32LE(v, 4 * i));
      else [3230, 100].forEach((v, i) => seconds.writeUInt32BE(v, 4 * i));
      expect(exif.includes(seconds)).toBe(true);
      expect(out.includes(seconds)).toBe(false);
      expect(has(out, EXIF_MARKERS.make)).toBe(true);
      expect(has(out, EXIF_MARKERS.dateTimeOriginal)).toBe(true);
      expect(has(out, EXIF_MARKERS.makerNote)).toBe(true);
      // Exif IFD still reachable and readable.
      const reader = new TiffReader(out);
      const ifd0 = reader.readIfd(reader.firstIfd())!;
      const exifEntry = ifd0.entries.find((e) => e.tag === TAG.exifIfd)!;
      const exifIfd = reader.readIfd(reader.value(exifEntry))!;
      expect(exifIfd.entries.map((e) => e.tag)).toContain(0x9003);
      expect(ifd0.next).toBe(0);
    });
  }

  it('sets Orientation to 1 and accepts the "Exif\\0\\0" prefix', () => {
    const exif = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), buildExif({ orientation: 6 })]);
    const out = exifForExport(exif)!;
    expect(out.toString('latin1', 0, 2)).toBe('MM');
    const r = new TiffReader(out);
    const e = r.readIfd(r.firstIfd())!.entries.find((x) => x.tag === TAG.orientation)!;
    expect(r.value(e)).toBe(1);
  });

  it('leaves a block without thumbnail or GPS as it was (but for orientation)', () => {
    const exif = buildExif({ gps: false });
    expect(exifForExport(exif, { stripLocation: true })!.equals(exif)).toBe(true);
  });

  it('never zeroes bytes a kept structure uses, even when the thumbnail points into them', () => {
    const exif = bareTiff(buildExif({ thumbnail: THUMB }))!;
    const r = new TiffReader(exif);
    const ifd1 = r.readIfd(r.readIfd(r.firstIfd())!.next)!;
    const jpeg = ifd1.entries.find((e) => e.tag === TAG.jpegOffset)!;
    r.setU32(jpeg.dataOffset, r.firstIfd()); // the "thumbnail" now starts at IFD0
    const out = exifForExport(exif)!;
    expect(has(out, EXIF_MARKERS.make)).toBe(true);
    expect(new TiffReader(out).readIfd(8)!.entries.length).toBe(ifd0Tags(exif).length);
  });

  it('returns undefined for bytes that are not a TIFF structure', () => {
    expect(exifForExport(Buffer.from('hello world'))).toBeUndefined();
    expect(exifForExport(Buffer.from('MM\0\x2a\0\0\xff\xff', 'latin1'))).toBeUndefined();
    expect(hasThumbnail(Buffer.alloc(3))).toBe(false);
    expect(hasGps(Buffer.alloc(3))).toBe(false);
  });
});
