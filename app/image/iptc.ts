/**
 * IPTC-IIM on export. sharp reads IPTC (metadata().iptc: a JPEG's Photoshop APP13 block, a TIFF's IPTC tag)
 * but cannot write a blob of its own, and libvips writes a TIFF's IPTC tag truncated; so the records are
 * taken out of what was read and written here: JPEG as an APP13 Photoshop block holding only the IPTC
 * resource, TIFF by tiffMetadata.ts. Only the IPTC-NAA resource (0x0404) is carried: the other Photoshop
 * resources of the source include its thumbnail (0x0409, 0x040C), a copy of the original picture.
 * PNG and WebP have no place for IPTC-IIM (its fields travel in XMP there).
 */

const PHOTOSHOP = Buffer.from('Photoshop 3.0\0', 'latin1');
const IPTC_RESOURCE = 0x0404;
/** Largest JPEG segment payload: 65535 minus the length field. */
const MAX_SEGMENT = 65533;

/**
 * The IPTC-IIM records in an IPTC blob as sharp reads it: a Photoshop resource block (with or without the
 * "Photoshop 3.0" header; its 0x0404 resource) or bare IIM records (starting with 0x1C). Undefined when
 * there are none or the block is malformed. Never throws.
 */
export function iimFromIptc(iptc: Buffer): Buffer | undefined {
  if (iptc.length > 0 && iptc[0] === 0x1c) return Buffer.from(iptc);
  let o = iptc.subarray(0, PHOTOSHOP.length).equals(PHOTOSHOP) ? PHOTOSHOP.length : 0;
  while (o + 12 <= iptc.length && iptc.toString('latin1', o, o + 4) === '8BIM') {
    const id = iptc.readUInt16BE(o + 4);
    const nameLength = iptc[o + 6];
    const nameSize = (1 + nameLength + 1) & ~1; // Pascal string padded to even
    const sizeAt = o + 6 + nameSize;
    if (sizeAt + 4 > iptc.length) return undefined;
    const size = iptc.readUInt32BE(sizeAt);
    const start = sizeAt + 4;
    if (start + size > iptc.length) return undefined;
    if (id === IPTC_RESOURCE) return size > 0 ? Buffer.from(iptc.subarray(start, start + size)) : undefined;
    o = start + size + (size % 2);
  }
  return undefined;
}

/**
 * A JPEG APP13 payload: "Photoshop 3.0" and one 8BIM resource 0x0404 holding `iim`.
 */
export function photoshopIptcBlock(iim: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.write('8BIM', 0, 'latin1');
  head.writeUInt16BE(IPTC_RESOURCE, 4);
  head.writeUInt16BE(0, 6); // empty name, padded to even
  head.writeUInt32BE(iim.length, 8);
  return Buffer.concat([PHOTOSHOP, head, iim, Buffer.alloc(iim.length % 2)]);
}

/**
 * `jpeg` with an APP13 segment holding `iim` placed after its other APPn segments (JFIF, EXIF, XMP, ICC).
 * Any APP13 Photoshop segment already there is replaced. Returns `jpeg` unchanged when the records do not
 * fit one segment (64 KB) or the marker sequence cannot be followed.
 */
export function jpegWithIptc(jpeg: Buffer, iim: Buffer): Buffer {
  const payload = photoshopIptcBlock(iim);
  if (payload.length > MAX_SEGMENT || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return jpeg;
  const segment = Buffer.alloc(4 + payload.length);
  segment.writeUInt16BE(0xffed, 0);
  segment.writeUInt16BE(payload.length + 2, 2);
  payload.copy(segment, 4);

  const parts: Buffer[] = [jpeg.subarray(0, 2)];
  let o = 2;
  while (o + 4 <= jpeg.length && jpeg[o] === 0xff) {
    const marker = jpeg[o + 1];
    if (marker < 0xe0 || marker > 0xef) {
      parts.push(segment, jpeg.subarray(o));
      return Buffer.concat(parts);
    }
    const end = o + 2 + jpeg.readUInt16BE(o + 2);
    if (end > jpeg.length) return jpeg;
    const isPhotoshop = marker === 0xed && jpeg.subarray(o + 4, o + 4 + PHOTOSHOP.length).equals(PHOTOSHOP);
    if (!isPhotoshop) parts.push(jpeg.subarray(o, end));
    o = end;
  }
  return jpeg;
}
