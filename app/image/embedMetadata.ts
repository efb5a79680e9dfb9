/**
 * Byte-level metadata embedding for export. sharp can keep a source's EXIF, ICC and XMP blobs only when they
 * arrive inside an input file, and raw pixels carry none; so save.ts encodes a PNG, embeds the blobs here as
 * PNG chunks (iCCP, eXIf, iTXt "XML:com.adobe.xmp"), and, for other formats, lets sharp carry them over with
 * keepExif/keepIccProfile/keepXmp.
 */
import zlib from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(zlib.crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

const XMP_KEYWORD = 'XML:com.adobe.xmp';

/** True for a text chunk (iTXt, or zTXt/tEXt as libvips writes it) that holds XMP. */
function isXmpChunk(png: Buffer, offset: number, type: string): boolean {
  if (type !== 'iTXt' && type !== 'zTXt' && type !== 'tEXt') return false;
  const start = offset + 8;
  return png.toString('latin1', start, start + XMP_KEYWORD.length + 1) === `${XMP_KEYWORD}\0`;
}

/**
 * Returns a PNG with the given ICC profile (iCCP chunk), EXIF block (eXIf chunk, bare TIFF structure) and
 * XMP packet (uncompressed iTXt chunk "XML:com.adobe.xmp", as the XMP specification places it) right after
 * IHDR, replacing any iCCP, sRGB, eXIf or XMP text chunk already there.
 * @throws Error when `png` is not a PNG (a programming error: the input comes from sharp).
 */
export function embedPngMetadata(png: Buffer, meta: { icc?: Buffer; exif?: Buffer; xmp?: Buffer }): Buffer {
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
    const replaced = type === 'iCCP' || type === 'sRGB' || type === 'eXIf' || isXmpChunk(png, offset, type);
    if (!replaced) parts.push(png.subarray(offset, end));
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
      if (meta.xmp) {
        // keyword, NUL, compression flag 0, method 0, empty language tag, empty translated keyword, text.
        const head = Buffer.from(`${XMP_KEYWORD}\0\0\0\0\0`, 'latin1');
        parts.push(pngChunk('iTXt', Buffer.concat([head, meta.xmp])));
      }
      inserted = true;
    }
    offset = end;
  }
  return Buffer.concat([PNG_SIGNATURE, ...parts]);
}
