// The desktop's session file (issue 15 §5 "Lose nothing"), in plain Node: what a restarted engine reads back.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { StudioError } from '../common/errors';
import { EditorSessions } from './editorSession';
import { HeldImages } from './heldImages';
import { createImage } from '../image/types';
import { FileSessionKeeper, SESSION_FILE, type DiskSessionRecord } from './sessionFile';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'session-'));
}

function bytes(n: number, seed: number): ArrayBuffer {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 255;
  return b.buffer;
}

function record(seed = 1): DiskSessionRecord {
  const pixels = new Float32Array(2 * 3 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = i / 7 + seed;
  return {
    imageId: `img-${seed}`,
    imagePath: '/photos/holiday.jpg',
    mask: { width: 5, height: 4, data: bytes(20, seed) },
    sampling: { width: 5, height: 4, data: bytes(20, seed + 100) },
    state: JSON.stringify({ stage: 'lama', params: { dilate: 8 + seed, feather: 2 }, seed }),
    history: {
      step: 1,
      patches: [
        { label: 'Remove wire', box: { x0: 1, y0: 1, x1: 3, y1: 4 }, pixels },
        { label: 'No change', box: null, pixels: new Float32Array(0) },
      ],
    },
  };
}

function same(a: DiskSessionRecord | null, b: DiskSessionRecord): void {
  expect(a).not.toBeNull();
  expect(a!.imageId).toBe(b.imageId);
  expect(a!.imagePath).toBe(b.imagePath);
  expect(a!.state).toBe(b.state);
  expect(JSON.parse(a!.state)).toEqual(JSON.parse(b.state));
  expect([a!.mask!.width, a!.mask!.height]).toEqual([b.mask!.width, b.mask!.height]);
  expect(new Uint8Array(a!.mask!.data)).toEqual(new Uint8Array(b.mask!.data));
  expect([a!.sampling!.width, a!.sampling!.height]).toEqual([b.sampling!.width, b.sampling!.height]);
  expect(new Uint8Array(a!.sampling!.data)).toEqual(new Uint8Array(b.sampling!.data));
  expect(a!.history!.step).toBe(b.history!.step);
  expect(a!.history!.patches.map((p) => [p.label, p.box])).toEqual(
    b.history!.patches.map((p) => [p.label, p.box]),
  );
  a!.history!.patches.forEach((p, i) => expect(p.pixels).toEqual(b.history!.patches[i].pixels));
}

describe('session file', () => {
  it('save then load in a fresh keeper gives back the mask bytes, sampling, state and applied steps', async () => {
    const dir = path.join(tempDir(), 'session');
    const first = (await FileSessionKeeper.open(dir)).keeper;
    expect(first.load()).toBeNull();
    const rec = record(3);
    first.save(rec);
    await first.flush();
    const { keeper, notice } = await FileSessionKeeper.open(dir);
    expect(notice).toBeNull();
    same(keeper.load(), rec);
    // No mask and no sampling area come back as null.
    keeper.save({ imageId: 'x', mask: null, sampling: null, state: '{}' });
    await keeper.flush();
    const again = (await FileSessionKeeper.open(dir)).keeper.load();
    expect(again).toEqual({ imageId: 'x', mask: null, sampling: null, state: '{}' });
  });

  it('only the newest of quick saves is kept, and clear removes the file', async () => {
    const dir = tempDir();
    const k = new FileSessionKeeper(dir);
    for (let s = 1; s <= 5; s++) k.save(record(s));
    await k.flush();
    same((await FileSessionKeeper.open(dir)).keeper.load(), record(5));
    k.clear();
    await k.flush();
    expect(existsSync(path.join(dir, SESSION_FILE))).toBe(false);
    const { keeper, notice } = await FileSessionKeeper.open(dir);
    expect([keeper.load(), notice]).toEqual([null, null]);
  });

  it('a truncated or damaged file is an IO error naming the path, kept aside as .corrupt', async () => {
    const dir = tempDir();
    const k = new FileSessionKeeper(dir);
    k.save(record(2));
    await k.flush();
    const file = path.join(dir, SESSION_FILE);
    const good = readFileSync(file);
    const cases: [Buffer, RegExp][] = [
      [good.subarray(0, good.byteLength - 9), /truncated/],
      [good.subarray(0, 20), /truncated/],
      [Buffer.from('{"imageId":"x"}'), /not an Inpaint Studio session file/],
      [
        Buffer.concat([good.subarray(0, good.byteLength - 1), Buffer.from([good[good.byteLength - 1] ^ 1])]),
        /checksum/,
      ],
    ];
    for (const [bad, why] of cases) {
      writeFileSync(file, bad);
      const { keeper, notice } = await FileSessionKeeper.open(dir);
      expect(keeper.load()).toBeNull();
      expect(notice).toBeInstanceOf(StudioError);
      expect(notice!.code).toBe('IO');
      expect(notice!.message).toContain(file);
      expect(notice!.message).toMatch(why);
      // Never silently deleted: the bad bytes are kept beside it.
      expect(readFileSync(`${file}.corrupt`)).toEqual(bad);
      expect(existsSync(file)).toBe(false);
    }
  });

  it('a failed write leaves the previous session readable and is reported', async () => {
    const dir = tempDir();
    const k = new FileSessionKeeper(dir);
    k.save(record(1));
    await k.flush();
    // The real atomic writer, its rename failing (the disk full): the old file survives, no temp is left.
    const errors: StudioError[] = [];
    const k2 = new FileSessionKeeper(dir, { onError: (e) => errors.push(e) });
    const full = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const rename = vi.spyOn(fsp, 'rename').mockRejectedValueOnce(full);
    try {
      k2.save(record(2));
      const failed = await k2.flush().then(
        () => null,
        (e: unknown) => e as StudioError,
      );
      expect(rename).toHaveBeenCalledTimes(1);
      expect(failed?.code).toBe('IO');
      expect(failed?.message).toContain(path.join(dir, SESSION_FILE));
      expect(failed?.message).toContain('the disk is full');
      expect(errors).toEqual([failed]);
    } finally {
      rename.mockRestore();
    }
    expect(k2.load()!.imageId).toBe('img-2');
    same((await FileSessionKeeper.open(dir)).keeper.load(), record(1));
    expect(readdirSync(dir)).toEqual([SESSION_FILE]);
    // The next save that works clears the error.
    k2.save(record(3));
    await k2.flush();
    same((await FileSessionKeeper.open(dir)).keeper.load(), record(3));
    // A writer that dies half-way (after writing part of its temporary file): same.
    const dir2 = tempDir();
    const k3 = new FileSessionKeeper(dir2);
    k3.save(record(7));
    await k3.flush();
    const k4 = new FileSessionKeeper(dir2, {
      write: async (file, data) => {
        writeFileSync(path.join(dir2, `.${SESSION_FILE}.partial`), data.subarray(0, 10));
        throw new Error(`disk unplugged while writing ${file}`);
      },
    });
    k4.save(record(8));
    await expect(k4.flush()).rejects.toMatchObject({ code: 'IO' });
    expect(k4.load()!.imageId).toBe('img-8');
    same((await FileSessionKeeper.open(dir2)).keeper.load(), record(7));
    expect(readdirSync(dir2).sort()).toEqual([`.${SESSION_FILE}.partial`, SESSION_FILE]);
  });

  it('a session saved with keepMask keeps the earlier mask on disk', async () => {
    const dir = tempDir();
    const held = new HeldImages(1e9);
    held.addImage('img-a', {
      image: createImage(4, 3),
      meta: { format: 'png', bitDepth: 8, channels: 3, hasAlpha: false },
      name: 'a.png',
      path: '/photos/a.png',
    });
    const k = new FileSessionKeeper(dir);
    const sessions = new EditorSessions(held, k);
    const mask = bytes(12, 9);
    expect(
      sessions.saveSession({ imageId: 'img-a', mask: { width: 4, height: 3, data: mask }, state: '{"v":1}' }),
    ).toEqual({ saved: true });
    expect(
      sessions.saveSession({
        imageId: 'img-a',
        mask: null,
        keepMask: true,
        sampling: { width: 4, height: 3, data: bytes(12, 4) },
        state: '{"v":2}',
      }),
    ).toEqual({ saved: true });
    await k.flush();
    const back = (await FileSessionKeeper.open(dir)).keeper.load()!;
    expect(back.state).toBe('{"v":2}');
    expect(new Uint8Array(back.mask!.data)).toEqual(new Uint8Array(mask));
    expect(new Uint8Array(back.sampling!.data)).toEqual(new Uint8Array(bytes(12, 4)));
    // Read through the engine, with the image still held: the same mask.
    const fresh = new EditorSessions(held, (await FileSessionKeeper.open(dir)).keeper);
    const s = (await fresh.loadSession()).session!;
    expect(new Uint8Array(s.mask!.data as ArrayBuffer)).toEqual(new Uint8Array(mask));
    expect(s.state).toBe('{"v":2}');
  });
});
