/**
 * The engine's pixel types. Pixels are planar Float32Array planes (channel-major, like ONNX's NCHW),
 * gamma-encoded RGB values in 0..1: sRGB, or the source's own RGB colour space when `ImageMeta.pixelsInIcc`
 * says so. A mask has the image's size; 1 = hole (to be filled), 0 = known.
 */
import { StudioError } from '../common/errors';
import { byteSum } from './scan';

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** 3 planes of width*height: R then G then B, 0..1 (sRGB or the source's RGB space, see ImageMeta). */
  readonly data: Float32Array;
}

export interface Mask {
  readonly width: number;
  readonly height: number;
  /** width*height, 1 = hole, 0 = known. Always binary (0 or 1). */
  readonly data: Uint8Array;
}

/** What the loader learned about the file, kept so export can preserve it. */
export interface ImageMeta {
  /** sharp's format id: 'png' | 'jpeg' | 'webp' | 'tiff' | ... */
  format: string;
  /** 8 or 16 bits per sample in the source. */
  bitDepth: 8 | 16;
  /** Channels in the source (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA). */
  channels: number;
  hasAlpha: boolean;
  /** Raw EXIF block (orientation already applied to the pixels), if the file had one. */
  exif?: Buffer;
  /** The source's ICC profile, if any. */
  icc?: Buffer;
  /**
   * True when the pixel values are the file's own, in the colour space of `icc` (an RGB profile: sRGB,
   * Display P3, Adobe RGB...), as Photoshop keeps them; export tags them with `icc` again or converts them
   * to sRGB on request. False or absent: the values are sRGB (an untagged file, or one whose CMYK, grey or
   * Lab profile was converted to sRGB on load).
   */
  pixelsInIcc?: boolean;
  /** Raw XMP packet, if the file had one. */
  xmp?: Buffer;
  /** Raw IPTC block as sharp reads it (JPEG: Photoshop APP13 resources; TIFF: the IPTC tag), if any. */
  iptc?: Buffer;
  /** Resolution in pixels per inch, when the file states one. */
  density?: number;
  /** Path the image was loaded from, if any. */
  sourcePath?: string;
  /** JPEG: the quality (1..100) it was saved at, read from its quantisation table, when that is standard. */
  quality?: number;
}

/** A decoded image: colour planes, optional alpha plane (0..1) and metadata. */
export interface LoadedImage {
  image: RgbImage;
  alpha?: Float32Array;
  meta: ImageMeta;
}

export function createImage(width: number, height: number, data?: Float32Array): RgbImage {
  assertSize(width, height);
  const n = width * height * 3;
  if (data && data.length !== n) {
    throw new StudioError(
      'INTERNAL',
      `Image data has ${data.length} values; ${width}x${height} RGB needs ${n}`,
    );
  }
  return { width, height, data: data ?? new Float32Array(n) };
}

export function createMask(width: number, height: number, data?: Uint8Array): Mask {
  assertSize(width, height);
  const n = width * height;
  if (data && data.length !== n) {
    throw new StudioError('INTERNAL', `Mask data has ${data.length} values; ${width}x${height} needs ${n}`);
  }
  return { width, height, data: data ?? new Uint8Array(n) };
}

export function cloneImage(img: RgbImage): RgbImage {
  return { width: img.width, height: img.height, data: img.data.slice() };
}

/** @throws StudioError MASK_SIZE naming both sizes when they differ. */
export function assertSameSize(
  image: { width: number; height: number },
  mask: { width: number; height: number },
): void {
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new StudioError(
      'MASK_SIZE',
      `The mask is ${mask.width}x${mask.height} but the image is ${image.width}x${image.height}; they must be the same size`,
    );
  }
}

/** Number of hole pixels. */
export function maskArea(mask: Mask): number {
  return byteSum(mask.data);
}

function assertSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new StudioError('INTERNAL', `Invalid image size ${width}x${height}`);
  }
}
