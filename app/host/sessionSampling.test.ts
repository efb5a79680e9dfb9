// The session keeps the editor's sampling area (issue 15 §4) beside the mask: a reloaded page gets it back.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResponseMessage } from '../contract/messages';
import { encodeImage } from '../image/save';
import { createImage } from '../image/types';
import { EngineHost } from './engineHost';
import { createEngineServices } from './services';

const dir = mkdtempSync(path.join(os.tmpdir(), 'session-sampling-'));
const services = createEngineServices({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] });
afterAll(() => services.close());

const W = 24,
  H = 16;

async function pngBytes(): Promise<ArrayBuffer> {
  const b = await encodeImage(createImage(W, H), { format: 'png' });
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

describe('the session and the sampling area', () => {
  it('saveSession keeps `sampling` and loadSession gives it back; none saved reads as null; a wrong size is refused', async () => {
    const host = new EngineHost(services, () => {});
    let id = 0;
    const call = async (method: string, params: unknown) =>
      (await host.handle({ type: 'request', id: ++id, method, params })) as ResponseMessage & {
        result?: Record<string, unknown>;
        error?: { code: string; message: string };
      };
    const imageId = (await call('openImageData', { name: 'a.png', bytes: await pngBytes() })).result!
      .imageId as string;
    const sampling = new Uint8Array(W * H);
    sampling.fill(255, 40, 200);
    const saved = await call('saveSession', {
      imageId,
      mask: null,
      sampling: { width: W, height: H, data: sampling.buffer },
      state: '{}',
    });
    expect(saved.ok).toBe(true);
    let s = (await call('loadSession', {})).result!.session as { sampling?: { data: ArrayBuffer } | null };
    expect(new Uint8Array(s.sampling!.data)).toEqual(sampling);

    await call('saveSession', { imageId, mask: null, state: '{}' });
    s = (await call('loadSession', {})).result!.session as { sampling?: { data: ArrayBuffer } | null };
    expect(s.sampling).toBeNull();

    const wrong = await call('saveSession', {
      imageId,
      mask: null,
      sampling: { width: 2, height: 2, data: new ArrayBuffer(4) },
      state: '{}',
    });
    expect(wrong.error).toMatchObject({ code: 'MASK_SIZE' });
    expect(wrong.error!.message).toMatch(/sampling/);
    expect(wrong.error!.message).toMatch(/24×16/);
  });
});
