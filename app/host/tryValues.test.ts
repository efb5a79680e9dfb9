// The engine's tryValues method: N previews of a crop around the hole, streamed as onTryValue, the
// input's pixels outside the hole, and cancel by job id.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResponseMessage } from '../contract/messages';
import type { EventPayload } from '../contract/schemas';
import { encodeImage } from '../image/save';
import { createImage } from '../image/types';
import { EngineHost } from './engineHost';
import { createEngineServices } from './services';

const dir = mkdtempSync(path.join(os.tmpdir(), 'try-values-'));
const services = createEngineServices({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] });
afterAll(() => services.close());

const W = 72,
  H = 56;

async function pngBytes(): Promise<ArrayBuffer> {
  const img = createImage(W, H);
  const n = W * H;
  for (let i = 0; i < n; i++) {
    const x = i % W,
      y = Math.floor(i / W);
    img.data[i] = 0.2 + 0.6 * (x / W);
    img.data[n + i] = 0.3 + 0.4 * (y / H);
    img.data[2 * n + i] = (x + y) % 7 < 3 ? 0.8 : 0.2;
    // A white object where the hole will be: the fill removes it.
    if (x >= 32 && x < 40 && y >= 24 && y < 30) img.data[i] = img.data[n + i] = img.data[2 * n + i] = 1;
  }
  const b = await encodeImage(img, { format: 'png' });
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** A 12x10 hole at (30, 22). */
function holeMask(): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = 22; y < 32; y++) for (let x = 30; x < 42; x++) m[y * W + x] = 1;
  return m;
}

function setup() {
  const events: EventPayload<'onTryValue'>[] = [];
  const host = new EngineHost(services, (name, payload) => {
    if (name === 'onTryValue') events.push(payload as EventPayload<'onTryValue'>);
  });
  let id = 0;
  const call = (method: string, params: unknown) =>
    host.handle({ type: 'request', id: ++id, method, params }) as Promise<
      ResponseMessage & { result?: Record<string, unknown>; error?: { code: string; message: string } }
    >;
  return { host, call, events };
}

describe('engine host: tryValues', () => {
  it('returns one preview per value; outside the hole each equals the opened image', async () => {
    const { call, events } = setup();
    const opened = await call('openImageData', { name: 'a.png', bytes: await pngBytes() });
    const imageId = opened.result!.imageId as string;
    const original = new Uint8Array((opened.result!.preview as { rgba: ArrayBuffer }).rgba);
    const mask = holeMask();
    const values = [0, 4, 16, 32, 64];
    const r = await call('tryValues', {
      jobId: 'try-1',
      imageId,
      mask: { width: W, height: H, data: mask.slice().buffer },
      stages: [{ name: 'lama' }],
      stage: 'lama',
      param: 'feather',
      values,
    });
    expect(r.ok).toBe(true);
    const result = r.result as {
      crop: { x: number; y: number; width: number; height: number };
      previews: { value: number; image: { width: number; height: number; rgba: ArrayBuffer } }[];
    };
    // The 12x10 hole with a 16 px margin.
    expect(result.crop).toEqual({ x: 14, y: 6, width: 44, height: 42 });
    expect(result.previews.map((p) => p.value)).toEqual(values);
    expect(events.map((e) => [e.index, e.value])).toEqual(values.map((v, i) => [i, v]));
    const c = result.crop;
    for (const p of result.previews) {
      expect([p.image.width, p.image.height]).toEqual([c.width, c.height]);
      const px = new Uint8Array(p.image.rgba);
      let changed = 0;
      for (let y = 0; y < c.height; y++)
        for (let x = 0; x < c.width; x++) {
          const j = ((c.y + y) * W + c.x + x) * 4;
          const k = (y * c.width + x) * 4;
          if (mask[(c.y + y) * W + c.x + x]) {
            if (px[k] !== original[j] || px[k + 1] !== original[j + 1] || px[k + 2] !== original[j + 2])
              changed++;
          } else {
            expect([px[k], px[k + 1], px[k + 2]]).toEqual([original[j], original[j + 1], original[j + 2]]);
          }
        }
      // The hole was filled (the white object is gone).
      expect(changed).toBeGreaterThan(0);
    }
  });

  it('cancel by job id stops it with CANCELLED', async () => {
    const { call, events } = setup();
    const opened = await call('openImageData', { name: 'b.png', bytes: await pngBytes() });
    const pending = call('tryValues', {
      jobId: 'try-2',
      imageId: opened.result!.imageId,
      mask: { width: W, height: H, data: holeMask().buffer },
      stages: [{ name: 'lama' }],
      stage: 'lama',
      param: 'feather',
      values: [1, 2, 3, 4, 5],
    });
    const c = await call('cancel', { jobId: 'try-2' });
    expect(c.result).toEqual({ cancelled: true });
    const r = await pending;
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('CANCELLED');
    expect(events.length).toBeLessThan(5);
  });

  it('refuses a value outside the parameter range, naming it', async () => {
    const { call } = setup();
    const opened = await call('openImageData', { name: 'c.png', bytes: await pngBytes() });
    const r = await call('tryValues', {
      jobId: 'try-3',
      imageId: opened.result!.imageId,
      mask: { width: W, height: H, data: holeMask().buffer },
      stages: [{ name: 'lama' }],
      stage: 'lama',
      param: 'feather',
      values: [3, 999],
    });
    expect(r.error).toMatchObject({
      code: 'PARAM_INVALID',
      message: expect.stringContaining('lama.feather'),
    });
  });
});
