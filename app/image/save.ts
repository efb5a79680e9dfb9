/**
 * Image encoding and atomic export.
 *
 * How metadata survives export:
 * - Colour: pixels are sRGB, so every file is tagged with sharp's sRGB ICC profile, embedded without any
 *   colour transform (the pixel values written are exactly the values given). A source profile in
 *   `meta.icc` is NOT re-applied: a P3 or Adobe RGB photo is exported as sRGB.
 * - EXIF: `meta.exif` is written back byte for byte except IFD0 Orientation, which is set to 1 because the
 *   pixels were made upright on load. PNG (eXIf), JPEG (APP1) and WebP (EXIF chunk) keep it; TIFF output
 *   has no EXIF (libvips does not write it).
 * - Alpha: written for PNG, WebP and TIFF (fully transparent stays alpha 0). JPEG has no alpha: the image is
 *   flattened onto white (c * a + 1 - a).
 * - Depth: PNG and TIFF are written at `bitDepth` (default meta.bitDepth, else 8), so 16-bit in gives
 *   16-bit out; JPEG and WebP are always 8-bit.
 *
 * Mechanism: the pixels are encoded by sharp as a PNG, the sRGB profile and EXIF are embedded as PNG chunks
 * (embedMetadata.ts); other formats are re-encoded from that PNG with sharp's keepIccProfile/keepExif,
 * which carry the blobs over without a colour transform (sharp's own withIccProfile would convert 16-bit
 * data from Display P3).
 */
import sharp from 'sharp';
import { StudioError, describeValue } from '../common/errors';
import { writeFileAtomic } from './atomicWrite';
import { planarToInterleaved } from './convert';
import { embedPngMetadata, exifWithUprightOrientation } from './embedMetadata';
import { srgbProfile } from './iccProfile';
import type { ImageMeta, RgbImage } from './types';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'tiff';

export const DEFAULT_QUALITY = 92;

export interface SaveOptions {
  /** Output format; default from the path's extension (saveImage) or 'png' (encodeImage). */
  format?: ImageFormat;
  /** 1..100 whole number, default 92; used by JPEG and WebP, ignored by PNG and TIFF. */
  quality?: number;
  /** Alpha plane (width*height, 0..1) to write; JPEG flattens it onto white. */
  alpha?: Float32Array;
  /** The source's metadata: its EXIF is kept (orientation reset to 1) and its bitDepth is the default. */
  meta?: ImageMeta;
  /** 8 or 16 bits per sample for PNG and TIFF; default meta.bitDepth, else 8. JPEG and WebP are 8-bit. */
  bitDepth?: 8 | 16;
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
  const { quality, bitDepth } = checkOptions(opts, format);
  const n = image.width * image.height;
  if (image.data.length !== n * 3) {
    throw new StudioError(
      'INTERNAL',
      `Image data has ${image.data.length} values; ${image.width}x${image.height} RGB needs ${n * 3}`,
    );
  }
  let alpha = opts.alpha;
  let pixels = image;
  if (format === 'jpeg' && alpha) {
    pixels = flattenOntoWhite(image, alpha);
    alpha = undefined;
  }
  const samples = planarToInterleaved(pixels, alpha, bitDepth);
  try {
    const carrier = await sharp(samples, {
      raw: { width: image.width, height: image.height, channels: alpha ? 4 : 3 },
    })
      .toColourspace(bitDepth === 16 ? 'rgb16' : 'srgb')
      .png({ compressionLevel: format === 'png' ? 6 : 0 })
      .toBuffer();
    const exif = opts.meta?.exif ? exifWithUprightOrientation(opts.meta.exif) : undefined;
    const png = embedPngMetadata(carrier, { icc: await srgbProfile(), exif });
    if (format === 'png') return png;

    const reencode = sharp(png, { limitInputPixels: false }).keepIccProfile().keepExif();
    switch (format) {
      case 'jpeg':
        return await reencode
          .toColourspace('srgb')
          .jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0' })
          .toBuffer();
      case 'webp':
        return await reencode.toColourspace('srgb').webp({ quality }).toBuffer();
      case 'tiff':
        return await reencode
          .toColourspace(bitDepth === 16 ? 'rgb16' : 'srgb')
          .tiff({ compression: 'deflate', predictor: 'horizontal' })
          .toBuffer();
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

function checkOptions(opts: SaveOptions, format: ImageFormat): { quality: number; bitDepth: 8 | 16 } {
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
  return { quality, bitDepth };
}

function flattenOntoWhite(image: RgbImage, alpha: Float32Array): RgbImage {
  const n = image.width * image.height;
  if (alpha.length !== n) {
    throw new StudioError(
      'INTERNAL',
      `Alpha plane has ${alpha.length} values; ${image.width}x${image.height} needs ${n}`,
    );
  }
  const out = new Float32Array(n * 3);
  for (let c = 0; c < 3; c++) {
    const off = c * n;
    for (let i = 0; i < n; i++) {
      const a = alpha[i] > 0 ? (alpha[i] < 1 ? alpha[i] : 1) : 0;
      out[off + i] = image.data[off + i] * a + (1 - a);
    }
  }
  return { width: image.width, height: image.height, data: out };
}
