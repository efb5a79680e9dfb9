import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMask, maskFromArray, saveMask } from './mask';
import { createMask } from './types';
import { errorOf } from '../testing/errors';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'inpaint-mask-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function write(
  name: string,
  data: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
): Promise<string> {
  const file = path.join(dir, name);
  const space = channels <= 2 ? 'b-w' : 'srgb';
  await sharp(data, { raw: { width, height, channels } }).toColourspace(space).png().toFile(file);
  return file;
}

describe('loadMask', () => {
  it('grey mask: luminance above 50% is a hole (128 yes, 127 no)', async () => {
    const file = await write('grey.png', new Uint8Array([0, 127, 128, 255]), 2, 2, 1);
    const m = await loadMask(file, { width: 2, height: 2 });
    expect(Array.from(m.data)).toEqual([0, 0, 1, 1]);
  });

  it('opaque RGB mask: uses luminance, so pure red (Y = 0.21) is not a hole but yellow is', async () => {
    const px = new Uint8Array([255, 0, 0, 255, 255, 0, 0, 0, 0, 255, 255, 255]);
    const m = await loadMask(await write('rgb.png', px, 4, 1, 3), { width: 4, height: 1 });
    expect(Array.from(m.data)).toEqual([0, 1, 0, 1]);
  });

  it('RGBA with all pixels opaque: still a luminance mask', async () => {
    const px = new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255]);
    const m = await loadMask(await write('opaque.png', px, 2, 1, 4), { width: 2, height: 1 });
    expect(Array.from(m.data)).toEqual([0, 1]);
  });

  it('painted layer (transparency present): alpha above 50% is a hole whatever the colour', async () => {
    // red opaque, black opaque, white transparent, white 40% -> hole, hole, known, known
    const px = new Uint8Array([255, 0, 0, 255, 0, 0, 0, 200, 255, 255, 255, 0, 255, 255, 255, 102]);
    const m = await loadMask(await write('layer.png', px, 4, 1, 4), { width: 4, height: 1 });
    expect(Array.from(m.data)).toEqual([1, 1, 0, 0]);
  });

  it('grey+alpha layer uses alpha too', async () => {
    const px = new Uint8Array([0, 255, 255, 0]);
    const m = await loadMask(await write('ga.png', px, 2, 1, 2), { width: 2, height: 1 });
    expect(Array.from(m.data)).toEqual([1, 0]);
  });

  it('applies EXIF orientation before comparing sizes', async () => {
    // 3x2 with the top-left pixel white; orientation 6 makes it 2x3 with that pixel top-right.
    const px = new Uint8Array([255, 0, 0, 0, 0, 0]);
    const file = path.join(dir, 'o6.png');
    await sharp(px, { raw: { width: 3, height: 2, channels: 1 } })
      .toColourspace('b-w')
      .withMetadata({ orientation: 6 })
      .png()
      .toFile(file);
    const m = await loadMask(file, { width: 2, height: 3 });
    expect(Array.from(m.data)).toEqual([0, 1, 0, 0, 0, 0]);
  });

  it('MASK_SIZE names the path and both sizes', async () => {
    const file = await write('small.png', new Uint8Array(6), 3, 2, 1);
    const e = await errorOf(loadMask(file, { width: 30, height: 20 }));
    expect(e.code).toBe('MASK_SIZE');
    expect(e.message).toContain('3x2');
    expect(e.message).toContain('30x20');
    expect(e.message).toContain(file);
  });

  it('MASK_DECODE names the path for a missing or undecodable file', async () => {
    const missing = path.join(dir, 'missing.png');
    const junk = path.join(dir, 'junk.png');
    await fs.writeFile(junk, 'not a png');
    for (const p of [missing, junk]) {
      const e = await errorOf(loadMask(p, { width: 1, height: 1 }));
      expect(e.code).toBe('MASK_DECODE');
      expect(e.message).toContain(p);
    }
  });
});

describe('saveMask', () => {
  it('writes a grey PNG with 255 = hole that loads back identically', async () => {
    const data = new Uint8Array(7 * 5);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 3 === 0 ? 1 : 0;
    const file = path.join(dir, 'saved.png');
    await saveMask(file, createMask(7, 5, data));
    const meta = await sharp(file).metadata();
    expect(meta.channels).toBe(1);
    const raw = await sharp(file).toColourspace('b-w').raw().toBuffer();
    expect(Array.from(raw)).toEqual(Array.from(data, (v) => v * 255));
    expect(Array.from((await loadMask(file, { width: 7, height: 5 })).data)).toEqual(Array.from(data));
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reports a missing folder as IMAGE_WRITE', async () => {
    const e = await errorOf(saveMask(path.join(dir, 'nope', 'm.png'), createMask(1, 1)));
    expect(e.code).toBe('IMAGE_WRITE');
  });
});

describe('maskFromArray', () => {
  it('treats floats as 0..1 and Uint8Array as 0..255, hole when above the threshold', () => {
    expect(Array.from(maskFromArray([0, 0.5, 0.51, 1], 2, 2).data)).toEqual([0, 0, 1, 1]);
    expect(Array.from(maskFromArray(new Float32Array([0.2, 0.3]), 2, 1, 0.25).data)).toEqual([0, 1]);
    expect(Array.from(maskFromArray(new Uint8Array([0, 127, 128, 255]), 4, 1).data)).toEqual([0, 0, 1, 1]);
    expect(Array.from(maskFromArray([NaN, 2], 2, 1).data)).toEqual([0, 1]);
  });

  it('refuses data of the wrong length with MASK_SIZE and a bad threshold with PARAM_INVALID', () => {
    expect(() => maskFromArray([0, 1, 0], 2, 2)).toThrow(expect.objectContaining({ code: 'MASK_SIZE' }));
    expect(() => maskFromArray([0], 1, 1, 2)).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
  });
});
