import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedPngMetadata } from './embedMetadata';
import { srgbProfile } from './iccProfile';
import { IPTC_CAPTION, buildIim, buildPhotoshopIrb, jpegWithBlocks } from '../testing/metadata';
import { MAX_PIXELS, loadImage, loadImageFromBuffer } from './load';
import { errorOf } from '../testing/errors';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'inpaint-load-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const W = 5;
const H = 3;
/** Distinct 16-bit values, none a multiple of 257, so 8-bit quantisation would show. */
function samples16(channels: number): Uint16Array {
  const out = new Uint16Array(W * H * channels);
  for (let i = 0; i < out.length; i++) out[i] = ((i * 2971 + 1001) % 65536) | 1;
  return out;
}
function samples8(channels: number): Uint8Array {
  const out = new Uint8Array(W * H * channels);
  for (let i = 0; i < out.length; i++) out[i] = (i * 37 + 11) % 256;
  return out;
}
type Ch = 1 | 2 | 3 | 4;
function encoder(data: Uint8Array | Uint16Array, channels: Ch) {
  const is16 = data instanceof Uint16Array;
  const space = channels <= 2 ? (is16 ? 'grey16' : 'b-w') : is16 ? 'rgb16' : 'srgb';
  return sharp(data, { raw: { width: W, height: H, channels } }).toColourspace(space);
}

describe('loadImage: lossless formats, every layout', () => {
  const cases: { name: string; channels: Ch; bits: 8 | 16; fmt: 'png' | 'tiff' }[] = [];
  for (const bits of [8, 16] as const) {
    for (const channels of [1, 2, 3, 4] as const)
      cases.push({ name: `png ${bits}-bit ${channels}ch`, channels, bits, fmt: 'png' });
  }
  cases.push({ name: 'tiff 16-bit RGB', channels: 3, bits: 16, fmt: 'tiff' });
  cases.push({ name: 'tiff 16-bit RGBA', channels: 4, bits: 16, fmt: 'tiff' });

  it.each(cases)(
    '$name loads exactly, grey expanded and alpha split off',
    async ({ channels, bits, fmt }) => {
      const src = bits === 16 ? samples16(channels) : samples8(channels);
      const enc = encoder(src, channels);
      const buf = await (fmt === 'png' ? enc.png() : enc.tiff({ compression: 'deflate' })).toBuffer();
      const file = path.join(dir, `case-${bits}-${channels}.${fmt}`);
      await fs.writeFile(file, buf);
      const { image, alpha, meta } = await loadImage(file);

      expect(meta).toMatchObject({
        format: fmt,
        bitDepth: bits,
        channels,
        hasAlpha: channels % 2 === 0,
        sourcePath: file,
      });
      expect([image.width, image.height]).toEqual([W, H]);
      const max = bits === 16 ? 65535 : 255;
      const n = W * H;
      const colour = channels % 2 === 0 ? channels - 1 : channels;
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < 3; c++) {
          const expected = src[i * channels + (colour === 1 ? 0 : c)];
          expect(Math.round(image.data[c * n + i] * max)).toBe(expected);
        }
        if (channels % 2 === 0) expect(Math.round(alpha![i] * max)).toBe(src[i * channels + channels - 1]);
      }
      if (channels % 2 === 1) expect(alpha).toBeUndefined();
    },
  );
});

describe('loadImage: lossy formats', () => {
  it('reads JPEG and WebP close to what was written, at 8 bits', async () => {
    const flat = new Uint8Array(W * H * 3).fill(0);
    for (let i = 0; i < W * H; i++) flat.set([200, 100, 50], i * 3);
    for (const fmt of ['jpeg', 'webp'] as const) {
      const buf = await sharp(flat, { raw: { width: W, height: H, channels: 3 } })
        .toFormat(fmt, { quality: 95 })
        .toBuffer();
      const { image, meta } = await loadImageFromBuffer(buf, `x.${fmt}`);
      expect(meta.format).toBe(fmt);
      expect(meta.bitDepth).toBe(8);
      expect(meta.sourcePath).toBeUndefined();
      expect(Math.abs(image.data[0] - 200 / 255)).toBeLessThan(4 / 255);
      expect(Math.abs(image.data[W * H] - 100 / 255)).toBeLessThan(4 / 255);
      expect(Math.abs(image.data[2 * W * H] - 50 / 255)).toBeLessThan(4 / 255);
    }
  });
});

describe('loadImage: EXIF orientation', () => {
  it('applies orientation 6 (rotate 90° clockwise) and keeps the raw EXIF block', async () => {
    // 3x2, top-left red, everything else grey.
    const px = new Uint8Array(3 * 2 * 3).fill(90);
    px.set([255, 0, 0], 0);
    const buf = await sharp(px, { raw: { width: 3, height: 2, channels: 3 } })
      .withExif({ IFD0: { Make: 'TestCam' } })
      .withMetadata({ orientation: 6 })
      .png()
      .toBuffer();
    const { image, meta } = await loadImageFromBuffer(buf, 'o6.png');
    expect([image.width, image.height]).toEqual([2, 3]);
    const n = 6;
    const at = (x: number, y: number) =>
      [0, 1, 2].map((c) => Math.round(image.data[c * n + y * 2 + x] * 255));
    expect(at(1, 0)).toEqual([255, 0, 0]); // the old top-left corner is now top-right
    expect(at(0, 0)).toEqual([90, 90, 90]);
    expect(meta.exif).toBeDefined();
    expect(meta.exif!.includes(Buffer.from('TestCam'))).toBe(true);
  });
});

describe('loadImage: colour profiles', () => {
  it("keeps an 8-bit Display P3 image's own values and its profile", async () => {
    const original = new Uint8Array([255, 0, 0, 40, 180, 90, 200, 200, 200]);
    // sharp converts the sRGB values to P3 and tags the file P3.
    const buf = await sharp(original, { raw: { width: 3, height: 1, channels: 3 } })
      .withIccProfile('p3')
      .png()
      .toBuffer();
    const stored = await sharp(buf, { ignoreIcc: true }).raw().toBuffer();
    const { image, meta } = await loadImageFromBuffer(buf, 'p3.png');
    expect(meta.icc!.equals((await sharp(buf).metadata()).icc!)).toBe(true);
    expect(meta.pixelsInIcc).toBe(true);
    const loaded = [0, 1, 2].flatMap((i) => [0, 1, 2].map((c) => Math.round(image.data[c * 3 + i] * 255)));
    // The stored red is desaturated P3 red (~234, 51, 34): it is what is loaded, not sRGB red.
    expect(Math.abs(stored[0] - 255)).toBeGreaterThan(10);
    expect(loaded).toEqual([...stored]);
  });

  it("keeps a 16-bit Display P3 image's values bit-exact", async () => {
    const p3 = [
      [0.6, 0.5, 0.4],
      [0.3, 0.6, 0.5],
      [0.2, 0.3, 0.7],
      [0.8, 0.8, 0.8],
    ];
    const px = new Uint16Array(p3.flat().map((v) => Math.round(v * 65535)));
    // Raw 16-bit input is already treated as P3 by sharp, so this tags the values P3 unchanged.
    const buf = await sharp(px, { raw: { width: 4, height: 1, channels: 3 } })
      .toColourspace('rgb16')
      .withIccProfile('p3')
      .png()
      .toBuffer();
    const { image, meta } = await loadImageFromBuffer(buf, 'p3-16.png');
    expect(meta.bitDepth).toBe(16);
    expect(meta.pixelsInIcc).toBe(true);
    for (let i = 0; i < 4; i++) {
      for (let c = 0; c < 3; c++) expect(Math.round(image.data[c * 4 + i] * 65535)).toBe(px[i * 3 + c]);
    }
  });

  it('converts a CMYK JPEG to sRGB (its profile is not one its values can keep)', async () => {
    const rgb = new Uint8Array([200, 60, 40, 40, 160, 90, 90, 90, 200]);
    const buf = await sharp(rgb, { raw: { width: 3, height: 1, channels: 3 } })
      .withIccProfile('cmyk')
      .jpeg({ quality: 100 })
      .toBuffer();
    expect((await sharp(buf).metadata()).space).toBe('cmyk');
    const { image, meta } = await loadImageFromBuffer(buf, 'cmyk.jpg');
    expect(meta.icc).toBeDefined();
    expect(meta.pixelsInIcc).toBeUndefined();
    const loaded = [0, 1, 2].flatMap((i) => [0, 1, 2].map((c) => Math.round(image.data[c * 3 + i] * 255)));
    // As sharp converts it to sRGB, and far from the raw CMYK samples.
    const reference = await sharp(buf).toColourspace('srgb').raw().toBuffer();
    for (let k = 0; k < 9; k++) expect(Math.abs(loaded[k] - reference[k])).toBeLessThanOrEqual(1);
  });

  it('reads XMP, IPTC and density for export', async () => {
    const jpeg = await sharp(new Uint8Array(12).fill(100), { raw: { width: 2, height: 2, channels: 3 } })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><!-- loaded --></x:xmpmeta>')
      .withDensity(240)
      .jpeg()
      .toBuffer();
    const irb = buildPhotoshopIrb([{ id: 0x0404, data: buildIim() }]);
    const { meta } = await loadImageFromBuffer(jpegWithBlocks(jpeg, { irb }), 'meta.jpg');
    expect(meta.xmp!.toString()).toContain('<!-- loaded -->');
    expect(meta.iptc!.includes(Buffer.from(IPTC_CAPTION))).toBe(true);
    expect(meta.density).toBe(240);
  });

  it('loads a 16-bit sRGB-tagged image bit-exact (no round trip through another profile)', async () => {
    const src = samples16(3);
    const untagged = await encoder(src, 3).png().toBuffer();
    const tagged = embedPngMetadata(untagged, { icc: await srgbProfile() });
    expect((await sharp(tagged).metadata()).hasProfile).toBe(true);
    const { image } = await loadImageFromBuffer(tagged, 'srgb16.png');
    const n = W * H;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) expect(Math.round(image.data[c * n + i] * 65535)).toBe(src[i * 3 + c]);
    }
  });
});

describe('loadImage: refusals', () => {
  /** A PNG whose header claims width x height but whose pixel data is a few bytes of nothing. */
  function pngHeaderOnly(width: number, height: number): Buffer {
    const chunk = (type: string, data: Buffer) => {
      const b = Buffer.alloc(12 + data.length);
      b.writeUInt32BE(data.length, 0);
      b.write(type, 4, 'latin1');
      data.copy(b, 8);
      b.writeUInt32BE(zlib.crc32(b.subarray(4, 8 + data.length)), 8 + data.length);
      return b;
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', zlib.deflateSync(Buffer.alloc(16))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }

  it('refuses an image over 100 MP from its header alone, naming its size and the limit', async () => {
    const file = path.join(dir, 'huge.png');
    await fs.writeFile(file, pngHeaderOnly(12000, 9000));
    const e = await errorOf(loadImage(file));
    expect(e.code).toBe('IMAGE_TOO_LARGE');
    expect(e.message).toContain('huge.png');
    expect(e.message).toContain('12000x9000');
    expect(e.message).toContain(String(MAX_PIXELS));
    // The same bytes with a higher limit fail to *decode*: so the refusal above came before decoding.
    const e2 = await errorOf(loadImage(file, { maxPixels: 200_000_000 }));
    expect(e2.code).toBe('IMAGE_DECODE');
  });

  it('honours a smaller maxPixels', async () => {
    const buf = await encoder(samples8(3), 3).png().toBuffer();
    expect((await errorOf(loadImageFromBuffer(buf, 'small.png', { maxPixels: W * H - 1 }))).code).toBe(
      'IMAGE_TOO_LARGE',
    );
    await expect(loadImageFromBuffer(buf, 'small.png', { maxPixels: W * H })).resolves.toBeDefined();
  });

  it('reports a missing file, a folder and garbage as IMAGE_DECODE naming the path', async () => {
    for (const p of [path.join(dir, 'nope.png'), dir]) {
      const e = await errorOf(loadImage(p));
      expect(e.code).toBe('IMAGE_DECODE');
      expect(e.message).toContain(p);
    }
    const junk = path.join(dir, 'junk.png');
    await fs.writeFile(junk, 'this is not an image');
    const e = await errorOf(loadImage(junk));
    expect(e.code).toBe('IMAGE_DECODE');
    expect(e.message).toContain(junk);
  });

  it('refuses vector formats', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>',
    );
    const e = await errorOf(loadImageFromBuffer(svg, 'drawing.svg'));
    expect(e.code).toBe('IMAGE_DECODE');
    expect(e.message).toContain('drawing.svg');
  });
});
