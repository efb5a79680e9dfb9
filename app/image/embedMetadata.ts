/**
 * Byte-level metadata embedding for export. sharp can keep a source's EXIF and ICC blobs only when they
 * arrive inside an input file, and raw pixels carry none; so save.ts encodes a PNG, embeds the blobs here as
 * PNG chunks (iCCP, eXIf), and, for other formats, lets sharp carry them over with keepExif/keepIccProfile.
 */
import zlib from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const EXIF_PREFIX = Buffer.from('Exif\0\0', 'latin1');
const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/**
 * Returns a copy of an EXIF block as a bare TIFF structure (any leading "Exif\0\0" removed) with its IFD0
 * Orientation set to 1, because exported pixels are already upright. Returns undefined when the block is
 * not a readable TIFF structure (such a block is dropped rather than written half-understood).
 * Never throws.
 */
export function exifWithUprightOrientation(exif: Buffer): Buffer | undefined {
  const tiff = Buffer.from(exif.subarray(0, 6).equals(EXIF_PREFIX) ? exif.subarray(6) : exif);
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const le = order === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const entries = u16(ifd);
  for (let e = 0; e < entries; e++) {
    const o = ifd + 2 + e * 12;
    if (o + 12 > tiff.length) return undefined;
    if (u16(o) === ORIENTATION_TAG && u16(o + 2) === SHORT) {
      if (le) tiff.writeUInt16LE(1, o + 8);
      else tiff.writeUInt16BE(1, o + 8);
    }
  }
  return tiff;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(zlib.crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

/**
 * Returns a PNG with the given ICC profile (iCCP chunk) and EXIF block (eXIf chunk, bare TIFF structure)
 * placed right after IHDR, replacing any iCCP, sRGB or eXIf chunk already there.
 * @throws Error when `png` is not a PNG (a programming error: the input comes from sharp).
 */
export function embedPngMetadata(png: Buffer, meta: { icc?: Buffer; exif?: Buffer }): Buffer {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('embedPngMetadata needs a PNG that starts with IHDR');
  }
  const parts: Buffer[] = [];
  let offset = 8;
  let inserted = false;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (type !== 'iCCP' && type !== 'sRGB' && type !== 'eXIf') parts.push(png.subarray(offset, end));
    if (type === 'IHDR' && !inserted) {
      if (meta.icc) {
        // iCCP: profile name, NUL, compression method 0 (deflate), compressed profile.
        parts.push(
          pngChunk(
            'iCCP',
            Buffer.concat([Buffer.from('ICC profile\0\0', 'latin1'), zlib.deflateSync(meta.icc)]),
          ),
        );
      }
      if (meta.exif) parts.push(pngChunk('eXIf', meta.exif));
      inserted = true;
    }
    offset = end;
  }
  return Buffer.concat([PNG_SIGNATURE, ...parts]);
}
