import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, attachedBytes, checkMessageSize, decodeFrame, encodeFrame } from './wire';
import type { z } from 'zod/mini';
import { parseMessage, parseParams } from './messages';
import { METHODS, PATH_METHODS } from './schemas';

describe('wire frames', () => {
  it('round-trips messages with ArrayBuffers', () => {
    const data = new Uint8Array([1, 2, 3, 4, 5, 6]).buffer;
    const msg = {
      type: 'request',
      id: 3,
      method: 'run',
      params: { mask: { width: 3, height: 2, data }, nested: [{ b: new ArrayBuffer(0) }] },
    };
    const back = decodeFrame(encodeFrame(msg)) as typeof msg;
    expect(back.params.mask.width).toBe(3);
    expect(new Uint8Array(back.params.mask.data)).toEqual(new Uint8Array([1, 2, 3, 4, 5, 6]));
    expect(back.params.nested[0].b.byteLength).toBe(0);
  });
  it('rejects malformed frames with PARAM_INVALID', () => {
    expect(() => decodeFrame(new Uint8Array([9, 0, 0, 0, 1]))).toThrow(/Malformed frame/);
    const f = new Uint8Array(encodeFrame({ a: new ArrayBuffer(8) }));
    expect(() => decodeFrame(f.subarray(0, f.length - 2))).toThrow(/Malformed frame/);
  });
});

describe('message validation', () => {
  it('names the bad field of a request', () => {
    expect(() =>
      parseParams('run', {
        jobId: 'j',
        imageId: 'i',
        mask: { width: 2, height: 2, data: new ArrayBuffer(3) },
        stages: [{ name: 'lama' }],
      }),
    ).toThrow(/Invalid parameters for run: mask.*width\*height bytes/);
    expect(() => parseParams('exportImage', { resultId: 'r', path: '', format: 'bmp' })).toThrow(
      /Invalid parameters for exportImage/,
    );
  });
  it('rejects an envelope that is not a request, response or event', () => {
    expect(() => parseMessage({ type: 'request', id: -1, method: 'x' })).toThrow(/Malformed message/);
    expect(() => parseMessage('hello')).toThrow(/Malformed message/);
  });
});

describe('wire frames from a pooled Node Buffer', () => {
  it('copies each attachment out of the pool', () => {
    const frame = new Uint8Array(encodeFrame({ a: new Uint8Array([7, 8, 9]).buffer }));
    const pooled = Buffer.alloc(frame.length + 64);
    pooled.set(frame, 32);
    const back = decodeFrame(pooled.subarray(32, 32 + frame.length)) as { a: ArrayBuffer };
    expect(back.a.byteLength).toBe(3);
    expect([...new Uint8Array(back.a)]).toEqual([7, 8, 9]);
  });
});

describe('path methods', () => {
  it('lists every method with a path parameter in PATH_METHODS (the browser host refuses them)', () => {
    const withPath = Object.entries(METHODS)
      .filter(([, m]) =>
        Object.keys((m.params as z.ZodMiniObject).shape).some((k) =>
          /^(path|file|dir|folder)s?$|(Path|File|Dir|Folder)s?$/.test(k),
        ),
      )
      .map(([name]) => name)
      .sort();
    expect(withPath).toEqual([...PATH_METHODS].sort());
    // The data methods a page uses instead take no path.
    for (const m of ['openImageData', 'encodeResult', 'importModelData', 'closeImage', 'restartEngine'])
      expect(PATH_METHODS as readonly string[]).not.toContain(m);
  });
});

describe('message size', () => {
  it('refuses before sending a request whose data would not fit in one socket message', () => {
    expect(attachedBytes({ a: new ArrayBuffer(3), b: [new ArrayBuffer(4), { c: new ArrayBuffer(5) }] })).toBe(
      12,
    );
    const fits = { method: 'openImageData', params: { bytes: new ArrayBuffer(16) } };
    expect(() => checkMessageSize(fits)).not.toThrow();
    // Sizes only (a fake ArrayBuffer of the limit's size would take 400 MB).
    const huge = Object.create(ArrayBuffer.prototype, { byteLength: { value: MAX_MESSAGE_BYTES } });
    expect(() => checkMessageSize({ method: 'openImageData', params: { bytes: huge } })).toThrow(
      expect.objectContaining({
        code: 'IMAGE_TOO_LARGE',
        message: expect.stringMatching(/at most 382 MiB of data for openImageData/),
      }),
    );
    expect(() => checkMessageSize({ method: 'importModelData', params: { bytes: huge } })).toThrow(
      expect.objectContaining({ code: 'PARAM_INVALID' }),
    );
  });
});
