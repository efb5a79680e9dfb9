/** Fast scans of byte masks (most of a mask is 0: step over zeros four bytes at a time). */

/** A 4-bytes-at-a-time view of `data`, or null when its offset is not 4-aligned. */
export function wordsOf(data: Uint8Array): Uint32Array | null {
  return data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2) : null;
}

/**
 * The first index in [i, end) where data is not 0, or end. words, when not null, views the same bytes as
 * data 4 at a time (from `wordsOf`), to step over runs of zeros quickly.
 */
export function nextNonZero(data: Uint8Array, words: Uint32Array | null, i: number, end: number): number {
  if (words) {
    for (; (i & 3) !== 0; i++) {
      if (i >= end) return end;
      if (data[i] !== 0) return i;
    }
    let k = i >> 2;
    const kEnd = end >> 2;
    while (k < kEnd && words[k] === 0) k++;
    i = k << 2;
  }
  while (i < end && data[i] === 0) i++;
  return i;
}

/** Bounding box (half-open: x1, y1 exclusive) of the bytes of a width x height plane that are not 0, or null. */
export function nonZeroBox(
  data: Uint8Array,
  width: number,
  height: number,
): { x0: number; y0: number; x1: number; y1: number } | null {
  const words = wordsOf(data);
  let x0 = width;
  let x1 = -1;
  let y0 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const end = row + width;
    const i = nextNonZero(data, words, row, end);
    if (i === end) continue;
    if (y0 < 0) y0 = y;
    y1 = y;
    if (i - row < x0) x0 = i - row;
    // The last one right of x1, if any.
    const from = i - row > x1 ? i : row + x1 + 1;
    for (let j = nextNonZero(data, words, from, end); j < end;) {
      x1 = j - row;
      j = nextNonZero(data, words, j + 1, end);
    }
  }
  return y0 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
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
