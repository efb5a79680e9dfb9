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
