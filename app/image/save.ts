/**
 * Image encoding and atomic export.
 *
 * How metadata survives export (what each format can hold is in the table of the README):
 * - Colour: with `colorProfile: 'keep'` (default) the pixel values are written as they are and tagged with
 *   the profile they are in: the source's own RGB profile (meta.pixelsInIcc), else sRGB; a P3 or Adobe RGB
 *   photo stays P3 or Adobe RGB, as in Photoshop. With 'srgb' values in another profile are converted to
 *   sRGB (LittleCMS, perceptual; at 16 bits for 16-bit output) and tagged sRGB; sRGB values are only tagged.
 * - EXIF (exifEdit.ts): written back with Orientation 1 (the pixels were made upright on load), without
 *   IFD1 - the thumbnail, a small copy of the original picture that still shows what was removed - and,
 *   with `stripLocation`, without the GPS IFD. PNG (eXIf), JPEG (APP1), WebP (EXIF chunk) and TIFF (Exif and
 *   GPS sub-IFDs, tiffMetadata.ts) keep it.
 * - XMP (xmpEdit.ts): kept in every format, without its thumbnails, with Orientation 1, and without GPS
 *   properties when `stripLocation`.
 * - IPTC-IIM (iptc.ts): kept in JPEG (APP13) and TIFF (tag 33723); PNG and WebP have no place for it.
 * - Resolution: the source's density (else 72 dpi) is written: PNG pHYs, JPEG JFIF, TIFF X/YResolution,
 *   WebP only through EXIF's X/YResolution.
 * - Alpha: written for PNG, WebP and TIFF (fully transparent stays alpha 0). JPEG has no alpha: the image is
 *   flattened onto white (c * a + 1 - a).
 * - Depth: PNG and TIFF are written at `bitDepth` (default meta.bitDepth, else 8), so 16-bit in gives
 *   16-bit out; JPEG and WebP are always 8-bit.
 *
 * Mechanism: the pixels are encoded by sharp as a PNG, the profile, EXIF and XMP are embedded as PNG chunks
 * (embedMetadata.ts); other formats are re-encoded from that PNG with sharp's keepIccProfile/keepExif/
 * keepXmp, which carry the blobs over without a colour transform (sharp's own withIccProfile would convert
 * 16-bit data from Display P3); IPTC and TIFF's EXIF are then added to the bytes sharp wrote. JPEG, WebP and
 * TIFF (without a profile conversion) skip the full-size PNG: the pixels are encoded straight from the
 * samples; JPEG's APPn segments and WebP's ICCP/EXIF/XMP chunks come from a same-size one-colour carrier
 * that goes the PNG way (jpegDirect, webpDirect), TIFF's profile, XMP, EXIF and IPTC are added to the
 * file sharp wrote (tiffWithMetadata).
 *
 * Memory: `consumeImage` lets 8-bit samples be written into the float planes' own memory, and
 * encodeSamples/saveSamples take samples directly (the CLI holds its image as samples).
 */
import sharp from 'sharp';
import { StudioError, describeValue } from '../common/errors';
import { writeFileAtomic } from './atomicWrite';
import { planarToInterleaved, type Samples } from './convert';
import { embedPngMetadata } from './embedMetadata';
import { exifForExport } from './exifEdit';
import { isSrgbProfile, srgbProfile } from './iccProfile';
import { iimFromIptc, jpegWithIptc } from './iptc';
import { tiffWithMetadata } from './tiffMetadata';
import type { ImageMeta, RgbImage } from './types';
import { xmpForExport } from './xmpEdit';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'tiff';

/** What export does with colour: keep the values and their profile, or convert them to sRGB. */
export type ColorProfileMode = 'keep' | 'srgb';

/** Resolution written when the source states none, in pixels per inch. */
export const DEFAULT_DENSITY = 72;

export const DEFAULT_QUALITY = 92;

export interface SaveOptions {
  /** Output format; default from the path's extension (saveImage) or 'png' (encodeImage). */
  format?: ImageFormat;
  /** 1..100 whole number, default 92; used by JPEG and WebP, ignored by PNG and TIFF. */
  quality?: number;
  /** Alpha plane (width*height, 0..1) to write; JPEG flattens it onto white. */
  alpha?: Float32Array;
  /**
   * The source's metadata: its EXIF, XMP, IPTC, density and colour profile are written (see the file
   * comment) and its bitDepth is the default.
   */
  meta?: ImageMeta;
  /** 8 or 16 bits per sample for PNG and TIFF; default meta.bitDepth, else 8. JPEG and WebP are 8-bit. */
  bitDepth?: 8 | 16;
  /** 'keep' (default): values unchanged, tagged with their profile; 'srgb': converted to sRGB. */
  colorProfile?: ColorProfileMode;
  /** Leave out location: the EXIF GPS IFD and XMP's GPS properties. Default false. */
  stripLocation?: boolean;
  /**
   * The caller does not use `image` (nor `alpha`) after this call: its planes may be overwritten while
   * encoding (8-bit samples are written into the float planes' own memory), so a large image is not held
   * twice. Default false: the image is left as it was.
   */
  consumeImage?: boolean;
}

const EXTENSIONS: Record<string, ImageFormat> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.jpe': 'jpeg',
  '.webp': 'webp',
  '.tif': 'tiff',
  '.tiff': 'tiff',
};

/**
 * The output format a path's extension names (case-insensitive): .png, .jpg/.jpeg/.jpe, .webp, .tif/.tiff.
 * @throws StudioError IMAGE_WRITE naming the path and its extension when it is none of these.
 */
export function formatFromPath(path: string): ImageFormat {
  const base = path.split(/[\\/]/).pop() ?? path;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot).toLowerCase() : '';
  const format = EXTENSIONS[ext];
  if (!format) {
    const what = ext ? `its extension "${ext}" is not one of` : 'it has no extension; use one of';
    throw new StudioError(
      'IMAGE_WRITE',
      `Cannot write ${path}: ${what} ${Object.keys(EXTENSIONS).join(', ')}`,
    );
  }
  return format;
}

/**
 * Encodes an image to file bytes (see the file comment for what is kept). `opts.format` defaults to 'png'.
 * @throws StudioError PARAM_INVALID for a bad quality, bitDepth or format; INTERNAL when the image data or
 *   alpha plane has the wrong length; IMAGE_WRITE when the encoder fails.
 */
export async function encodeImage(image: RgbImage, opts: SaveOptions = {}): Promise<Buffer> {
  const format = opts.format ?? 'png';
  const { quality, bitDepth, colorProfile, stripLocation } = checkOptions(opts, format);
  const n = image.width * image.height;
  if (image.data.length !== n * 3) {
    throw new StudioError(
      'INTERNAL',
      `Image data has ${image.data.length} values; ${image.width}x${image.height} RGB needs ${n * 3}`,
    );
  }
  let alpha = opts.alpha;
  let pixels = image;
  const consume = opts.consumeImage === true;
  if (format === 'jpeg' && alpha) {
    pixels = flattenOntoWhite(image, alpha, consume);
    alpha = undefined;
  }
  const samples =
    consume && bitDepth === 8
      ? planarToInterleaved8InPlace(pixels, alpha)
      : planarToInterleaved(pixels, alpha, bitDepth);
  return encodeChecked(samples, image.width, image.height, alpha !== undefined, format, opts, {
    quality,
    bitDepth,
    colorProfile,
    stripLocation,
  });
}

/** The bit depth a format is written at with these options (JPEG and WebP: 8). */
export function outputBitDepth(format: ImageFormat, opts: SaveOptions = {}): 8 | 16 {
  return checkOptions(opts, format).bitDepth;
}

/**
 * Encodes interleaved samples (RGB, or RGBA when `hasAlpha`) as encodeImage does, for a caller that holds
 * the picture as samples (the CLI's neighbourhood path): no float planes are made. `samples` must be at
 * outputBitDepth(format, opts) and must not be written while this runs.
 * @throws StudioError INTERNAL when the samples do not match the size, depth or channels; otherwise as
 *   encodeImage. JPEG does not take alpha here (flatten first).
 */
export async function encodeSamples(
  samples: Samples,
  width: number,
  height: number,
  hasAlpha: boolean,
  opts: SaveOptions = {},
): Promise<Buffer> {
  const format = opts.format ?? 'png';
  const checked = checkOptions(opts, format);
  const depth = samples instanceof Uint16Array ? 16 : 8;
  const channels = hasAlpha ? 4 : 3;
  if (
    depth !== checked.bitDepth ||
    samples.length !== width * height * channels ||
    (hasAlpha && format === 'jpeg')
  ) {
    throw new StudioError(
      'INTERNAL',
      `Cannot encode ${samples.length} ${depth}-bit samples as a ${width}x${height} ${channels}-channel ${format} at ${checked.bitDepth} bits`,
    );
  }
  return encodeChecked(samples, width, height, hasAlpha, format, opts, checked);
}

/**
 * saveImage for samples (see encodeSamples): encoded, then written atomically.
 * @throws StudioError IMAGE_WRITE naming the path; INTERNAL as encodeSamples.
 */
export async function saveSamples(
  path: string,
  samples: Samples,
  width: number,
  height: number,
  hasAlpha: boolean,
  opts: SaveOptions = {},
): Promise<void> {
  const format = opts.format ?? formatFromPath(path);
  let bytes: Buffer;
  try {
    bytes = await encodeSamples(samples, width, height, hasAlpha, { ...opts, format });
  } catch (e) {
    if (e instanceof StudioError && e.code === 'IMAGE_WRITE') {
      throw new StudioError('IMAGE_WRITE', `Cannot write ${path}: ${e.message}`, { cause: e });
    }
    throw e;
  }
  await writeFileAtomic(path, bytes);
}

async function encodeChecked(
  samples: Samples,
  width: number,
  height: number,
  hasAlpha: boolean,
  format: ImageFormat,
  opts: SaveOptions,
  { quality, bitDepth, colorProfile, stripLocation }: CheckedOptions,
): Promise<Buffer> {
  const alpha = hasAlpha;
  const image = { width, height };
  const meta = opts.meta;
  const density = meta?.density ?? DEFAULT_DENSITY;
  const exif = meta?.exif ? exifForExport(meta.exif, { stripLocation }) : undefined;
  const xmp = meta?.xmp ? xmpForExport(meta.xmp, { stripLocation }) : undefined;
  const iim = meta?.iptc ? iimFromIptc(meta.iptc) : undefined;
  const space = bitDepth === 16 ? 'rgb16' : 'srgb';
  try {
    // The profile the values are in; converted to sRGB first when asked and it is not sRGB already.
    const own = meta?.pixelsInIcc ? meta.icc : undefined;
    const convert = colorProfile === 'srgb' && own !== undefined && !isSrgbProfile(own);
    const finalPng = format === 'png' && !convert;
    if (!convert && format !== 'png') {
      // Straight from the samples, no full-size PNG (see the file comment).
      const ownIcc = colorProfile === 'keep' && own ? own : await srgbProfile();
      const raw = { width: image.width, height: image.height, channels: alpha ? (4 as const) : (3 as const) };
      if (format === 'jpeg')
        return await jpegDirect(samples, image.width, image.height, density, quality, {
          icc: ownIcc,
          exif,
          xmp,
          iim,
        });
      if (format === 'tiff') {
        const tiff = await sharp(samples, { raw, limitInputPixels: false })
          .toColourspace(space)
          .withDensity(density)
          .tiff({ compression: 'deflate', predictor: 'horizontal' })
          .toBuffer();
        return tiffWithMetadata(tiff, { icc: ownIcc, xmp, exif, iim });
      }
      return await webpDirect(samples, raw, density, quality, { icc: ownIcc, exif, xmp });
    }
    let png: Buffer = await sharp(samples, {
      raw: { width: image.width, height: image.height, channels: alpha ? 4 : 3 },
    })
      .toColourspace(space)
      .withDensity(density)
      .png({ compressionLevel: finalPng ? 6 : 0 })
      .toBuffer();
    let icc = colorProfile === 'keep' && own ? own : await srgbProfile();
    if (convert) {
      let converter = sharp(embedPngMetadata(png, { icc: own }), { limitInputPixels: false });
      // sharp converts 16-bit RGB to P3, not sRGB; ask for sRGB explicitly (as load.ts does).
      if (bitDepth === 16) converter = converter.withIccProfile('srgb', { attach: false });
      png = await converter
        .toColourspace(space)
        .withDensity(density)
        .png({ compressionLevel: format === 'png' ? 6 : 0 })
        .toBuffer();
      icc = await srgbProfile();
    }
    png = embedPngMetadata(png, { icc, exif, xmp });
    if (format === 'png') return png;

    const reencode = sharp(png, { limitInputPixels: false })
      .keepIccProfile()
      .keepExif()
      .keepXmp()
      .withDensity(density);
    switch (format) {
      case 'jpeg': {
        const jpeg = await reencode
          .toColourspace('srgb')
          .jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0' })
          .toBuffer();
        return iim ? jpegWithIptc(jpeg, iim) : jpeg;
      }
      case 'webp':
        return await reencode.toColourspace('srgb').webp({ quality }).toBuffer();
      case 'tiff': {
        const tiff = await reencode
          .toColourspace(space)
          .tiff({ compression: 'deflate', predictor: 'horizontal' })
          .toBuffer();
        return tiffWithMetadata(tiff, { exif, iim });
      }
    }
  } catch (e) {
    throw new StudioError(
      'IMAGE_WRITE',
      `Cannot encode the image as ${format}: ${e instanceof Error ? e.message : String(e)}`,
      {
        cause: e,
      },
    );
  }
}

/**
 * Encodes `image` and writes it to `path` atomically: a temporary file in the same folder is written,
 * flushed and renamed over `path`; on any failure the temporary file is removed and an existing file at
 * `path` is left untouched. The format comes from `opts.format` or the extension.
 * @throws StudioError IMAGE_WRITE naming the path (unknown extension, missing folder, permission, disk
 *   full, encoder failure); PARAM_INVALID / INTERNAL as encodeImage.
 */
export async function saveImage(path: string, image: RgbImage, opts: SaveOptions = {}): Promise<void> {
  const format = opts.format ?? formatFromPath(path);
  let bytes: Buffer;
  try {
    bytes = await encodeImage(image, { ...opts, format });
  } catch (e) {
    if (e instanceof StudioError && e.code === 'IMAGE_WRITE') {
      throw new StudioError('IMAGE_WRITE', `Cannot write ${path}: ${e.message}`, { cause: e });
    }
    throw e;
  }
  await writeFileAtomic(path, bytes);
}

interface CheckedOptions {
  quality: number;
  bitDepth: 8 | 16;
  colorProfile: ColorProfileMode;
  stripLocation: boolean;
}

function checkOptions(opts: SaveOptions, format: ImageFormat): CheckedOptions {
  if (!['png', 'jpeg', 'webp', 'tiff'].includes(format)) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected one of png, jpeg, webp, tiff for format but received ${describeValue(format)}`,
    );
  }
  const quality = opts.quality ?? DEFAULT_QUALITY;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected an integer between 1 and 100 for quality but received ${describeValue(quality)}`,
    );
  }
  const requested = opts.bitDepth ?? opts.meta?.bitDepth ?? 8;
  if (requested !== 8 && requested !== 16) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected 8 or 16 for bitDepth but received ${describeValue(requested)}`,
    );
  }
  const bitDepth = format === 'png' || format === 'tiff' ? requested : 8;
  const colorProfile = opts.colorProfile ?? 'keep';
  if (colorProfile !== 'keep' && colorProfile !== 'srgb') {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected keep or srgb for colorProfile but received ${describeValue(colorProfile)}`,
    );
  }
  const stripLocation = opts.stripLocation ?? false;
  if (typeof stripLocation !== 'boolean') {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected true or false for stripLocation but received ${describeValue(stripLocation)}`,
    );
  }
  return { quality, bitDepth, colorProfile, stripLocation };
}

/**
 * Largest JPEG whose Huffman tables are optimised. The optimisation is lossless and saves a few percent of
 * the file, but libjpeg then holds every DCT coefficient of the picture until the end: measured on a 32 MP
 * photo, +418 MB (13 bytes per pixel) and 7x the encoding time. Larger pictures use the standard tables,
 * streamed row by row (+59 MB).
 */
const OPTIMISE_MAX_PIXELS = 16_000_000;

/**
 * A JPEG encoded straight from the samples, with no full-size intermediate: the metadata (profile, EXIF,
 * XMP, written by sharp exactly as the PNG route writes them) comes from a same-sized one-colour carrier
 * image, whose APPn segments replace the pixel JPEG's; IPTC is added as in the PNG route.
 */
async function jpegDirect(
  samples: Samples,
  width: number,
  height: number,
  density: number,
  quality: number,
  meta: { icc: Buffer; exif?: Buffer; xmp?: Buffer; iim?: Buffer },
): Promise<Buffer> {
  const chromaSubsampling = quality >= 90 ? '4:4:4' : '4:2:0';
  const pixels = await sharp(samples, { raw: { width, height, channels: 3 } })
    .toColourspace('srgb')
    .withDensity(density)
    .jpeg({ quality, chromaSubsampling, optimiseCoding: width * height <= OPTIMISE_MAX_PIXELS })
    .toBuffer();
  // Same size as the picture: libvips writes the image's dimensions into the EXIF it carries over.
  const blank = await sharp({ create: { width, height, channels: 3, background: '#000000' } })
    .withDensity(density)
    .png({ compressionLevel: 1 })
    .toBuffer();
  const carrier = await sharp(embedPngMetadata(blank, meta), { limitInputPixels: false })
    .keepIccProfile()
    .keepExif()
    .keepXmp()
    .withDensity(density)
    .toColourspace('srgb')
    .jpeg({ quality, chromaSubsampling, optimiseCoding: false })
    .toBuffer();
  const jpeg = withHeaderOf(pixels, carrier);
  return meta.iim ? jpegWithIptc(jpeg, meta.iim) : jpeg;
}

/**
 * A WebP encoded straight from the samples, as jpegDirect: the profile, EXIF and XMP chunks (and the
 * extended header, VP8X) come from a same-sized one-colour carrier that goes the PNG way; the picture's
 * own chunks (VP8 or VP8L, and ALPH) replace the carrier's.
 */
async function webpDirect(
  samples: Samples,
  raw: { width: number; height: number; channels: 3 | 4 },
  density: number,
  quality: number,
  meta: { icc: Buffer; exif?: Buffer; xmp?: Buffer },
): Promise<Buffer> {
  const { width, height } = raw;
  const pixels = await sharp(samples, { raw, limitInputPixels: false })
    .withDensity(density)
    .webp({ quality })
    .toBuffer();
  const blank = await sharp({ create: { width, height, channels: 3, background: '#000000' } })
    .withDensity(density)
    .png({ compressionLevel: 1 })
    .toBuffer();
  const carrier = await sharp(embedPngMetadata(blank, meta), { limitInputPixels: false })
    .keepIccProfile()
    .keepExif()
    .keepXmp()
    .withDensity(density)
    .toColourspace('srgb')
    .webp({ quality: 1, effort: 0 })
    .toBuffer();
  return webpWithChunksOf(pixels, carrier);
}

/** A WebP file's chunks (fourCC and the whole chunk's bytes, header and padding included). */
function webpChunks(webp: Buffer): { id: string; bytes: Buffer }[] {
  if (
    webp.length < 12 ||
    webp.toString('latin1', 0, 4) !== 'RIFF' ||
    webp.toString('latin1', 8, 12) !== 'WEBP'
  ) {
    throw new StudioError('IMAGE_WRITE', 'The WebP encoder wrote an unreadable file');
  }
  const chunks: { id: string; bytes: Buffer }[] = [];
  let o = 12;
  while (o + 8 <= webp.length) {
    const size = webp.readUInt32LE(o + 4);
    const end = Math.min(webp.length, o + 8 + size + (size & 1));
    chunks.push({ id: webp.toString('latin1', o, o + 4), bytes: webp.subarray(o, end) });
    o = end;
  }
  return chunks;
}

/**
 * `picture`'s coded image (VP8/VP8L, with ALPH) in `header`'s extended file: its VP8X (with the alpha
 * flag set when the picture has alpha), ICCP before the image, EXIF and XMP after, as the WebP
 * container specifies. Without a VP8X in `header` (no metadata) the picture is returned as it is.
 */
function webpWithChunksOf(picture: Buffer, header: Buffer): Buffer {
  const meta = webpChunks(header);
  const vp8x = meta.find((c) => c.id === 'VP8X');
  if (!vp8x) return picture;
  const own = webpChunks(picture);
  const image = own.filter((c) => c.id === 'ALPH' || c.id === 'VP8 ' || c.id === 'VP8L');
  const ownX = own.find((c) => c.id === 'VP8X');
  const hasAlpha =
    image.some((c) => c.id === 'ALPH') ||
    (ownX !== undefined && (ownX.bytes[8] & 0x10) !== 0) ||
    image.some((c) => c.id === 'VP8L' && (c.bytes[8 + 4] & 0x10) !== 0);
  const x = Buffer.from(vp8x.bytes);
  if (hasAlpha) x[8] |= 0x10;
  const pick = (id: string) => meta.filter((c) => c.id === id).map((c) => c.bytes);
  const body = Buffer.concat([
    x,
    ...pick('ICCP'),
    ...image.map((c) => c.bytes),
    ...pick('EXIF'),
    ...pick('XMP '),
  ]);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + body.length, 4);
  head.write('WEBP', 8, 'latin1');
  return Buffer.concat([head, body]);
}

/** Offset of the first marker after SOI that is not an APPn segment (the JPEG's header ends there). */
function headerEnd(jpeg: Buffer): number {
  let o = 2;
  while (o + 4 <= jpeg.length && jpeg[o] === 0xff && jpeg[o + 1] >= 0xe0 && jpeg[o + 1] <= 0xef) {
    o += 2 + jpeg.readUInt16BE(o + 2);
  }
  if (o > jpeg.length || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) {
    throw new StudioError('IMAGE_WRITE', 'The JPEG encoder wrote an unreadable header');
  }
  return o;
}

/** `body`'s coded picture with `header`'s SOI and APPn segments (JFIF, EXIF, XMP, ICC). */
function withHeaderOf(body: Buffer, header: Buffer): Buffer {
  return Buffer.concat([header.subarray(0, headerEnd(header)), body.subarray(headerEnd(body))]);
}

/**
 * planarToInterleaved at 8 bits, written into the planes' own memory (the image is consumed): sample i
 * (bytes 3i..3i+2, or 4i..4i+3 with alpha, whose plane is separate) is written after pixel i's values
 * are read, and never reaches a value not yet read (R[j] lies at bytes >= 4j, G and B at >= 4n).
 */
function planarToInterleaved8InPlace(image: RgbImage, alpha: Float32Array | undefined): Uint8Array {
  const n = image.width * image.height;
  const d = image.data;
  const channels = alpha ? 4 : 3;
  if (alpha && alpha.length !== n) {
    throw new StudioError(
      'INTERNAL',
      `Alpha plane has ${alpha.length} values; ${image.width}x${image.height} needs ${n}`,
    );
  }
  const out = new Uint8Array(d.buffer, d.byteOffset, n * channels);
  for (let i = 0, s = 0; i < n; i++, s += channels) {
    const r = d[i];
    const g = d[n + i];
    const b = d[2 * n + i];
    const a = alpha ? alpha[i] : 0;
    out[s] = toSample8(r);
    out[s + 1] = toSample8(g);
    out[s + 2] = toSample8(b);
    if (alpha) out[s + 3] = toSample8(a);
  }
  return out;
}

function toSample8(v: number): number {
  // As convert.ts: `v > 0` is false for NaN, so NaN lands on 0.
  return v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0;
}

function flattenOntoWhite(image: RgbImage, alpha: Float32Array, inPlace = false): RgbImage {
  const n = image.width * image.height;
  if (alpha.length !== n) {
    throw new StudioError(
      'INTERNAL',
      `Alpha plane has ${alpha.length} values; ${image.width}x${image.height} needs ${n}`,
    );
  }
  const out = inPlace ? image.data : new Float32Array(n * 3);
  for (let c = 0; c < 3; c++) {
    const off = c * n;
    for (let i = 0; i < n; i++) {
      const a = alpha[i] > 0 ? (alpha[i] < 1 ? alpha[i] : 1) : 0;
      out[off + i] = image.data[off + i] * a + (1 - a);
    }
  }
  return { width: image.width, height: image.height, data: out };
}
