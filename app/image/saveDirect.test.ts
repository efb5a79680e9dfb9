import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { encodeImage } from './save';
import { createImage } from './types';

/** Every sharp pipeline's input kind ('raw' samples, a 'create'd blank, encoded 'bytes') and encoders. */
const pipelines: { input: 'raw' | 'create' | 'bytes'; width?: number; encoders: string[] }[] = [];

vi.mock('sharp', async (importOriginal) => {
  const real = ((await importOriginal()) as { default: typeof sharp }).default;
  const spy = (input?: unknown, opts?: { raw?: { width: number } }) => {
    const s = real(input as Buffer, opts as Parameters<typeof sharp>[1]);
    const entry: (typeof pipelines)[number] = {
      input: opts?.raw ? 'raw' : (input as { create?: unknown })?.create ? 'create' : 'bytes',
      width: opts?.raw?.width,
      encoders: [],
    };
    pipelines.push(entry);
    for (const method of ['png', 'jpeg', 'webp', 'tiff'] as const) {
      const encode = s[method].bind(s) as (...a: unknown[]) => typeof s;
      (s as unknown as Record<string, unknown>)[method] = (...a: unknown[]) => {
        entry.encoders.push(method);
        return encode(...a);
      };
    }
    return s;
  };
  return { default: Object.assign(spy, real) };
});

describe('encodeImage straight from samples', () => {
  const W = 97,
    H = 61;
  const img = createImage(W, H);
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i % 251) / 250;

  for (const format of ['webp', 'tiff'] as const) {
    it(`writes ${format} with no PNG of the picture in between`, async () => {
      pipelines.length = 0;
      const bytes = await encodeImage(img, { format, quality: 90 });
      const info = await sharp(bytes).metadata();
      expect(info.format).toBe(format);
      expect([info.width, info.height]).toEqual([W, H]);
      // The samples are encoded once, as the output format; a PNG is only ever made of a blank carrier.
      const fromSamples = pipelines.filter((p) => p.input === 'raw');
      expect(fromSamples.map((p) => p.encoders)).toEqual([[format]]);
      const pngs = pipelines.filter((p) => p.encoders.includes('png'));
      for (const p of pngs) expect(p.input).toBe('create');
    });
  }
});
