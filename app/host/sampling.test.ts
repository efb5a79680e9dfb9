// The engine host forwards run's and tryValues' sampling area (issue 15 §4): a byte >= 128 = may sample.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResponseMessage } from '../contract/messages';
import { encodeImage } from '../image/save';
import { createImage } from '../image/types';
import { EngineHost } from './engineHost';
import { createEngineServices } from './services';

const dir = mkdtempSync(path.join(os.tmpdir(), 'host-sampling-'));
const services = createEngineServices({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] });
afterAll(() => services.close());

const W = 40,
  H = 32;

async function pngBytes(): Promise<ArrayBuffer> {
  const img = createImage(W, H);
  for (let i = 0; i < img.data.length; i++) img.data[i] = ((i * 7) % 13) / 13;
  const b = await encodeImage(img, { format: 'png' });
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function hole(): ArrayBuffer {
  const m = new Uint8Array(W * H);
  for (let y = 12; y < 20; y++) for (let x = 16; x < 24; x++) m[y * W + x] = 1;
  return m.buffer;
}

function setup() {
  const host = new EngineHost(services, () => {});
  let id = 0;
  return (method: string, params: unknown) =>
    host.handle({ type: 'request', id: ++id, method, params }) as Promise<
      ResponseMessage & { result?: Record<string, unknown>; error?: { code: string; message: string } }
    >;
}

describe('engine host: sampling area', () => {
  it('run refuses a sampling area of another size, naming it and both sizes', async () => {
    const call = setup();
    const opened = await call('openImageData', { name: 'a.png', bytes: await pngBytes() });
    const r = await call('run', {
      jobId: 's-1',
      imageId: opened.result!.imageId,
      mask: { width: W, height: H, data: hole() },
      sampling: { width: 20, height: 16, data: new Uint8Array(320).fill(255).buffer },
      stages: [{ name: 'lama' }],
    });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('MASK_SIZE');
    expect(r.error?.message).toMatch(/sampling.*20x16.*40x32/);
  });

  it('reads a byte >= 128 as "may sample": all 127 leaves nothing, 128 in a corner is enough', async () => {
    const call = setup();
    const opened = await call('openImageData', { name: 'b.png', bytes: await pngBytes() });
    const area = new Uint8Array(W * H).fill(127);
    const base = {
      imageId: opened.result!.imageId,
      mask: { width: W, height: H, data: hole() },
      stages: [{ name: 'lama' }],
    };
    const none = await call('tryValues', {
      ...base,
      jobId: 's-2',
      sampling: { width: W, height: H, data: area.slice().buffer },
      stage: 'lama',
      param: 'feather',
      values: [2],
    });
    expect(none.error?.code).toBe('PARAM_INVALID');
    expect(none.error?.message).toMatch(/sampling/);
    area.fill(128, 0, 4 * W);
    const some = await call('run', {
      ...base,
      jobId: 's-3',
      sampling: { width: W, height: H, data: area.buffer },
    });
    expect(some.ok).toBe(true);
  });
});
