import { describe, expect, it } from 'vitest';
import { xmpForExport } from './xmpEdit';

const PACKET = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 exif:GPSLatitude="51,30.5N" exif:GPSLongitude='0,7.7W' tiff:Orientation="8" dc:format="image/jpeg">
<exif:GPSAltitude>120/1</exif:GPSAltitude>
<exif:GPSVersionID/>
<tiff:Orientation>6</tiff:Orientation>
<xmp:Thumbnails><rdf:Alt><rdf:li>QkFTRTY0LVRIVU1C</rdf:li></rdf:Alt></xmp:Thumbnails>
<exif:DateTimeOriginal>2021-06-05T10:11:12</exif:DateTimeOriginal>
</rdf:Description></rdf:RDF></x:xmpmeta>`;

describe('xmpForExport', () => {
  it('removes thumbnails and sets orientation to 1, keeping GPS unless asked', () => {
    const out = xmpForExport(Buffer.from(PACKET)).toString();
    expect(out).not.toContain('Thumbnails');
    expect(out).not.toContain('QkFTRTY0LVRIVU1C');
    expect(out).toContain('tiff:Orientation="1"');
    expect(out).toContain('<tiff:Orientation>1</tiff:Orientation>');
    expect(out).toContain('exif:GPSLatitude="51,30.5N"');
    expect(out).toContain('<exif:GPSAltitude>120/1</exif:GPSAltitude>');
    expect(out).toContain('dc:format="image/jpeg"');
  });

  it('stripLocation removes GPS properties in attribute and element form, whatever the quotes', () => {
    const out = xmpForExport(Buffer.from(PACKET), { stripLocation: true }).toString();
    expect(out).not.toContain('GPS');
    expect(out).toContain('<exif:DateTimeOriginal>2021-06-05T10:11:12</exif:DateTimeOriginal>');
    expect(out).toContain('dc:format="image/jpeg"');
    expect(out).toMatch(/<rdf:Description rdf:about="" [^>]*tiff:Orientation="1"/);
  });

  it('returns the same buffer when there is nothing to change, and leaves non-UTF-8 packets alone', () => {
    const plain = Buffer.from('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');
    expect(xmpForExport(plain, { stripLocation: true })).toBe(plain);
    const utf16 = Buffer.from(`\uFEFF${PACKET}`, 'utf16le');
    expect(xmpForExport(utf16, { stripLocation: true })).toBe(utf16);
  });
});
