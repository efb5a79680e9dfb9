// EngineHost's hold on images: closeImage frees, a memory budget bounds what a client can make it hold.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResponseMessage } from '../contract/messages';
import { encodeImage } from '../image/save';
import { createImage } from '../image/types';
import { EngineHost } from './engineHost';
import { createEngineServices } from './services';

const dir = mkdtempSync(path.join(os.tmpdir(), 'engine-host-'));
const services = createEngineServices({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] });
afterAll(() => services.close());

async function pngBytes(w: number, h: number): Promise<ArrayBuffer> {
  const img = createImage(w, h);
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i % 13) / 13;
  const b = await encodeImage(img, { format: 'png' });
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function caller(host: EngineHost) {
  let id = 0;
  return async (method: string, params: unknown) => {
    const r = (await host.handle({ type: 'request', id: ++id, method, params })) as ResponseMessage & {
      result?: Record<string, unknown>;
      error?: { code: string; message: string };
    };
    return r;
  };
}

describe('engine host: images held', () => {
  it('closeImage frees the image: held bytes drop, and a later run on it fails with IMAGE_CLOSED', async () => {
    const host = new EngineHost(services, () => {});
    const call = caller(host);
    const bytes = await pngBytes(64, 48);
    const a = await call('openImageData', { name: 'a.png', bytes });
    // Three float planes, and the file's metadata.
    const one = host.heldBytes;
    expect(one).toBeGreaterThanOrEqual(64 * 48 * 3 * 4);
    const b = await call('openImageData', { name: 'b.png', bytes });
    expect(host.heldBytes).toBe(2 * one);
    expect(await call('closeImage', { imageId: a.result!.imageId })).toMatchObject({
      ok: true,
      result: { closed: true },
    });
    expect(host.heldBytes).toBe(one);
    const mask = { width: 64, height: 48, data: new Uint8Array(64 * 48).fill(1).buffer };
    const run = await call('run', {
      jobId: 'j',
      imageId: a.result!.imageId,
      mask,
      stages: [{ name: 'lama' }],
    });
    expect(run.error).toMatchObject({ code: 'IMAGE_CLOSED', message: expect.stringMatching(/was closed/) });
    expect(await call('closeImage', { imageId: a.result!.imageId })).toMatchObject({
      result: { closed: false },
    });
    expect(await call('closeImage', { imageId: b.result!.imageId })).toMatchObject({
      result: { closed: true },
    });
    expect(host.heldBytes).toBe(0);
  });

  it('opening the same photo 25 times holds no more than the budget; the newest stays usable', async () => {
    const one = 64 * 48 * 3 * 4 + 1024;
    const host = new EngineHost(services, () => {}, { imageBudgetBytes: 3 * one });
    const call = caller(host);
    const bytes = await pngBytes(64, 48);
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const r = await call('openImageData', { name: 'same.png', bytes });
      ids.push(r.result!.imageId as string);
      expect(host.heldBytes).toBeLessThanOrEqual(3 * one);
    }
    const mask = { width: 64, height: 48, data: new Uint8Array(64 * 48).buffer };
    const first = await call('run', { jobId: 'j1', imageId: ids[0], mask, stages: [{ name: 'color' }] });
    expect(first.error).toMatchObject({
      code: 'IMAGE_CLOSED',
      message: expect.stringMatching(/memory budget/),
    });
    const last = await call('run', { jobId: 'j2', imageId: ids[24], mask, stages: [{ name: 'color' }] });
    expect(last.ok).toBe(true);
    expect(host.heldBytes).toBeLessThanOrEqual(3 * one);
  });
});
