/**
 * The mask the user paints: one byte of coverage per pixel (0 = keep, 255 = fill; soft brush edges in
 * between). The engine receives it thresholded at half coverage. Changes are tracked as one dirty box
 * that the canvas adapter takes and redraws, so painting redraws only what changed.
 */
import { clampBox, unionBox, type Box } from './box';

export const FULL = 255;
/** Coverage at or above this is part of the hole sent to the engine. */
export const THRESHOLD = 128;

export class MaskBuffer {
  readonly data: Uint8Array;
  private dirty: Box | null = null;

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
    this.dirty = unionBox(this.dirty, clampBox(box, this.width, this.height));
  }

  /** The box changed since the last call, or null; resets it. */
  takeDirty(): Box | null {
    const d = this.dirty;
    this.dirty = null;
    return d;
  }

  /** The hole for the engine: 1 where coverage >= THRESHOLD, else 0 (a fresh buffer). */
  binary(): Uint8Array {
    const out = new Uint8Array(this.data.length);
    const d = this.data;
    for (let i = 0; i < d.length; i++) out[i] = d[i] >= THRESHOLD ? 1 : 0;
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
   * Bounding box of the hole, or null when it is empty. Most of a mask is 0: the scan steps over
   * 4-byte words with no byte at or above THRESHOLD (bit 7 clear in all four) at once.
   */
  bounds(): Box | null {
    const { width: w, height: h, data: d } = this;
    const words = d.byteOffset % 4 === 0 ? new Uint32Array(d.buffer, d.byteOffset, d.length >> 2) : null;
    let x0 = w,
      y0 = h,
      x1 = -1,
      y1 = -1;
    for (let y = 0; y < h; y++) {
      const row = y * w;
      const end = row + w;
      const first = nextHole(d, words, row, end);
      if (first === end) continue;
      if (y0 === h) y0 = y;
      y1 = y;
      if (first - row < x0) x0 = first - row;
      const last = lastHole(d, words, Math.max(first, row + x1 + 1), end);
      if (last >= 0 && last - row > x1) x1 = last - row;
      if (first - row > x1) x1 = first - row;
    }
    return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
  }
}

/** Bit 7 of each byte of a word: set exactly where coverage >= THRESHOLD (128). */
const HOLE_BITS = 0x80808080;

/** The first index in [i, end) with coverage >= THRESHOLD, or end. */
function nextHole(d: Uint8Array, words: Uint32Array | null, i: number, end: number): number {
  if (words) {
    for (; (i & 3) !== 0 && i < end; i++) if (d[i] >= THRESHOLD) return i;
    let k = i >> 2;
    const kEnd = end >> 2;
    while (k < kEnd && (words[k] & HOLE_BITS) === 0) k++;
    i = Math.max(i, k << 2);
  }
  while (i < end && d[i] < THRESHOLD) i++;
  return i;
}

/** The last index in [start, end) with coverage >= THRESHOLD, or -1. */
function lastHole(d: Uint8Array, words: Uint32Array | null, start: number, end: number): number {
  let i = end - 1;
  if (words) {
    for (; ((i + 1) & 3) !== 0 && i >= start; i--) if (d[i] >= THRESHOLD) return i;
    let k = ((i + 1) >> 2) - 1;
    const kStart = (start + 3) >> 2;
    while (k >= kStart && (words[k] & HOLE_BITS) === 0) k--;
    i = Math.min(i, (k << 2) + 3);
  }
  while (i >= start && d[i] < THRESHOLD) i--;
  return i >= start ? i : -1;
}
