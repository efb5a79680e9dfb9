/**
 * Test fixtures: metadata blocks written byte by byte, independently of the code under test (exifEdit.ts,
 * tiffMetadata.ts, iptc.ts), so a test can check what export keeps and drops. Used only by tests.
 */
import sharp from 'sharp';

export interface FixtureEntry {
  tag: number;
  type: number;
  count: number;
  /** The value's bytes, already in the block's byte order. */
  data: Buffer;
}

class Writer {
  constructor(readonly le: boolean) {}
  u16(...v: number[]): Buffer {
    const b = Buffer.alloc(2 * v.length);
    v.forEach((x, i) => (this.le ? b.writeUInt16LE(x, 2 * i) : b.writeUInt16BE(x, 2 * i)));
    return b;
  }
  u32(...v: number[]): Buffer {
    const b = Buffer.alloc(4 * v.length);
    v.forEach((x, i) => (this.le ? b.writeUInt32LE(x, 4 * i) : b.writeUInt32BE(x, 4 * i)));
    return b;
  }
}

const undefinedEntry = (tag: number, data: Buffer): FixtureEntry => ({
  tag,
  type: 7,
  count: data.length,
  data,
});

const ascii = (tag: number, s: string): FixtureEntry => {
  const data = Buffer.from(`${s}\0`, 'latin1');
  return { tag, type: 2, count: data.length, data };
};

function ifdSize(entries: FixtureEntry[]): number {
  let size = 2 + entries.length * 12 + 4;
  for (const e of entries) if (e.data.length > 4) size += e.data.length + (e.data.length % 2);
  return size;
}

/** An IFD placed at `base`, its values right after it. */
function ifdBytes(w: Writer, entries: FixtureEntry[], base: number, next: number): Buffer {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const head: Buffer[] = [w.u16(sorted.length)];
  const tail: Buffer[] = [];
  let dataAt = base + 2 + sorted.length * 12 + 4;
  for (const e of sorted) {
    head.push(w.u16(e.tag, e.type), w.u32(e.count));
    if (e.data.length <= 4) {
      head.push(Buffer.concat([e.data, Buffer.alloc(4 - e.data.length)]));
    } else {
      head.push(w.u32(dataAt));
      const padded = Buffer.concat([e.data, Buffer.alloc(e.data.length % 2)]);
      tail.push(padded);
      dataAt += padded.length;
    }
  }
  head.push(w.u32(next));
  return Buffer.concat([...head, ...tail]);
}

export interface ExifFixtureOptions {
  littleEndian?: boolean;
  /** Bytes stored as the IFD1 JPEG thumbnail; no IFD1 when absent. */
  thumbnail?: Buffer;
  /** IFD0 Orientation, default 1. */
  orientation?: number;
  /** Include a GPS IFD (default true). */
  gps?: boolean;
}

/** Text that the fixture stores in each structure, so a test can look for it in an output file's bytes. */
export const EXIF_MARKERS = {
  make: 'FixtureCam',
  artist: 'Artist-Sentinel-0a',
  dateTimeOriginal: '2021:06:05 10:11:12',
  makerNote: 'MakerNote-Sentinel-7c',
  gpsDatum: 'GPS-Sentinel-WGS84',
} as const;

/**
 * A bare TIFF EXIF block: IFD0 (Make, Artist, Orientation, 300 dpi), an Exif IFD (ExposureTime,
 * DateTimeOriginal, MakerNote) with an Interop IFD, a GPS IFD (51°30'32.3"N 0°7'43.7"W and a datum
 * string), and an IFD1 with a JPEG thumbnail when one is given.
 */
export function buildExif(opts: ExifFixtureOptions = {}): Buffer {
  const w = new Writer(opts.littleEndian ?? false);
  const rational = (tag: number, ...pairs: [number, number][]): FixtureEntry => ({
    tag,
    type: 5,
    count: pairs.length,
    data: w.u32(...pairs.flat()),
  });
  const short = (tag: number, v: number): FixtureEntry => ({ tag, type: 3, count: 1, data: w.u16(v) });
  const long = (tag: number, v: number): FixtureEntry => ({ tag, type: 4, count: 1, data: w.u32(v) });

  const interop = [ascii(0x0001, 'R98')];
  const gps = [
    { tag: 0x0000, type: 1, count: 4, data: Buffer.from([2, 3, 0, 0]) },
    ascii(0x0001, 'N'),
    rational(0x0002, [51, 1], [30, 1], [3230, 100]),
    ascii(0x0003, 'W'),
    rational(0x0004, [0, 1], [7, 1], [4366, 100]),
    ascii(0x0012, EXIF_MARKERS.gpsDatum),
  ];
  const exifBase = [
    rational(0x829a, [1, 100]),
    ascii(0x9003, EXIF_MARKERS.dateTimeOriginal),
    undefinedEntry(0x927c, Buffer.from(EXIF_MARKERS.makerNote, 'latin1')),
    long(0xa005, 0),
  ];
  const ifd0Base = [
    ascii(0x010f, EXIF_MARKERS.make),
    short(0x0112, opts.orientation ?? 1),
    rational(0x011a, [300, 1]),
    rational(0x011b, [300, 1]),
    short(0x0128, 2),
    ascii(0x013b, EXIF_MARKERS.artist),
    long(0x8769, 0),
    ...(opts.gps === false ? [] : [long(0x8825, 0)]),
  ];
  const thumb = opts.thumbnail;
  const ifd1 = thumb
    ? [short(0x0103, 6), rational(0x011a, [72, 1]), long(0x0201, 0), long(0x0202, thumb.length)]
    : [];

  // Layout: header, IFD0, Exif IFD, Interop IFD, GPS IFD, IFD1, thumbnail.
  const at0 = 8;
  const atExif = at0 + ifdSize(ifd0Base);
  const atInterop = atExif + ifdSize(exifBase);
  const atGps = atInterop + ifdSize(interop);
  const at1 = atGps + (opts.gps === false ? 0 : ifdSize(gps));
  const atThumb = at1 + (thumb ? ifdSize(ifd1) : 0);

  const fix = (entries: FixtureEntry[], tag: number, v: number) =>
    entries.map((e) => (e.tag === tag ? long(tag, v) : e));
  const ifd0 = fix(fix(ifd0Base, 0x8769, atExif), 0x8825, atGps);
  const exif = fix(exifBase, 0xa005, atInterop);
  const parts: Buffer[] = [
    Buffer.from(opts.littleEndian ? 'II' : 'MM', 'latin1'),
    w.u16(42),
    w.u32(at0),
    ifdBytes(w, ifd0, at0, thumb ? at1 : 0),
    ifdBytes(w, exif, atExif, 0),
    ifdBytes(w, interop, atInterop, 0),
  ];
  if (opts.gps !== false) parts.push(ifdBytes(w, gps, atGps, 0));
  if (thumb) parts.push(ifdBytes(w, fix(ifd1, 0x0201, atThumb), at1, 0), thumb);
  return Buffer.concat(parts);
}

export const IPTC_CAPTION = 'IPTC-Caption-Sentinel-5e';

/** IPTC-IIM records: record version and a caption (2:120). */
export function buildIim(caption = IPTC_CAPTION): Buffer {
  const text = Buffer.from(caption, 'latin1');
  return Buffer.concat([
    Buffer.from([0x1c, 2, 0, 0, 2, 0, 4]),
    Buffer.from([0x1c, 2, 120, text.length >> 8, text.length & 0xff]),
    text,
  ]);
}

/** A Photoshop image resource block ("Photoshop 3.0" + 8BIM resources), as a JPEG APP13 holds it. */
export function buildPhotoshopIrb(resources: { id: number; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [Buffer.from('Photoshop 3.0\0', 'latin1')];
  for (const r of resources) {
    const head = Buffer.alloc(12);
    head.write('8BIM', 0, 'latin1');
    head.writeUInt16BE(r.id, 4);
    head.writeUInt16BE(0, 6); // empty Pascal name, padded to even
    head.writeUInt32BE(r.data.length, 8);
    parts.push(head, r.data, Buffer.alloc(r.data.length % 2));
  }
  return Buffer.concat(parts);
}

/** JPEG marker segments (marker, payload) up to the start of scan. */
export function jpegSegments(jpeg: Buffer): { marker: number; payload: Buffer }[] {
  const out: { marker: number; payload: Buffer }[] = [];
  let o = 2;
  while (o + 4 <= jpeg.length && jpeg[o] === 0xff) {
    const marker = jpeg[o + 1];
    const len = jpeg.readUInt16BE(o + 2);
    out.push({ marker, payload: jpeg.subarray(o + 4, o + 2 + len) });
    if (marker === 0xda) break;
    o += 2 + len;
  }
  return out;
}

/**
 * A JPEG with its EXIF (APP1 "Exif") segment replaced by `exif` (bare TIFF) and, when given, an APP13
 * segment holding `irb` added after the other APP segments.
 */
export function jpegWithBlocks(jpeg: Buffer, blocks: { exif?: Buffer; irb?: Buffer }): Buffer {
  const seg = (marker: number, payload: Buffer) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([head, payload]);
  };
  const parts: Buffer[] = [jpeg.subarray(0, 2)];
  let o = 2;
  let added = false;
  while (o + 4 <= jpeg.length && jpeg[o] === 0xff) {
    const marker = jpeg[o + 1];
    const len = jpeg.readUInt16BE(o + 2);
    const payload = jpeg.subarray(o + 4, o + 2 + len);
    const isApp = marker >= 0xe0 && marker <= 0xef;
    if (!isApp && !added) {
      if (blocks.exif) parts.push(seg(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), blocks.exif])));
      if (blocks.irb) parts.push(seg(0xed, blocks.irb));
      added = true;
    }
    const isExif = marker === 0xe1 && payload.subarray(0, 6).toString('latin1') === 'Exif\0\0';
    if (!(isExif && blocks.exif)) parts.push(jpeg.subarray(o, o + 2 + len));
    if (marker === 0xda) {
      parts.push(jpeg.subarray(o + 2 + len));
      break;
    }
    o += 2 + len;
  }
  return Buffer.concat(parts);
}

/**
 * A JPEG photo for tests that do not import sharp themselves: width x height of varied colours,
 * stored in Display P3 (tagged with sharp's P3 profile), with buildExif()'s EXIF block (GPS, no thumbnail).
 */
export async function p3JpegWithExif(width: number, height: number): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 53) % 256;
  const jpeg = await sharp(px, { raw: { width, height, channels: 3 } })
    .withIccProfile('p3')
    .jpeg({ quality: 95 })
    .toBuffer();
  return jpegWithBlocks(jpeg, { exif: buildExif() });
}
