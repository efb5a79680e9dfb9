/**
 * Image decoding: any PNG, JPEG, WebP or TIFF (also GIF, AVIF) at 8 or 16 bits, grey or colour, with or
 * without alpha, becomes upright RGB float planes plus an optional alpha plane and the metadata export
 * needs (raw EXIF, ICC, XMP and IPTC blocks, density, source depth/format/channels).
 *
 * - Size is checked from the header before any pixel is decoded (and sharp's limitInputPixels backs it up).
 * - EXIF orientation is applied (sharp autoOrient); the raw EXIF block is kept as it was in the file.
 * - Colour, as Photoshop does it: an RGB image with an RGB ICC profile (sRGB, Display P3, Adobe RGB...) keeps
 *   its own values, not converted (meta.pixelsInIcc), so export can write them back unchanged with the same
 *   profile; untagged files are taken as sRGB. A CMYK, grey or Lab profile is converted to sRGB by sharp
 *   (LittleCMS, perceptual intent), at 16 bits for 16-bit sources. Either way no file goes through a
 *   profile round trip, so 8- and 16-bit RGB files load bit-exact (see iccProfile.ts for why this matters
 *   at 16 bits). Display copies of such an image are converted to sRGB (displayColour.ts).
 * - 16-bit sources are read as 16-bit samples (raw ushort), so no precision is lost on the way to float.
 * - Grey is expanded to R = G = B.
 * - Decoding stops on libvips errors but tolerates warnings (failOn 'error'), so slightly damaged photos
 *   that browsers show still open.
 */
import fs from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { StudioError, describeValue } from '../common/errors';
import { describeFsError } from './atomicWrite';
import { prepareDisplay } from './displayColour';
import { interleavedToPlanar } from './convert';
import { isRgbProfile } from './iccProfile';
import { jpegQuality } from './jpegQuality';
import type { ImageMeta, LoadedImage } from './types';

/** sharp's colour spaces of an RGB source, whose values are kept in their own profile. */
const RGB_SPACES: readonly string[] = ['srgb', 'rgb', 'rgb16'];

/** Largest image accepted by default, in pixels (width * height): 100 megapixels. */
export const MAX_PIXELS = 100_000_000;

/** Formats the loader accepts (sharp's format ids). SVG, PDF and other vector or document inputs are refused. */
export const LOADABLE_FORMATS: readonly string[] = ['png', 'jpeg', 'webp', 'tiff', 'gif', 'avif', 'heif'];

export interface LoadOptions {
  /** Largest accepted width*height; a positive whole number, default MAX_PIXELS. */
  maxPixels?: number;
}

/**
 * Loads an image file as upright RGB float planes (0..1; sRGB or the file's own RGB profile, see above), alpha plane (0..1) when the file has alpha, and
 * its metadata (`meta.sourcePath` = `path`). Multi-page files give their first page.
 * @throws StudioError IMAGE_DECODE when the file is missing, unreadable, not an image or of an unsupported
 *   format (the message names the path); IMAGE_TOO_LARGE when its header says it has more than
 *   `maxPixels` pixels (the message names its size and the limit; nothing is decoded);
 *   PARAM_INVALID when `maxPixels` is not a positive whole number.
 */
export async function loadImage(path: string, opts: LoadOptions = {}): Promise<LoadedImage> {
  await checkFile(path);
  return toPlanar(await decode(path, path, opts, path));
}

async function checkFile(path: string): Promise<void> {
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) throw Object.assign(new Error(`${path} is not a file`), { code: 'EISDIR' });
  } catch (e) {
    const reason =
      (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : describeFsError(e, path);
    throw new StudioError('IMAGE_DECODE', `Cannot read image ${path}: ${reason}`, { cause: e });
  }
}

/** A decoded image as the codec gave it: interleaved samples, upright, RGB or RGBA. */
export interface LoadedSamples {
  /** width*height*channels samples, 8-bit (meta.bitDepth 8) or 16-bit. */
  samples: Uint8Array | Uint16Array;
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: number;
  meta: ImageMeta;
}

/**
 * loadImage without the float planes: the samples loadImage converts (a third, at 8 bits, of the planes'
 * memory), for a caller that only converts the parts it works on (the CLI's neighbourhood path).
 * `interleavedToPlanar(samples, width, height, channels)` gives exactly loadImage's planes.
 * @throws as loadImage.
 */
export async function loadSamples(path: string, opts: LoadOptions = {}): Promise<LoadedSamples> {
  await checkFile(path);
  return decode(path, path, opts, path);
}

function toPlanar(d: LoadedSamples): LoadedImage {
  const { image, alpha } = interleavedToPlanar(d.samples, d.width, d.height, d.channels);
  return alpha ? { image, alpha, meta: d.meta } : { image, meta: d.meta };
}

/**
 * Same as loadImage for bytes already in memory; `name` is only used in messages (meta.sourcePath stays unset).
 * @throws StudioError IMAGE_DECODE, IMAGE_TOO_LARGE, PARAM_INVALID as loadImage.
 */
export async function loadImageFromBuffer(
  buf: Buffer,
  name: string,
  opts: LoadOptions = {},
): Promise<LoadedImage> {
  return toPlanar(await decode(buf, name, opts, undefined));
}

async function decode(
  input: string | Buffer,
  name: string,
  opts: LoadOptions,
  sourcePath: string | undefined,
): Promise<LoadedSamples> {
  const maxPixels = opts.maxPixels ?? MAX_PIXELS;
  if (!Number.isSafeInteger(maxPixels) || maxPixels <= 0) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected a positive whole number for maxPixels but received ${describeValue(maxPixels)}`,
    );
  }

  let header: Metadata;
  try {
    header = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new StudioError(
      'IMAGE_DECODE',
      `Cannot decode ${name}: it is not a readable image (${reason(e)})`,
      { cause: e },
    );
  }
  if (!LOADABLE_FORMATS.includes(header.format)) {
    throw new StudioError(
      'IMAGE_DECODE',
      `Cannot decode ${name}: ${header.format} images are not supported; use PNG, JPEG, WebP or TIFF`,
    );
  }
  const { width, height } = header;
  if (!(width > 0 && height > 0)) {
    throw new StudioError('IMAGE_DECODE', `Cannot decode ${name}: its header gives no size`);
  }
  if (width * height > maxPixels) {
    throw new StudioError(
      'IMAGE_TOO_LARGE',
      `${name} is ${width}x${height} (${megapixels(width * height)} megapixels), larger than the limit of ` +
        `${megapixels(maxPixels)} megapixels (${maxPixels} pixels)`,
    );
  }

  const is16 = header.depth !== 'uchar' && header.depth !== 'char';
  const pixelsInIcc =
    header.icc !== undefined && isRgbProfile(header.icc) && RGB_SPACES.includes(header.space ?? '');
  const convert = header.icc !== undefined && !pixelsInIcc;
  let pipeline = sharp(input, {
    limitInputPixels: maxPixels,
    autoOrient: true,
    ignoreIcc: !convert,
    failOn: 'error',
  });
  // sharp converts 16-bit RGB to P3, not sRGB; ask for sRGB explicitly (converted at 16 bits).
  if (is16 && convert) pipeline = pipeline.withIccProfile('srgb', { attach: false });
  pipeline = pipeline.toColourspace(is16 ? 'rgb16' : 'srgb').raw({ depth: is16 ? 'ushort' : 'uchar' });

  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await pipeline.toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new StudioError('IMAGE_DECODE', `Cannot decode ${name}: ${reason(e)}`, { cause: e });
  }
  const { data, info } = raw;
  const samples = is16 ? asUint16(data) : new Uint8Array(data.buffer, data.byteOffset, data.length);

  const meta: ImageMeta = {
    format: header.format,
    bitDepth: is16 ? 16 : 8,
    channels: header.channels,
    hasAlpha: header.hasAlpha,
  };
  if (header.exif) meta.exif = header.exif;
  if (header.icc) meta.icc = header.icc;
  if (pixelsInIcc) meta.pixelsInIcc = true;
  if (header.xmp) meta.xmp = header.xmp;
  if (header.iptc) meta.iptc = header.iptc;
  if (header.density && header.density > 0) meta.density = header.density;
  if (sourcePath !== undefined) meta.sourcePath = sourcePath;
  if (header.format === 'jpeg') {
    const quality = jpegQuality(typeof input === 'string' ? await fs.readFile(input) : input);
    if (quality !== null) meta.quality = quality;
  }
  try {
    await prepareDisplay(meta);
  } catch (e) {
    throw new StudioError(
      'IMAGE_DECODE',
      `Cannot decode ${name}: its colour profile is unusable (${reason(e)})`,
      {
        cause: e,
      },
    );
  }
  return { samples, width: info.width, height: info.height, channels: info.channels, meta };
}

function asUint16(data: Buffer): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
  return new Uint16Array(Uint8Array.from(data).buffer);
}

function megapixels(pixels: number): string {
  return (pixels / 1e6).toFixed(1).replace(/\.0$/, '');
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
