/**
 * Reading and editing an EXIF block (a TIFF structure: header, IFD0, the Exif, GPS and Interop sub-IFDs, and
 * IFD1, the thumbnail) for export.
 *
 * The edit is done in place, not by re-serialising: the kept structures stay at their offsets, so a
 * MakerNote whose own offsets count from the TIFF header keeps working. What is removed is unlinked (its
 * pointer cleared or its entry taken out of IFD0) and its bytes are overwritten with zeros, so no copy of
 * the original thumbnail or location survives in the block; zeros left at the end are cut off.
 */

const EXIF_PREFIX = Buffer.from('Exif\0\0', 'latin1');

export const TAG = {
  orientation: 0x0112,
  exifIfd: 0x8769,
  gpsIfd: 0x8825,
  interopIfd: 0xa005,
  jpegOffset: 0x0201,
  jpegLength: 0x0202,
  stripOffsets: 0x0111,
  stripByteCounts: 0x0117,
} as const;

/** Bytes per value of each TIFF field type (1..13); 0 for an unknown type. */
export const TYPE_SIZES: readonly number[] = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];

export interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** Where the 12-byte entry starts. */
  entryOffset: number;
  /** Where the value's bytes are: inside the entry when they fit in 4 bytes, else the offset it names. */
  dataOffset: number;
  /** byte size of the value (count * size of the type). */
  byteLength: number;
}

export interface Ifd {
  offset: number;
  entries: IfdEntry[];
  /** Offset of the next IFD in the chain (0 = none). */
  next: number;
  /** Where the next-IFD pointer is stored. */
  nextPointerOffset: number;
}

/** A bare TIFF structure and its byte order, with readers. */
export class TiffReader {
  readonly le: boolean;
  constructor(readonly buf: Buffer) {
    this.le = buf.toString('latin1', 0, 2) === 'II';
  }
  u16(o: number): number {
    return this.le ? this.buf.readUInt16LE(o) : this.buf.readUInt16BE(o);
  }
  u32(o: number): number {
    return this.le ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o);
  }
  setU16(o: number, v: number): void {
    if (this.le) this.buf.writeUInt16LE(v, o);
    else this.buf.writeUInt16BE(v, o);
  }
  setU32(o: number, v: number): void {
    if (this.le) this.buf.writeUInt32LE(v, o);
    else this.buf.writeUInt32BE(v, o);
  }
  /** Offset of IFD0. */
  firstIfd(): number {
    return this.u32(4);
  }
  /**
   * The IFD at `offset`, or undefined when it or any of its values lies outside the buffer (an entry of an
   * unknown type is kept with byteLength 0).
   */
  readIfd(offset: number): Ifd | undefined {
    const buf = this.buf;
    if (offset < 8 || offset + 2 > buf.length) return undefined;
    const n = this.u16(offset);
    const nextPointerOffset = offset + 2 + n * 12;
    if (nextPointerOffset + 4 > buf.length) return undefined;
    const entries: IfdEntry[] = [];
    for (let e = 0; e < n; e++) {
      const o = offset + 2 + e * 12;
      const type = this.u16(o + 2);
      const count = this.u32(o + 4);
      const byteLength = (TYPE_SIZES[type] ?? 0) * count;
      const dataOffset = byteLength > 4 ? this.u32(o + 8) : o + 8;
      if (dataOffset + byteLength > buf.length) return undefined;
      entries.push({ tag: this.u16(o), type, count, entryOffset: o, dataOffset, byteLength });
    }
    return { offset, entries, next: this.u32(nextPointerOffset), nextPointerOffset };
  }
  /** The first value of an entry as an unsigned number (SHORT or LONG; others give the LONG reading). */
  value(entry: IfdEntry, index = 0): number {
    const size = entry.type === 3 ? 2 : 4;
    const o = entry.dataOffset + index * size;
    return entry.type === 3 ? this.u16(o) : this.u32(o);
  }
}

/**
 * A bare TIFF copy of an EXIF block (any leading "Exif\0\0" removed), or undefined when it is not a TIFF
 * structure (bad byte order mark, magic number or IFD0 offset). Never throws.
 */
export function bareTiff(exif: Buffer): Buffer | undefined {
  const tiff = Buffer.from(exif.subarray(0, 6).equals(EXIF_PREFIX) ? exif.subarray(6) : exif);
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const r = new TiffReader(tiff);
  if (r.u16(2) !== 42 || !r.readIfd(r.firstIfd())) return undefined;
  return tiff;
}

type Range = [start: number, end: number];

/** The IFD's own bytes and its out-of-line values. */
function ifdRanges(ifd: Ifd): Range[] {
  const ranges: Range[] = [[ifd.offset, ifd.nextPointerOffset + 4]];
  for (const e of ifd.entries) {
    if (e.byteLength > 4) ranges.push([e.dataOffset, e.dataOffset + e.byteLength]);
  }
  return ranges;
}

/** An IFD named by a pointer entry of `ifd`, if there is one and it is readable. */
function child(r: TiffReader, ifd: Ifd | undefined, tag: number): Ifd | undefined {
  const e = ifd?.entries.find((x) => x.tag === tag);
  return e ? r.readIfd(r.value(e)) : undefined;
}

/** Ranges of an IFD1-style image directory: the IFD, its values and its image data (JPEG or strips). */
function thumbnailRanges(r: TiffReader, ifd: Ifd): Range[] {
  const ranges = ifdRanges(ifd);
  const find = (tag: number) => ifd.entries.find((e) => e.tag === tag);
  const jpeg = find(TAG.jpegOffset);
  const jpegLength = find(TAG.jpegLength);
  if (jpeg && jpegLength) {
    const start = r.value(jpeg);
    ranges.push([start, Math.min(r.buf.length, start + r.value(jpegLength))]);
  }
  const strips = find(TAG.stripOffsets);
  const counts = find(TAG.stripByteCounts);
  if (strips && counts) {
    for (let i = 0; i < Math.min(strips.count, counts.count); i++) {
      const start = r.value(strips, i);
      ranges.push([start, Math.min(r.buf.length, start + r.value(counts, i))]);
    }
  }
  return ranges;
}

const overlaps = (a: Range, b: Range) => a[0] < b[1] && b[0] < a[1];

export interface ExifExportOptions {
  /** Remove the GPS IFD (location, altitude, time and direction of the fix). Default false. */
  stripLocation?: boolean;
}

/**
 * The EXIF block to write on export, as a bare TIFF structure:
 * - IFD0 Orientation set to 1 (exported pixels are upright);
 * - IFD1 (the thumbnail, a small copy of the ORIGINAL picture) and any IFD after it removed, and the
 *   thumbnail's image data overwritten with zeros;
 * - with `stripLocation`, the GPS IFD pointer taken out of IFD0 and the GPS IFD's bytes zeroed.
 * Bytes shared with a kept structure are never zeroed. Returns undefined when the block is not a readable
 * TIFF structure (such a block is dropped rather than written half-understood). Never throws.
 */
export function exifForExport(exif: Buffer, opts: ExifExportOptions = {}): Buffer | undefined {
  const tiff = bareTiff(exif);
  if (!tiff) return undefined;
  const r = new TiffReader(tiff);
  const ifd0 = r.readIfd(r.firstIfd())!;

  for (const e of ifd0.entries) {
    if (e.tag === TAG.orientation && e.type === 3 && e.count >= 1) r.setU16(e.dataOffset, 1);
  }

  const exifIfd = child(r, ifd0, TAG.exifIfd);
  const interop = child(r, exifIfd, TAG.interopIfd);
  const gps = child(r, ifd0, TAG.gpsIfd);
  const keep = opts.stripLocation ? [ifd0, exifIfd, interop] : [ifd0, exifIfd, interop, gps];
  const kept = keep.flatMap((ifd) => (ifd ? ifdRanges(ifd) : []));
  const remove: Range[] = [];

  // The IFD chain after IFD0: IFD1 (thumbnail) and, rarely, more.
  const seen = new Set<number>([ifd0.offset]);
  for (let next = ifd0.next; next && !seen.has(next);) {
    seen.add(next);
    const ifd = r.readIfd(next);
    if (!ifd) break;
    remove.push(...thumbnailRanges(r, ifd));
    next = ifd.next;
  }
  r.setU32(ifd0.nextPointerOffset, 0);

  if (opts.stripLocation) {
    const at = ifd0.entries.findIndex((e) => e.tag === TAG.gpsIfd);
    if (at >= 0) {
      if (gps) remove.push(...ifdRanges(gps));
      // Take the entry out: the later entries and the next pointer move up 12 bytes.
      const entry = ifd0.entries[at].entryOffset;
      tiff.copy(tiff, entry, entry + 12, ifd0.nextPointerOffset + 4);
      tiff.fill(0, ifd0.nextPointerOffset - 8, ifd0.nextPointerOffset + 4);
      r.setU16(ifd0.offset, ifd0.entries.length - 1);
    }
  }

  for (const range of remove) {
    if (!kept.some((k) => overlaps(k, range))) tiff.fill(0, range[0], range[1]);
  }
  // Cut off the zeros at the end, never into a kept structure.
  const keptEnd = Math.max(8, ...kept.map((k) => k[1]));
  let end = tiff.length;
  while (end > keptEnd && tiff[end - 1] === 0) end--;
  return tiff.subarray(0, end);
}

/** True when the block's IFD0 links an IFD1 (a thumbnail directory). Never throws. */
export function hasThumbnail(exif: Buffer): boolean {
  const tiff = bareTiff(exif);
  if (!tiff) return false;
  const r = new TiffReader(tiff);
  return r.readIfd(r.firstIfd())!.next !== 0;
}

/** True when the block's IFD0 has a GPS IFD pointer. Never throws. */
export function hasGps(exif: Buffer): boolean {
  const tiff = bareTiff(exif);
  if (!tiff) return false;
  const r = new TiffReader(tiff);
  return r.readIfd(r.firstIfd())!.entries.some((e) => e.tag === TAG.gpsIfd);
}
