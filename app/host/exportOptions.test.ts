// Export options over the contract: colorProfile and stripLocation reach the encoder (exportImage, encodeResult).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResponseMessage } from '../contract/messages';
import { hasGps } from '../image/exifEdit';
import { isSrgbProfile } from '../image/iccProfile';
import { loadImage, loadImageFromBuffer } from '../image/load';
import { p3JpegWithExif } from '../testing/metadata';
import { EngineHost } from './engineHost';
import { createEngineServices } from './services';

const dir = mkdtempSync(path.join(os.tmpdir(), 'export-options-'));
const services = createEngineServices({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] });
afterAll(() => services.close());

const W = 48;
const H = 32;
let host: EngineHost;
let resultId: string;
let p3: Buffer;
let id = 0;

async function call(method: string, params: unknown) {
  const r = (await host.handle({ type: 'request', id: ++id, method, params })) as ResponseMessage & {
    result?: Record<string, unknown>;
    error?: { code: string; message: string };
  };
  return r;
}

beforeAll(async () => {
  host = new EngineHost(services, () => {});
  const src = await p3JpegWithExif(W, H);
  p3 = (await loadImageFromBuffer(src, 'photo.jpg')).meta.icc!;
  const bytes = src.buffer.slice(src.byteOffset, src.byteOffset + src.byteLength) as ArrayBuffer;
  const opened = await call('openImageData', { name: 'photo.jpg', bytes });
  expect(opened.ok).toBe(true);
  const mask = new Uint8Array(W * H);
  for (let y = 10; y < 20; y++) for (let x = 10; x < 30; x++) mask[y * W + x] = 1;
  const run = await call('run', {
    jobId: 'job-1',
    imageId: opened.result!.imageId,
    mask: { width: W, height: H, data: mask.buffer },
    stages: [{ name: 'lama' }],
  });
  expect(run.error).toBeUndefined();
  resultId = run.result!.resultId as string;
});

describe('export options through the engine host', () => {
  it('exportImage: keeps GPS and the P3 profile by default; stripLocation and colorProfile srgb apply', async () => {
    const kept = path.join(dir, 'kept.jpg');
    expect((await call('exportImage', { resultId, path: kept })).ok).toBe(true);
    const k = (await loadImage(kept)).meta;
    expect(hasGps(k.exif!)).toBe(true);
    expect(k.icc!.equals(p3)).toBe(true);

    const stripped = path.join(dir, 'stripped.jpg');
    const r = await call('exportImage', {
      resultId,
      path: stripped,
      stripLocation: true,
      colorProfile: 'srgb',
    });
    expect(r.ok).toBe(true);
    const s = (await loadImage(stripped)).meta;
    expect(hasGps(s.exif!)).toBe(false);
    expect(isSrgbProfile(s.icc!)).toBe(true);
  });

  it('encodeResult: the same options', async () => {
    const r = await call('encodeResult', {
      resultId,
      format: 'png',
      stripLocation: true,
      colorProfile: 'srgb',
    });
    const m = (await loadImageFromBuffer(Buffer.from(r.result!.bytes as ArrayBuffer), 'r.png')).meta;
    expect(hasGps(m.exif!)).toBe(false);
    expect(isSrgbProfile(m.icc!)).toBe(true);
    const d = await call('encodeResult', { resultId, format: 'png' });
    const dm = (await loadImageFromBuffer(Buffer.from(d.result!.bytes as ArrayBuffer), 'd.png')).meta;
    expect(hasGps(dm.exif!)).toBe(true);
    expect(dm.icc!.equals(p3)).toBe(true);
  });

  it("the editor's preview of a P3 image is converted to sRGB; the engine keeps the P3 values", async () => {
    const src = await p3JpegWithExif(W, H);
    const bytes = src.buffer.slice(src.byteOffset, src.byteOffset + src.byteLength) as ArrayBuffer;
    const opened = await call('openImageData', { name: 'p3.jpg', bytes });
    const preview = opened.result!.preview as { rgba: ArrayBuffer };
    const rgba = new Uint8Array(preview.rgba);
    const { image, meta } = await loadImageFromBuffer(src, 'p3.jpg');
    expect(meta.pixelsInIcc).toBe(true);
    let moved = 0;
    for (let i = 0; i < W * H; i++)
      moved += Math.abs(rgba[i * 4] - Math.round(image.data[i] * 255)) > 4 ? 1 : 0;
    expect(moved).toBeGreaterThan((W * H) / 10);
  });

  it('refuses an unknown colorProfile', async () => {
    const r = await call('encodeResult', { resultId, format: 'png', colorProfile: 'p3' });
    expect(r.ok).toBe(false);
    expect(r.error!.message).toMatch(/colorProfile/);
  });
});
