// openImage tells the editor the quality a JPEG was saved at (export's default quality).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResponseMessage } from '../contract/messages';
import { encodeImage } from '../image/save';
import { createImage } from '../image/types';
import { EngineHost } from './engineHost';
import { createEngineServices } from './services';

const dir = mkdtempSync(path.join(os.tmpdir(), 'source-quality-'));
const services = createEngineServices({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] });
afterAll(() => services.close());

async function bytes(format: 'jpeg' | 'png', quality?: number): Promise<ArrayBuffer> {
  const img = createImage(32, 24);
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i % 17) / 17;
  const b = await encodeImage(img, { format, quality });
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

async function open(name: string, data: ArrayBuffer) {
  const host = new EngineHost(services, () => {});
  const r = (await host.handle({
    type: 'request',
    id: 1,
    method: 'openImageData',
    params: { name, bytes: data },
  })) as ResponseMessage & { result?: Record<string, unknown> };
  return r.result!;
}

describe('engine host: source quality', () => {
  it("a JPEG's quality comes back with openImage; a PNG has none", async () => {
    expect((await open('a.jpg', await bytes('jpeg', 83))).quality).toBe(83);
    expect((await open('b.png', await bytes('png'))).quality).toBeUndefined();
  });
});
