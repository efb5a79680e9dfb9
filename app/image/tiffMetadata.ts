/**
 * EXIF and IPTC for TIFF output. libvips writes a TIFF's XMP and ICC profile but no EXIF, and its IPTC tag
 * comes out truncated; this file adds them to the TIFF that sharp wrote:
 * - the EXIF block's descriptive IFD0 tags (Make, Model, Artist, Copyright, DateTime...) that the TIFF's
 *   IFD0 does not already have (its structural tags - size, samples, strips, resolution, orientation,
 *   profile - are the TIFF's own);
 * - the Exif IFD (with its Interop IFD) and the GPS IFD, as sub-IFDs (tags 34665, 34853);
 * - IPTC-IIM records as tag 33723 (LONG, as Photoshop writes it).
 * A new IFD0 with those entries, and the sub-IFDs, are appended to the file and the header points at it;
 * the old IFD0 stays as unused bytes. Values are converted to the TIFF's byte order. A MakerNote is copied
 * as it is: one whose internal offsets count from the EXIF header may not be readable in the TIFF.
 */
import { TAG, TYPE_SIZES, TiffReader, bareTiff, type Ifd, type IfdEntry } from './exifEdit';

const IPTC_TAG = 33723;
const ICC_TAG = 34675;
const XMP_TAG = 700;
const LONG = 4;

/** IFD0 tags of an EXIF block that are never copied: the TIFF's own structure, colour and metadata tags. */
const STRUCTURAL = new Set([
  254,
  255,
  256,
  257,
  258,
  259,
  262,
  263,
  266,
  273,
  274,
  277,
  278,
  279,
  280,
  281,
  282,
  283,
  284,
  290,
  291,
  296,
  297,
  317,
  318,
  319,
  320,
  321,
  322,
  323,
  324,
  325,
  330,
  338,
  339,
  340,
  341,
  513,
  514,
  529,
  530,
  531,
  532,
  700,
  IPTC_TAG,
  34377,
  TAG.exifIfd,
  TAG.gpsIfd,
  34675,
]);

interface NewEntry {
  tag: number;
  type: number;
  count: number;
  /** Value bytes in the output's byte order. */
  data?: Buffer;
  /** The 12 entry bytes, copied as they are (an entry of the TIFF's own IFD0). */
  raw?: Buffer;
  /** A sub-IFD this entry points to. */
  child?: NewIfd;
}

interface NewIfd {
  entries: NewEntry[];
  next: number;
  at?: number;
}

/** An entry's value in the other byte order when `swap`, each value of the type reversed. */
function valueBytes(src: TiffReader, e: IfdEntry, swap: boolean): Buffer | undefined {
  const size = TYPE_SIZES[e.type] ?? 0;
  if (size === 0) return undefined;
  const bytes = Buffer.from(src.buf.subarray(e.dataOffset, e.dataOffset + e.byteLength));
  const unit = e.type === 5 || e.type === 10 ? 4 : size; // a RATIONAL is two LONGs
  if (swap && unit > 1) {
    for (let o = 0; o + unit <= bytes.length; o += unit) bytes.subarray(o, o + unit).reverse();
  }
  return bytes;
}

function copyIfd(src: TiffReader, ifd: Ifd, swap: boolean, skip: (tag: number) => boolean): NewIfd {
  const entries: NewEntry[] = [];
  for (const e of ifd.entries) {
    if (skip(e.tag)) continue;
    const data = valueBytes(src, e, swap);
    if (data) entries.push({ tag: e.tag, type: e.type, count: e.count, data });
  }
  return { entries, next: 0 };
}

const pad4 = (n: number) => (n + 3) & ~3;

function ifdSize(ifd: NewIfd): number {
  let size = 2 + ifd.entries.length * 12 + 4;
  for (const e of ifd.entries) if (e.data && e.data.length > 4) size += pad4(e.data.length);
  return size;
}

/** Assigns each IFD of the tree its offset, parents before children; returns the end. */
function place(ifd: NewIfd, at: number, order: NewIfd[]): number {
  ifd.at = at;
  order.push(ifd);
  let end = at + ifdSize(ifd);
  for (const e of ifd.entries) if (e.child) end = place(e.child, end, order);
  return end;
}

function writeIfd(out: TiffReader, ifd: NewIfd): void {
  const at = ifd.at!;
  const entries = [...ifd.entries].sort((a, b) => a.tag - b.tag);
  out.setU16(at, entries.length);
  let dataAt = at + 2 + entries.length * 12 + 4;
  entries.forEach((e, i) => {
    const o = at + 2 + i * 12;
    if (e.raw) {
      e.raw.copy(out.buf, o);
      return;
    }
    out.setU16(o, e.tag);
    out.setU16(o + 2, e.type);
    out.setU32(o + 4, e.count);
    if (e.child) {
      out.setU32(o + 8, e.child.at!);
    } else if (e.data!.length <= 4) {
      e.data!.copy(out.buf, o + 8);
    } else {
      out.setU32(o + 8, dataAt);
      e.data!.copy(out.buf, dataAt);
      dataAt += pad4(e.data!.length);
    }
  });
  out.setU32(at + 2 + entries.length * 12, ifd.next);
}

/**
 * `tiff` (a classic TIFF as sharp writes it) with the EXIF block's tags and sub-IFDs, the IPTC records and,
 * where it has none, the ICC profile (tag 34675) and XMP packet (tag 700) added to its first IFD (see the
 * file comment; save.ts writes a TIFF straight from samples, without them). `exif` is a bare TIFF EXIF structure (exifForExport's
 * output), `iim` IPTC-IIM records. Returns `tiff` unchanged when there is nothing to add or it cannot
 * be read (e.g. BigTIFF); an unreadable EXIF block is left out. Never throws.
 */
export function tiffWithMetadata(
  tiff: Buffer,
  blocks: { exif?: Buffer; iim?: Buffer; icc?: Buffer; xmp?: Buffer },
): Buffer {
  const order = tiff.toString('latin1', 0, 2);
  if (tiff.length < 8 || (order !== 'II' && order !== 'MM')) return tiff;
  const dst = new TiffReader(tiff);
  if (dst.u16(2) !== 42) return tiff;
  const ifd0 = dst.readIfd(dst.firstIfd());
  if (!ifd0) return tiff;
  const own = new Set(ifd0.entries.map((e) => e.tag));
  const entries: NewEntry[] = ifd0.entries
    .filter((e) => !(e.tag === IPTC_TAG && blocks.iim))
    .map((e) => ({
      tag: e.tag,
      type: e.type,
      count: e.count,
      raw: Buffer.from(tiff.subarray(e.entryOffset, e.entryOffset + 12)),
    }));

  const exif = blocks.exif && bareTiff(blocks.exif);
  if (exif) {
    const src = new TiffReader(exif);
    const swap = src.le !== dst.le;
    const srcIfd0 = src.readIfd(src.firstIfd())!;
    const sub = (parent: Ifd | undefined, tag: number) => {
      const e = parent?.entries.find((x) => x.tag === tag);
      return e ? src.readIfd(src.value(e)) : undefined;
    };
    const top = copyIfd(src, srcIfd0, swap, (tag) => STRUCTURAL.has(tag) || own.has(tag));
    entries.push(...top.entries);
    const exifIfd = sub(srcIfd0, TAG.exifIfd);
    if (exifIfd) {
      const exifCopy = copyIfd(src, exifIfd, swap, (tag) => tag === TAG.interopIfd);
      const interop = sub(exifIfd, TAG.interopIfd);
      if (interop) {
        const child = copyIfd(src, interop, swap, () => false);
        exifCopy.entries.push({ tag: TAG.interopIfd, type: LONG, count: 1, child });
      }
      entries.push({ tag: TAG.exifIfd, type: LONG, count: 1, child: exifCopy });
    }
    const gps = sub(srcIfd0, TAG.gpsIfd);
    if (gps) {
      const child = copyIfd(src, gps, swap, () => false);
      entries.push({ tag: TAG.gpsIfd, type: LONG, count: 1, child });
    }
  }
  // The profile (UNDEFINED) and XMP (BYTE), where the TIFF has none of its own.
  if (blocks.icc && blocks.icc.length > 0 && !own.has(ICC_TAG))
    entries.push({ tag: ICC_TAG, type: 7, count: blocks.icc.length, data: Buffer.from(blocks.icc) });
  if (blocks.xmp && blocks.xmp.length > 0 && !own.has(XMP_TAG))
    entries.push({ tag: XMP_TAG, type: 1, count: blocks.xmp.length, data: Buffer.from(blocks.xmp) });
  if (blocks.iim && blocks.iim.length > 0) {
    const data = Buffer.alloc(pad4(blocks.iim.length));
    blocks.iim.copy(data);
    // The IIM bytes in order, padded to whole LONGs (libtiff hands the tag's bytes over unswapped).
    entries.push({ tag: IPTC_TAG, type: LONG, count: data.length / 4, data });
  }
  if (entries.length === ifd0.entries.length && entries.every((e) => e.raw)) return tiff;

  const start = pad4(tiff.length);
  const root: NewIfd = { entries, next: ifd0.next };
  const layout: NewIfd[] = [];
  const end = place(root, start, layout);
  const bytes = Buffer.alloc(end);
  tiff.copy(bytes);
  const out = new TiffReader(bytes); // reads the byte order just copied
  for (const ifd of layout) writeIfd(out, ifd);
  out.setU32(4, start);
  return out.buf;
}
