/**
 * Fast scans of byte masks (most of a mask is 0: step over zeros four bytes at a time). Pure TypeScript
 * on Uint8Array, no Node types: the engine (app/image/scan.ts re-exports these) and the editor (its
 * painted coverage, where a pixel is in the hole at coverage >= 128, i.e. bit 7) share them.
 *
 * `bits` picks which bytes count: a byte is "set" when (byte & bits) !== 0. 0xff (the default) means
 * non-zero; 0x80 means >= 128.
 */

/** Half-open box [x0, x1) x [y0, y1) in pixels. */
export interface MaskBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A 4-bytes-at-a-time view of `data`, or null when its offset is not 4-aligned. */
export function wordsOf(data: Uint8Array): Uint32Array | null {
  return data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2) : null;
}

/** The same byte pattern in all four bytes of a word, as a signed 32-bit value (for `&`). */
function wordBits(bits: number): number {
  return (bits & 0xff) * 0x01010101;
}

/**
 * The first index in [i, end) where (data & bits) is not 0, or end. words, when not null, views the same
 * bytes as data 4 at a time (from `wordsOf`), to step over runs of unset bytes quickly.
 */
export function nextSet(
  data: Uint8Array,
  words: Uint32Array | null,
  i: number,
  end: number,
  bits = 0xff,
): number {
  if (words) {
    for (; (i & 3) !== 0; i++) {
      if (i >= end) return end;
      if ((data[i] & bits) !== 0) return i;
    }
    const wb = wordBits(bits);
    let k = i >> 2;
    const kEnd = end >> 2;
    while (k < kEnd && (words[k] & wb) === 0) k++;
    i = k << 2;
  }
  while (i < end && (data[i] & bits) === 0) i++;
  return i;
}

/** The last index in [start, end) where (data & bits) is not 0, or -1. */
export function lastSet(
  data: Uint8Array,
  words: Uint32Array | null,
  start: number,
  end: number,
  bits = 0xff,
): number {
  let i = end - 1;
  if (words) {
    for (; ((i + 1) & 3) !== 0 && i >= start; i--) if ((data[i] & bits) !== 0) return i;
    const wb = wordBits(bits);
    let k = ((i + 1) >> 2) - 1;
    const kStart = (start + 3) >> 2;
    while (k >= kStart && (words[k] & wb) === 0) k--;
    i = Math.min(i, (k << 2) + 3);
  }
  while (i >= start && (data[i] & bits) === 0) i--;
  return i >= start ? i : -1;
}

/**
 * The first index in [i, end) where data is not 0, or end. words, when not null, views the same bytes as
 * data 4 at a time (from `wordsOf`), to step over runs of zeros quickly.
 */
export function nextNonZero(data: Uint8Array, words: Uint32Array | null, i: number, end: number): number {
  return nextSet(data, words, i, end, 0xff);
}

/**
 * Bounding box (half-open: x1, y1 exclusive) of the bytes of a width x height plane where (byte & bits)
 * is not 0 (default: the non-zero bytes), or null when there are none.
 */
export function setBox(data: Uint8Array, width: number, height: number, bits = 0xff): MaskBox | null {
  const words = wordsOf(data);
  let x0 = width;
  let x1 = -1;
  let y0 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const end = row + width;
    const first = nextSet(data, words, row, end, bits);
    if (first === end) continue;
    if (y0 < 0) y0 = y;
    y1 = y;
    if (first - row < x0) x0 = first - row;
    // Only a set byte right of the current x1 can widen the box: scan back from the row's end to there.
    const last = lastSet(data, words, Math.max(first, row + x1 + 1), end, bits);
    if (last - row > x1) x1 = last - row;
  }
  return y0 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** Bounding box (half-open: x1, y1 exclusive) of the bytes of a width x height plane that are not 0, or null. */
export function nonZeroBox(data: Uint8Array, width: number, height: number): MaskBox | null {
  return setBox(data, width, height, 0xff);
}

/** Sum of the bytes, skipping zero words. */
export function byteSum(data: Uint8Array): number {
  const words = wordsOf(data);
  let n = 0;
  let i = 0;
  if (words) {
    for (let w = 0; w < words.length; w++) {
      const v = words[w];
      if (v !== 0) n += (v & 0xff) + ((v >>> 8) & 0xff) + ((v >>> 16) & 0xff) + (v >>> 24);
    }
    i = words.length << 2;
  }
  for (; i < data.length; i++) n += data[i];
  return n;
}
