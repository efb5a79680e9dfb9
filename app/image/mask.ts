/**
 * Masks from files and arrays, and mask export. 1 = hole (to be filled), 0 = known.
 *
 * The file rule (one rule for every format, applied after EXIF orientation):
 * - If the file has an alpha channel and some pixel is less than half opaque (alpha < 0.5), the file is a
 *   painted layer: a pixel is a hole when its alpha > 0.5, whatever its colour (red, black or white
 *   strokes on a transparent background all work).
 * - Otherwise (no alpha, or alpha that is opaque everywhere) the file is a black-and-white mask: a pixel is
 *   a hole when its luminance 0.2126 R + 0.7152 G + 0.0722 B (on the file's sRGB-encoded values, 0..1) is
 *   above 0.5. White = hole, black = known; grey 128/255 is a hole, 127/255 is not.
 */
import fs from 'node:fs/promises';
import sharp, { type OutputInfo } from 'sharp';
import { StudioError } from '../common/errors';
import { writeFileAtomic } from './atomicWrite';
import { LOADABLE_FORMATS } from './load';
import type { Mask } from './types';
import { assertSameSize, createMask } from './types';

/**
 * Loads a mask file (any format loadImage reads) by the rule in the file comment.
 * The size is checked from the header, before decoding.
 * @throws StudioError MASK_DECODE naming the path when it is missing or not a decodable image;
 *   MASK_SIZE naming the path and both sizes when its upright size differs from `expected`.
 */
export async function loadMask(path: string, expected: { width: number; height: number }): Promise<Mask> {
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) throw new Error('it is not a file');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : reason(e);
    throw new StudioError('MASK_DECODE', `Cannot read mask ${path}: ${why}`, { cause: e });
  }

  let size: { width: number; height: number };
  try {
    const header = await sharp(path, { limitInputPixels: false }).metadata();
    if (!LOADABLE_FORMATS.includes(header.format))
      throw new Error(`${header.format} images are not supported`);
    size = header.autoOrient;
  } catch (e) {
    throw new StudioError(
      'MASK_DECODE',
      `Cannot decode mask ${path}: it is not a readable image (${reason(e)})`,
      { cause: e },
    );
  }
  try {
    assertSameSize(expected, size);
  } catch (e) {
    throw new StudioError('MASK_SIZE', `Mask ${path}: ${(e as Error).message}`, { cause: e });
  }

  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await sharp(path, {
      autoOrient: true,
      ignoreIcc: true,
      limitInputPixels: size.width * size.height,
      failOn: 'error',
    })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new StudioError('MASK_DECODE', `Cannot decode mask ${path}: ${reason(e)}`, { cause: e });
  }
  const { data, info } = raw;
  return maskFromSamples(data, info.width, info.height, info.channels);
}

/** Applies the file rule to interleaved 8-bit samples of 3 (RGB) or 4 (RGBA) channels. */
function maskFromSamples(data: Uint8Array, width: number, height: number, channels: number): Mask {
  const n = width * height;
  const out = new Uint8Array(n);
  let usesAlpha = false;
  if (channels === 4) {
    for (let i = 0; i < n; i++) {
      if (data[i * 4 + 3] < 128) {
        usesAlpha = true;
        break;
      }
    }
  }
  if (usesAlpha) {
    for (let i = 0; i < n; i++) out[i] = data[i * 4 + 3] > 127.5 ? 1 : 0;
  } else {
    // Luminance > 0.5 on 0..255 samples: 0.2126 R + 0.7152 G + 0.0722 B > 127.5.
    for (let i = 0, s = 0; i < n; i++, s += channels) {
      out[i] = 0.2126 * data[s] + 0.7152 * data[s + 1] + 0.0722 * data[s + 2] > 127.5 ? 1 : 0;
    }
  }
  return createMask(width, height, out);
}

/**
 * Builds a binary mask from per-pixel values in row order: a pixel is a hole when its value > threshold.
 * The scale depends on the array type, not on the values: a Uint8Array or Uint8ClampedArray holds 0..255
 * (compared with threshold * 255); anything else (Float32Array, number[], ...) holds 0..1. NaN is known.
 * Note: a Uint8Array of 0/1 values (Mask.data's own form) is therefore all-known; wrap such data with
 * createMask instead.
 * @param threshold 0..1, default 0.5
 * @throws StudioError MASK_SIZE when data.length is not width*height; PARAM_INVALID when threshold is
 *   outside 0..1; INTERNAL for a non-positive or fractional size.
 */
export function maskFromArray(data: ArrayLike<number>, width: number, height: number, threshold = 0.5): Mask {
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected a number between 0 and 1 for threshold but received ${threshold}`,
    );
  }
  const mask = createMask(width, height);
  if (data.length !== width * height) {
    throw new StudioError(
      'MASK_SIZE',
      `The mask data has ${data.length} values but a ${width}x${height} mask needs ${width * height}`,
    );
  }
  const cut = data instanceof Uint8Array || data instanceof Uint8ClampedArray ? threshold * 255 : threshold;
  const out = mask.data;
  for (let i = 0; i < out.length; i++) out[i] = data[i] > cut ? 1 : 0;
  return mask;
}

/**
 * Writes a mask as an 8-bit grey PNG (255 = hole, 0 = known), atomically (see atomicWrite.ts).
 * loadMask reads it back identically.
 * @throws StudioError IMAGE_WRITE naming the path.
 */
export async function saveMask(path: string, mask: Mask): Promise<void> {
  const n = mask.width * mask.height;
  const grey = new Uint8Array(n);
  for (let i = 0; i < n; i++) grey[i] = mask.data[i] ? 255 : 0;
  let png: Buffer;
  try {
    png = await sharp(grey, { raw: { width: mask.width, height: mask.height, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
  } catch (e) {
    throw new StudioError('IMAGE_WRITE', `Cannot write ${path}: ${reason(e)}`, { cause: e });
  }
  await writeFileAtomic(path, png);
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
