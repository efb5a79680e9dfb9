import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { StudioError } from '../common/errors';
import { isSrgbProfile } from './iccProfile';
import { loadImage } from './load';
import { psnr } from './metrics';
import { encodeImage, formatFromPath, saveImage } from './save';
import type { RgbImage } from './types';
import { createImage } from './types';
import { errorOf } from '../testing/errors';
import { mulberry32 } from '../common/random';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'inpaint-save-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A smooth colourful image whose values are not on the 8-bit grid. */
function gradient(width: number, height: number): RgbImage {
  const n = width * height;
  const data = new Float32Array(n * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      data[i] = (x + 0.37) / (width + 1);
      data[n + i] = (y + 0.61) / (height + 1);
      data[2 * n + i] = 0.5 + 0.4 * Math.sin((x + y) / 5);
    }
  }
  return createImage(width, height, data);
}
/** A photo-like image with detail, for lossy-codec comparisons. */
function textured(width: number, height: number): RgbImage {
  const img = gradient(width, height);
  const rnd = mulberry32(12345);
  for (let i = 0; i < img.data.length; i++)
    img.data[i] = Math.min(1, Math.max(0, img.data[i] * 0.7 + rnd() * 0.3));
  return img;
}
function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('saveImage round trips', () => {
  const img = gradient(24, 16);

  it('PNG 8-bit: every value comes back on the nearest 8-bit step', async () => {
    const file = path.join(dir, 'rt8.png');
    await saveImage(file, img);
    const { image, meta } = await loadImage(file);
    expect(meta.bitDepth).toBe(8);
    for (let i = 0; i < img.data.length; i++)
      expect(image.data[i]).toBeCloseTo(Math.round(img.data[i] * 255) / 255, 6);
  });

  it('PNG and TIFF 16-bit: values are not quantised to 8 bits', async () => {
    for (const ext of ['png', 'tiff']) {
      const file = path.join(dir, `rt16.${ext}`);
      await saveImage(file, img, { bitDepth: 16 });
      const { image, meta } = await loadImage(file);
      expect(meta.bitDepth).toBe(16);
      expect(maxDiff(image.data, img.data)).toBeLessThanOrEqual(0.5 / 65535 + 1e-7);
      // 8-bit quantisation would be off by up to 0.5/255.
      const off8 = img.data.map((v) => Math.abs(v - Math.round(v * 255) / 255));
      expect(Math.max(...off8)).toBeGreaterThan(0.001);
    }
  });

  it('16-bit in gives 16-bit out by default (bitDepth from meta)', async () => {
    const file16 = path.join(dir, 'src16.png');
    await saveImage(file16, img, { bitDepth: 16 });
    const loaded = await loadImage(file16);
    const out = path.join(dir, 'out16.png');
    await saveImage(out, loaded.image, { meta: loaded.meta });
    expect((await sharp(out).metadata()).depth).toBe('ushort');
  });

  it('keeps alpha: transparent stays transparent (PNG 8/16, WebP, TIFF)', async () => {
    const n = img.width * img.height;
    const alpha = new Float32Array(n);
    for (let i = 0; i < n; i++) alpha[i] = i % 3 === 0 ? 0 : i % 3 === 1 ? 1 : 0.5;
    for (const [ext, bitDepth] of [
      ['png', 8],
      ['png', 16],
      ['webp', 8],
      ['tiff', 16],
    ] as const) {
      const file = path.join(dir, `alpha-${bitDepth}.${ext}`);
      await saveImage(file, img, { alpha, bitDepth });
      const back = await loadImage(file);
      expect(back.meta.hasAlpha).toBe(true);
      for (let i = 0; i < n; i++) expect(Math.abs(back.alpha![i] - alpha[i])).toBeLessThan(1 / 255 + 1e-6);
    }
  });

  it('flattens alpha onto white for JPEG', async () => {
    const black = createImage(8, 8, new Float32Array(8 * 8 * 3));
    const alpha = new Float32Array(64); // fully transparent black
    const file = path.join(dir, 'flat.jpg');
    await saveImage(file, black, { alpha, quality: 95 });
    const back = await loadImage(file);
    expect(back.alpha).toBeUndefined();
    expect(Math.min(...back.image.data)).toBeGreaterThan(0.97);
  });

  it('honours JPEG quality: quality 30 is smaller and worse than 95', async () => {
    const photo = textured(96, 64);
    const lo = await encodeImage(photo, { format: 'jpeg', quality: 30 });
    const hi = await encodeImage(photo, { format: 'jpeg', quality: 95 });
    expect(lo.length).toBeLessThan(hi.length);
    await fs.writeFile(path.join(dir, 'lo.jpg'), lo);
    await fs.writeFile(path.join(dir, 'hi.jpg'), hi);
    const pLo = psnr(photo, (await loadImage(path.join(dir, 'lo.jpg'))).image);
    const pHi = psnr(photo, (await loadImage(path.join(dir, 'hi.jpg'))).image);
    expect(pLo).toBeLessThan(pHi - 3);
    expect(pHi).toBeGreaterThan(30);
  });

  it('consumeImage: the same file from the image’s own memory, for every format, with and without alpha', async () => {
    const photo = textured(96, 64);
    const alpha = new Float32Array(96 * 64).map((_, i) => (i % 7) / 6);
    for (const format of ['png', 'jpeg', 'webp', 'tiff'] as const) {
      for (const a of [undefined, alpha]) {
        const kept = await encodeImage(photo, { format, alpha: a });
        const given = createImage(96, 64, photo.data.slice());
        const consumed = await encodeImage(given, { format, alpha: a?.slice(), consumeImage: true });
        expect(consumed.equals(kept), `${format} ${a ? 'with' : 'without'} alpha`).toBe(true);
        // The 8-bit samples were written into the float planes' memory: no second copy was made.
        expect(Buffer.from(given.data.buffer).equals(Buffer.from(photo.data.buffer))).toBe(false);
      }
    }
    // Without consumeImage the image is left as it was.
    const copy = photo.data.slice();
    await encodeImage(photo, { format: 'jpeg', alpha });
    expect(photo.data).toEqual(copy);
  });

  it('honours WebP quality', async () => {
    const photo = textured(96, 64);
    const lo = await encodeImage(photo, { format: 'webp', quality: 20 });
    const hi = await encodeImage(photo, { format: 'webp', quality: 95 });
    expect(lo.length).toBeLessThan(hi.length);
  });
});

describe('saveImage metadata', () => {
  async function orientedSource(): Promise<string> {
    // 12x8, a red 4x4 block in the top-left corner, grey elsewhere.
    const px = new Uint8Array(12 * 8 * 3).fill(90);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) px.set([255, 0, 0], (y * 12 + x) * 3);
    const file = path.join(dir, 'oriented.jpg');
    await sharp(px, { raw: { width: 12, height: 8, channels: 3 } })
      .withExif({ IFD0: { Make: 'TestCam', Model: 'Z1' } })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
      .toFile(file);
    return file;
  }

  it('keeps EXIF with orientation reset to 1 and tags sRGB (PNG, JPEG, WebP)', async () => {
    const loaded = await loadImage(await orientedSource());
    expect([loaded.image.width, loaded.image.height]).toEqual([8, 12]);
    for (const ext of ['png', 'jpg', 'webp']) {
      const out = path.join(dir, `meta-out.${ext}`);
      await saveImage(out, loaded.image, { meta: loaded.meta });
      const m = await sharp(out).metadata();
      expect(m.orientation ?? 1).toBe(1);
      expect(m.exif?.includes(Buffer.from('TestCam'))).toBe(true);
      expect(m.icc && isSrgbProfile(m.icc)).toBe(true);
      // Reloading gives the upright image again, not rotated twice.
      const again = await loadImage(out);
      expect([again.image.width, again.image.height]).toEqual([8, 12]);
      expect(again.image.data[7]).toBeGreaterThan(0.9); // red still at the top-right
      expect(again.image.data[0]).toBeLessThan(0.5);
    }
  });

  it('TIFF: tagged sRGB, upright, with the EXIF tags in its IFD0', async () => {
    const loaded = await loadImage(await orientedSource());
    const out = path.join(dir, 'meta-out.tiff');
    await saveImage(out, loaded.image, { meta: loaded.meta });
    const m = await sharp(out).metadata();
    expect(m.icc && isSrgbProfile(m.icc)).toBe(true);
    expect(m.orientation ?? 1).toBe(1);
    expect((await fs.readFile(out)).includes(Buffer.from('TestCam'))).toBe(true);
    const again = await loadImage(out);
    expect([again.image.width, again.image.height]).toEqual([8, 12]);
  });

  it("keeps the source's P3 profile without changing the pixel values; srgb converts", async () => {
    const img = gradient(10, 10);
    const file = path.join(dir, 'p3src.png');
    await sharp(new Uint8Array(300).fill(128), { raw: { width: 10, height: 10, channels: 3 } })
      .withIccProfile('p3')
      .png()
      .toFile(file);
    const loaded = await loadImage(file);
    const out = path.join(dir, 'p3out.png');
    await saveImage(out, img, { meta: loaded.meta, bitDepth: 16 });
    const m = await sharp(out).metadata();
    expect(m.icc!.equals(loaded.meta.icc!)).toBe(true);
    const back = await loadImage(out);
    expect(maxDiff(back.image.data, img.data)).toBeLessThan(1e-4);

    await saveImage(out, img, { meta: loaded.meta, bitDepth: 16, colorProfile: 'srgb' });
    expect(isSrgbProfile((await sharp(out).metadata()).icc!)).toBe(true);
    expect(maxDiff((await loadImage(out)).image.data, img.data)).toBeGreaterThan(0.02);
  });
});

describe('saveImage failures', () => {
  const img = gradient(6, 4);
  const tempFiles = async (folder: string) => (await fs.readdir(folder)).filter((f) => f.endsWith('.tmp'));

  it('refuses an unknown extension naming it', async () => {
    const e = await errorOf(saveImage(path.join(dir, 'out.bmp'), img));
    expect(e.code).toBe('IMAGE_WRITE');
    expect(e.message).toContain('.bmp');
    expect(() => formatFromPath('noext')).toThrow(StudioError);
    expect(formatFromPath('/a/B.JPEG')).toBe('jpeg');
  });

  it('reports a missing folder as IMAGE_WRITE naming the path', async () => {
    const target = path.join(dir, 'no-such-folder', 'x.png');
    const e = await errorOf(saveImage(target, img));
    expect(e.code).toBe('IMAGE_WRITE');
    expect(e.message).toContain(target);
  });

  it('leaves no temp file when the final rename fails', async () => {
    const folder = await fs.mkdtemp(path.join(dir, 'atomic-'));
    const target = path.join(folder, 'taken.png');
    await fs.mkdir(target); // a folder where the file should go: rename fails
    const e = await errorOf(saveImage(target, img));
    expect(e.code).toBe('IMAGE_WRITE');
    expect(await tempFiles(folder)).toEqual([]);
    expect((await fs.stat(target)).isDirectory()).toBe(true);
  });

  it('keeps an existing file intact when writing fails midway', async () => {
    const folder = await fs.mkdtemp(path.join(dir, 'atomic-'));
    const target = path.join(folder, 'keep.png');
    await fs.writeFile(target, 'original bytes');
    const rename = vi
      .spyOn(fs, 'rename')
      .mockRejectedValueOnce(Object.assign(new Error('disk on fire'), { code: 'EIO' }));
    const e = await errorOf(saveImage(target, img));
    expect(rename).toHaveBeenCalled();
    expect(e.code).toBe('IMAGE_WRITE');
    expect(e.message).toContain(target);
    expect(await fs.readFile(target, 'utf8')).toBe('original bytes');
    expect(await tempFiles(folder)).toEqual([]);
  });

  it('replaces an existing file when it succeeds', async () => {
    const target = path.join(dir, 'replace.png');
    await fs.writeFile(target, 'old');
    await saveImage(target, img);
    expect((await sharp(target).metadata()).width).toBe(6);
  });

  it('validates options', async () => {
    expect((await errorOf(saveImage(path.join(dir, 'q.jpg'), img, { quality: 0 }))).code).toBe(
      'PARAM_INVALID',
    );
    expect((await errorOf(saveImage(path.join(dir, 'q.png'), img, { bitDepth: 12 as 8 }))).code).toBe(
      'PARAM_INVALID',
    );
  });
});
