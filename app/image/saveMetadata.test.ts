/**
 * What export keeps of a photo's metadata, per format: a JPEG source with an EXIF block carrying an IFD1
 * thumbnail and a GPS IFD, XMP (with a thumbnail, GPS and orientation), IPTC (with a Photoshop thumbnail
 * resource beside it), 300 dpi and a Display P3 profile.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TiffReader, bareTiff, hasGps, hasThumbnail } from './exifEdit';
import { isSrgbProfile } from './iccProfile';
import { iimFromIptc } from './iptc';
import { loadImage, loadImageFromBuffer } from './load';
import {
  EXIF_MARKERS,
  IPTC_CAPTION,
  buildExif,
  buildIim,
  buildPhotoshopIrb,
  jpegWithBlocks,
} from '../testing/metadata';
import { encodeImage, saveImage, type ImageFormat } from './save';
import type { LoadedImage } from './types';

const W = 24;
const H = 16;
const XMP_CREATOR = 'Xmp-Creator-Sentinel-3b';
const XMP_THUMB = 'WE1QLVRIVU1CTkFJTC1PRi1USEUtT1JJR0lOQUw='; // base64 text, as xmpGImg:image holds it
const XMP_GPS = '51,30.5383N';
const PS_THUMB = Buffer.from('PHOTOSHOP-THUMBNAIL-RESOURCE-OF-THE-ORIGINAL', 'latin1');
const XMP = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpGImg="http://ns.adobe.com/xap/1.0/g/img/"
 xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"
 tiff:Orientation="6" exif:GPSLatitude="${XMP_GPS}">
<dc:creator><rdf:Seq><rdf:li>${XMP_CREATOR}</rdf:li></rdf:Seq></dc:creator>
<exif:GPSLongitude>0,7.7277W</exif:GPSLongitude>
<xmp:Thumbnails><rdf:Alt><rdf:li rdf:parseType="Resource"><xmpGImg:format>JPEG</xmpGImg:format>
<xmpGImg:image>${XMP_THUMB}</xmpGImg:image></rdf:li></rdf:Alt></xmp:Thumbnails>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`;

const srgbToLinear = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
/** Display P3 (D65) linear to sRGB linear. */
const P3_TO_SRGB = [
  [1.2249401, -0.2249404, 0],
  [-0.0420569, 1.0420571, 0],
  [-0.0196376, -0.0786361, 1.0982735],
];

let dir: string;
let thumbnail: Buffer;
let source: Buffer;
let loaded: LoadedImage;
let p3: Buffer;

/** Smooth, saturated colours: P3 and sRGB values differ a lot for them. */
function pixels(): Buffer {
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 3;
      px[o] = 40 + Math.round((200 * x) / W);
      px[o + 1] = 220 - Math.round((180 * y) / H);
      px[o + 2] = 60 + ((x * 7 + y * 5) % 90);
    }
  }
  return px;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'inpaint-meta-'));
  thumbnail = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#ff2200' } })
    .jpeg({ quality: 60 })
    .toBuffer();
  const jpeg = await sharp(pixels(), { raw: { width: W, height: H, channels: 3 } })
    .withIccProfile('p3')
    .withXmp(XMP)
    .withDensity(300)
    .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
    .toBuffer();
  source = jpegWithBlocks(jpeg, {
    exif: buildExif({ thumbnail }),
    irb: buildPhotoshopIrb([
      { id: 0x0404, data: buildIim() },
      { id: 0x040c, data: PS_THUMB },
    ]),
  });
  const m = await sharp(source).metadata();
  // The source really carries everything the tests look for.
  expect(m.exif!.includes(thumbnail)).toBe(true);
  expect(hasGps(m.exif!)).toBe(true);
  expect(m.xmp!.toString()).toContain(XMP_THUMB);
  expect(m.iptc!.includes(PS_THUMB)).toBe(true);
  expect(m.density).toBe(300);
  expect(isSrgbProfile(m.icc!)).toBe(false);
  p3 = m.icc!;
  loaded = await loadImageFromBuffer(source, 'source.jpg');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const FORMATS: ImageFormat[] = ['png', 'jpeg', 'webp', 'tiff'];
const has = (buf: Buffer, text: string) => buf.includes(Buffer.from(text, 'latin1'));

async function exported(format: ImageFormat, extra: Parameters<typeof encodeImage>[1] = {}) {
  const bytes = await encodeImage(loaded.image, { format, meta: loaded.meta, ...extra });
  return { bytes, meta: await sharp(bytes).metadata() };
}

/** IFD0 XResolution of a bare TIFF EXIF block, in its own unit. */
function exifXResolution(exif: Buffer): number | undefined {
  const r = new TiffReader(bareTiff(exif)!);
  const e = r.readIfd(r.firstIfd())!.entries.find((x) => x.tag === 0x011a);
  return e ? r.u32(e.dataOffset) / r.u32(e.dataOffset + 4) : undefined;
}

/**
 * The ASCII values of IFD0, the Exif IFD and the GPS IFD of a bare TIFF EXIF block or a TIFF file (whose
 * IFD0 holds the tags), joined: what a reader that follows the pointers finds.
 */
function exifText(block: Buffer): string {
  const r = new TiffReader(bareTiff(block)!);
  const ifd0 = r.readIfd(r.firstIfd())!;
  const sub = (tag: number) => {
    const e = ifd0.entries.find((x) => x.tag === tag);
    return e ? r.readIfd(r.value(e)) : undefined;
  };
  const texts: string[] = [];
  for (const ifd of [ifd0, sub(0x8769), sub(0x8825)]) {
    for (const e of ifd?.entries ?? []) {
      if (e.type === 2) texts.push(r.buf.toString('latin1', e.dataOffset, e.dataOffset + e.byteLength));
    }
  }
  return texts.join('|');
}

/** The EXIF a file carries: sharp's block for PNG, JPEG and WebP; for TIFF the file itself. */
const exifOf = (format: ImageFormat, bytes: Buffer, meta: Metadata) =>
  format === 'tiff' ? bytes : meta.exif!;

async function storedValues(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes, { ignoreIcc: true }).toColourspace('srgb').raw().toBuffer();
}
function withoutPngChunk(png: Buffer, type: string): Buffer {
  const parts = [png.subarray(0, 8)];
  for (let o = 8; o + 12 <= png.length;) {
    const end = o + 12 + png.readUInt32BE(o);
    if (png.toString('latin1', o + 4, o + 8) !== type) parts.push(png.subarray(o, end));
    o = end;
  }
  return Buffer.concat(parts);
}

/** The largest difference between the two images' channel means (interleaved 8-bit RGB). */
function meanShift(a: Buffer, b: Buffer): number {
  const sums = [0, 0, 0];
  for (let i = 0; i < a.length; i++) sums[i % 3] += a[i] - b[i];
  return Math.max(...sums.map((v) => Math.abs(v) / (a.length / 3)));
}
function meanAbsDiff(a: Buffer, b: Buffer): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

describe('export metadata (JPEG source with thumbnail, GPS, XMP, IPTC, 300 dpi, P3)', () => {
  for (const format of FORMATS) {
    it(`${format}: drops every thumbnail of the original`, async () => {
      const { bytes, meta } = await exported(format);
      expect(bytes.includes(thumbnail)).toBe(false);
      expect(bytes.includes(PS_THUMB)).toBe(false);
      expect(has(bytes, XMP_THUMB)).toBe(false);
      expect(hasThumbnail(exifOf(format, bytes, meta))).toBe(false);
    });

    it(`${format}: keeps EXIF (with GPS) and XMP (with orientation 1)`, async () => {
      const { bytes, meta } = await exported(format);
      const exif = exifOf(format, bytes, meta);
      const text = exifText(exif);
      for (const marker of [
        EXIF_MARKERS.make,
        EXIF_MARKERS.artist,
        EXIF_MARKERS.dateTimeOriginal,
        EXIF_MARKERS.gpsDatum,
      ]) {
        expect(text).toContain(marker);
      }
      expect(hasGps(exif)).toBe(true);
      expect(meta.orientation ?? 1).toBe(1);
      const xmp = meta.xmp!.toString();
      expect(xmp).toContain(XMP_CREATOR);
      expect(xmp).toContain(XMP_GPS);
      expect(xmp).toContain('tiff:Orientation="1"');
      // The upright pixels are not turned again on reload.
      const again = await loadImageFromBuffer(bytes, `out.${format}`);
      expect([again.image.width, again.image.height]).toEqual([W, H]);
    });

    it(`${format}: stripLocation removes the GPS IFD and XMP's GPS properties, nothing else`, async () => {
      const { bytes, meta } = await exported(format, { stripLocation: true });
      const exif = exifOf(format, bytes, meta);
      expect(hasGps(exif)).toBe(false);
      expect(has(bytes, EXIF_MARKERS.gpsDatum)).toBe(false);
      const xmp = meta.xmp!.toString();
      expect(xmp).not.toContain('GPS');
      expect(xmp).toContain(XMP_CREATOR);
      expect(exifText(exif)).toContain(EXIF_MARKERS.make);
      expect(exifText(exif)).toContain(EXIF_MARKERS.dateTimeOriginal);
    });

    it(`${format}: keeps the resolution (300 dpi)`, async () => {
      const { meta } = await exported(format);
      // sharp reports no density for WebP, which has none of its own: it travels in EXIF there.
      if (format === 'webp') expect(exifXResolution(meta.exif!)).toBe(300);
      else expect(meta.density).toBe(300);
    });

    it(`${format}: keeps IPTC where the format can hold it (JPEG, TIFF)`, async () => {
      const { meta } = await exported(format);
      if (format === 'jpeg' || format === 'tiff') {
        const iim = iimFromIptc(meta.iptc!)!;
        expect(has(iim, IPTC_CAPTION)).toBe(true);
        expect(iim.equals(buildIim())).toBe(true);
      } else {
        expect(meta.iptc).toBeUndefined();
      }
    });

    it(`${format}: keeps the P3 profile and the pixel values; colorProfile srgb converts`, async () => {
      const stored = await storedValues(source);
      const kept = await exported(format);
      expect(kept.meta.icc!.equals(p3)).toBe(true);
      const keptValues = await storedValues(kept.bytes);
      const lossless = format === 'png' || format === 'tiff';
      // sharp's own P3 -> sRGB conversion of the source is the reference for a conversion.
      const reference = await sharp(source).toColourspace('srgb').raw().toBuffer();
      expect(meanAbsDiff(reference, stored)).toBeGreaterThan(5);
      expect(meanShift(reference, stored)).toBeGreaterThan(4);
      if (lossless) expect(keptValues.equals(stored)).toBe(true);
      // Lossy: the codec's error averages out in each channel's mean; a conversion's shift does not.
      else expect(meanShift(keptValues, stored)).toBeLessThan(1);

      const converted = await exported(format, { colorProfile: 'srgb' });
      expect(isSrgbProfile(converted.meta.icc!)).toBe(true);
      const convertedValues = await storedValues(converted.bytes);
      if (lossless) expect(meanAbsDiff(convertedValues, reference)).toBeLessThan(0.6);
      else expect(meanShift(convertedValues, reference)).toBeLessThan(1);
    });
  }

  it('keeps the density of a file without EXIF, and writes 72 dpi when the source states none', async () => {
    const raw = { raw: { width: W, height: H, channels: 3 as const } };
    // sharp's withDensity also writes an EXIF block with the resolution: take it out again (eXIf chunk).
    const dense = withoutPngChunk(await sharp(pixels(), raw).withDensity(300).png().toBuffer(), 'eXIf');
    const plain = await sharp(pixels(), raw).png().toBuffer();
    for (const [png, dpi] of [
      [dense, 300],
      [plain, 72],
    ] as const) {
      const m0 = await sharp(png).metadata();
      expect(m0.exif).toBeUndefined();
      const img = await loadImageFromBuffer(png, 'src.png');
      for (const format of ['png', 'jpeg', 'tiff'] as const) {
        const out = await encodeImage(img.image, { format, meta: img.meta });
        expect((await sharp(out).metadata()).density).toBe(dpi);
      }
    }
  });

  it('saveImage writes the same metadata to a file (TIFF, location stripped)', async () => {
    const file = path.join(dir, 'out.tif');
    await saveImage(file, loaded.image, { meta: loaded.meta, stripLocation: true });
    const bytes = await fs.readFile(file);
    expect(exifText(bytes)).toContain(EXIF_MARKERS.make);
    expect(hasGps(bytes)).toBe(false);
    const again = await loadImage(file);
    expect(again.meta.density).toBe(300);
    expect(again.meta.pixelsInIcc).toBe(true);
  });

  it('a 16-bit P3 PNG keeps its values bit-exact in PNG and TIFF; srgb converts at 16 bits', async () => {
    const values = new Uint16Array(W * H * 3);
    for (let i = 0; i < values.length; i++) values[i] = (i * 2654435761) % 65536;
    const src = await sharp(values, { raw: { width: W, height: H, channels: 3 } })
      .toColourspace('rgb16')
      .withIccProfile('p3')
      .png()
      .toBuffer();
    const srcRaw = await sharp(src, { ignoreIcc: true })
      .toColourspace('rgb16')
      .raw({ depth: 'ushort' })
      .toBuffer();
    const img = await loadImageFromBuffer(src, 'p3-16.png');
    expect(img.meta.bitDepth).toBe(16);
    for (const format of ['png', 'tiff'] as const) {
      const out = await encodeImage(img.image, { format, meta: img.meta });
      const m = await sharp(out).metadata();
      expect(m.icc!.equals((await sharp(src).metadata()).icc!)).toBe(true);
      const raw = await sharp(out, { ignoreIcc: true })
        .toColourspace('rgb16')
        .raw({ depth: 'ushort' })
        .toBuffer();
      expect(raw.equals(srcRaw)).toBe(true);

      const srgb = await encodeImage(img.image, { format, meta: img.meta, colorProfile: 'srgb' });
      const sm = await sharp(srgb).metadata();
      expect(isSrgbProfile(sm.icc!)).toBe(true);
      expect(sm.depth).toBe('ushort');
      const conv = new Uint16Array(
        (await sharp(srgb, { ignoreIcc: true }).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer())
          .buffer,
      );
      const orig = new Uint16Array(srcRaw.buffer, srcRaw.byteOffset, srcRaw.length / 2);
      // Display P3 to sRGB by its matrix (both D65, sRGB's curve).
      // Colours outside sRGB's gamut or near its edge are left out: their mapping is the CMM's choice.
      let worst = 0;
      let inGamut = 0;
      for (let i = 0; i < conv.length; i += 3) {
        const lin = [0, 1, 2].map((c) => srgbToLinear(orig[i + c] / 65535));
        const out = P3_TO_SRGB.map((row) => row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2]);
        if (out.some((v) => v < 0 || v > 0.9)) continue; // the CMM compresses near the gamut's edge
        inGamut++;
        for (let c = 0; c < 3; c++) {
          // Compared in linear light: the steep toe of sRGB's curve magnifies the CMM's rounding near 0.
          worst = Math.max(worst, Math.abs(srgbToLinear(conv[i + c] / 65535) - out[c]));
        }
      }
      expect(inGamut).toBeGreaterThan(40);
      // Converted at 16 bits, not through 8 (whose values are multiples of 257).
      expect(conv.filter((v) => v % 257 !== 0).length).toBeGreaterThan(conv.length / 2);
      expect(worst).toBeLessThan(0.005);
      expect(meanAbsDiff(Buffer.from(conv.buffer), Buffer.from(orig.buffer))).toBeGreaterThan(5);
    }
  });

  it('refuses a bad colorProfile or stripLocation, naming it', async () => {
    await expect(encodeImage(loaded.image, { colorProfile: 'p3' as 'keep' })).rejects.toMatchObject({
      code: 'PARAM_INVALID',
      message: expect.stringContaining('colorProfile'),
    });
    await expect(
      encodeImage(loaded.image, { stripLocation: 'yes' as unknown as boolean }),
    ).rejects.toMatchObject({ code: 'PARAM_INVALID', message: expect.stringContaining('stripLocation') });
  });
});
