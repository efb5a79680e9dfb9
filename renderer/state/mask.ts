/**
 * The mask the user paints: one byte of coverage per pixel (0 = keep, 255 = fill; soft brush edges in
 * between). The engine receives it thresholded at half coverage. Changes are tracked as one dirty box
 * that the canvas adapter takes and redraws, so painting redraws only what changed.
 */
import { setBox } from '../../app/common/maskScan';
import { clampBox, unionBox, type Box } from './box';

export const FULL = 255;
/** Coverage at or above this is part of the hole sent to the engine. */
export const THRESHOLD = 128;
/** Coverage >= THRESHOLD is exactly bit 7 of the byte (the shared scans test bits). */
const HOLE_BIT = 0x80;

export class MaskBuffer {
  readonly data: Uint8Array;
  private dirty: Box | null = null;
  /** Bumped by every markDirty (a cheap "did it change since" for caches of a scan). */
  changes = 0;

  /** @param width, height: 1..65535 each. */
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!(width >= 1 && height >= 1 && width <= 65535 && height <= 65535))
      throw new RangeError(`Mask size ${width}x${height} is out of range`);
    this.data = new Uint8Array(width * height);
  }

  get full(): Box {
    return { x0: 0, y0: 0, x1: this.width, y1: this.height };
  }

  /** Records that pixels in the box changed (clamped to the mask). */
  markDirty(box: Box): void {
    this.changes++;
    this.dirty = unionBox(this.dirty, clampBox(box, this.width, this.height));
  }

  /** The box changed since the last call, or null; resets it. */
  takeDirty(): Box | null {
    const d = this.dirty;
    this.dirty = null;
    return d;
  }

  /**
   * The hole for the engine: 1 where coverage >= THRESHOLD, else 0 (a fresh buffer). Four bytes at a
   * time (bit 7 of each byte moved to its bit 0): it runs on the page as Run is pressed, 8 M bytes for an
   * 8 MP photo.
   */
  binary(): Uint8Array {
    const d = this.data;
    const out = new Uint8Array(d.length);
    const words = d.byteOffset % 4 === 0 ? d.length >> 2 : 0;
    const src = new Uint32Array(d.buffer, d.byteOffset, words);
    const dst = new Uint32Array(out.buffer, 0, words);
    for (let i = 0; i < words; i++) dst[i] = (src[i] >>> 7) & 0x01010101;
    for (let i = words * 4; i < d.length; i++) out[i] = d[i] >= THRESHOLD ? 1 : 0;
    return out;
  }

  /** Number of pixels in the hole. */
  area(): number {
    let n = 0;
    const d = this.data;
    for (let i = 0; i < d.length; i++) if (d[i] >= THRESHOLD) n++;
    return n;
  }

  /**
   * Bounding box of the hole, or null when it is empty. Most of a mask is 0: the shared scan
   * (app/common/maskScan.ts) steps over 4-byte words with no byte at or above THRESHOLD (bit 7 clear in
   * all four) at once.
   */
  bounds(): Box | null {
    return setBox(this.data, this.width, this.height, HOLE_BIT);
  }
}
