/**
 * The quality a JPEG was saved at, read from its luminance quantisation table (the DQT segment): the
 * IJG quality (1..100, as libjpeg, libjpeg-turbo, sharp, Photoshop's "Save for Web" and most cameras'
 * encoders scale the standard table) whose table is nearest. Export uses it as the default quality, so
 * a JPEG comes back out at about the quality it came in.
 */

/** The standard (Annex K) luminance table, in natural (row-major) order. */
const STD_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/** Zigzag position → natural index (a DQT lists its 64 values in zigzag order). */
const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7,
  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46,
  53, 60, 61, 54, 47, 55, 62, 63,
];

/** The IJG table for a quality (1..100), natural order, baseline (1..255). */
export function ijgLumaTable(quality: number): number[] {
  const q = Math.max(1, Math.min(100, Math.round(quality)));
  const scale = q < 50 ? 5000 / q : 200 - 2 * q;
  return STD_LUMA.map((v) => Math.max(1, Math.min(255, Math.floor((v * scale + 50) / 100))));
}

/** The first luminance (id 0) quantisation table of a JPEG, natural order; null when there is none. */
export function readLumaTable(bytes: Uint8Array): number[] | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    // Start of scan or end of image: the tables come before.
    if (marker === 0xda || marker === 0xd9) return null;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const len = (bytes[i + 2] << 8) | bytes[i + 3];
    const end = i + 2 + len;
    if (len < 2 || end > bytes.length) return null;
    if (marker === 0xdb) {
      let j = i + 4;
      while (j < end) {
        const precision = bytes[j] >> 4,
          id = bytes[j] & 15;
        const size = precision ? 128 : 64;
        if (j + 1 + size > end) return null;
        if (id === 0) {
          const table = new Array<number>(64);
          for (let k = 0; k < 64; k++)
            table[ZIGZAG[k]] = precision
              ? (bytes[j + 1 + 2 * k] << 8) | bytes[j + 2 + 2 * k]
              : bytes[j + 1 + k];
          return table;
        }
        j += 1 + size;
      }
    }
    i = end;
  }
  return null;
}

/**
 * The IJG quality (1..100) of a JPEG's bytes, or null when it has no luminance table or its table is not
 * a scaled standard one (a mean difference over one step per coefficient from the nearest).
 */
export function jpegQuality(bytes: Uint8Array): number | null {
  const table = readLumaTable(bytes);
  if (!table) return null;
  let best = 0,
    bestDiff = Infinity;
  for (let q = 1; q <= 100; q++) {
    const t = ijgLumaTable(q);
    let d = 0;
    for (let k = 0; k < 64; k++) d += Math.abs(t[k] - table[k]);
    if (d < bestDiff) {
      bestDiff = d;
      best = q;
    }
  }
  return bestDiff / 64 <= 1 ? best : null;
}
