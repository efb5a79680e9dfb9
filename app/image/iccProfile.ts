/**
 * ICC helpers. Colour conversion itself is done by sharp (LittleCMS); this file only answers
 * "is this profile sRGB?" and supplies sRGB profile bytes to embed on export.
 *
 * Why the sRGB test exists: sharp converts 16-bit RGB sources through Display P3 ("p3" is its processing
 * profile for RGB16) and its built-in profiles round-trip sRGB through P3 with errors of ~0.5 %, so a
 * 16-bit file tagged sRGB would come back altered. A profile that already is sRGB needs no conversion;
 * skipping it keeps such files bit-exact at any depth.
 */
import sharp from 'sharp';

/** D50-adapted sRGB colorants (rXYZ, gXYZ, bXYZ) as every matrix/TRC sRGB profile stores them. */
const SRGB_COLORANTS: Record<string, readonly [number, number, number]> = {
  rXYZ: [0.4361, 0.2225, 0.0139],
  gXYZ: [0.3851, 0.7169, 0.0971],
  bXYZ: [0.1431, 0.0606, 0.7141],
};
const COLORANT_TOLERANCE = 0.004;

interface IccTag {
  offset: number;
  size: number;
}

function readTags(icc: Buffer): Map<string, IccTag> | null {
  if (icc.length < 132) return null;
  const count = icc.readUInt32BE(128);
  if (count > 1000 || 132 + count * 12 > icc.length) return null;
  const tags = new Map<string, IccTag>();
  for (let i = 0; i < count; i++) {
    const o = 132 + i * 12;
    const offset = icc.readUInt32BE(o + 4);
    const size = icc.readUInt32BE(o + 8);
    if (offset + size > icc.length || size < 8) return null;
    tags.set(icc.toString('latin1', o, o + 4), { offset, size });
  }
  return tags;
}

/** The profile's description ('desc' tag, v2 textDescriptionType or v4 multiLocalizedUnicode), or ''. */
export function iccDescription(icc: Buffer): string {
  const tag = readTags(icc)?.get('desc');
  if (!tag) return '';
  const { offset, size } = tag;
  const type = icc.toString('latin1', offset, offset + 4);
  try {
    if (type === 'desc') {
      const len = icc.readUInt32BE(offset + 8);
      return icc
        .toString('latin1', offset + 12, Math.min(offset + 12 + len, offset + size))
        .replace(/\0+$/, '');
    }
    if (type === 'mluc') {
      const records = icc.readUInt32BE(offset + 8);
      if (records < 1) return '';
      const len = icc.readUInt32BE(offset + 20);
      const start = offset + icc.readUInt32BE(offset + 24);
      const bytes = Buffer.from(icc.subarray(start, Math.min(start + len, offset + size)));
      return bytes.swap16().toString('utf16le').replace(/\0+$/, '');
    }
  } catch {
    return '';
  }
  return '';
}

/**
 * True when an ICC profile describes sRGB: an RGB profile whose description names sRGB (and not a linear
 * variant) and whose colorants, when it has them, match sRGB's within 0.004. Conservative: a profile that
 * fails any check is converted by sharp as usual. Never throws; a malformed profile is "not sRGB".
 */
export function isSrgbProfile(icc: Buffer): boolean {
  if (icc.length < 132 || icc.toString('latin1', 16, 20) !== 'RGB ') return false;
  const desc = iccDescription(icc);
  if (!/srgb/i.test(desc) || /linear/i.test(desc)) return false;
  const tags = readTags(icc);
  if (!tags) return false;
  for (const [sig, expected] of Object.entries(SRGB_COLORANTS)) {
    const tag = tags.get(sig);
    if (!tag) continue;
    if (icc.toString('latin1', tag.offset, tag.offset + 4) !== 'XYZ ' || tag.size < 20) return false;
    for (let k = 0; k < 3; k++) {
      const v = icc.readInt32BE(tag.offset + 8 + 4 * k) / 65536;
      if (Math.abs(v - expected[k]) > COLORANT_TOLERANCE) return false;
    }
  }
  return true;
}

/** True when `icc` is an ICC profile of the RGB colour space (its header's data colour space). */
export function isRgbProfile(icc: Buffer): boolean {
  return (
    icc.length >= 132 &&
    icc.toString('latin1', 36, 40) === 'acsp' &&
    icc.toString('latin1', 16, 20) === 'RGB '
  );
}

let srgbBytes: Promise<Buffer> | undefined;

/** The bytes of sharp's built-in sRGB profile (what `withIccProfile('srgb')` embeds), cached. */
export function srgbProfile(): Promise<Buffer> {
  srgbBytes ??= (async () => {
    const probe = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000000' } })
      .withIccProfile('srgb')
      .png()
      .toBuffer();
    const { icc } = await sharp(probe).metadata();
    if (!icc) throw new Error('sharp did not embed its sRGB profile');
    return icc;
  })();
  srgbBytes.catch(() => {
    srgbBytes = undefined;
  });
  return srgbBytes;
}
