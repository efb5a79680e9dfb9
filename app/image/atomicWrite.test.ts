import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEMP_NAME, processAlive, removeStaleTemps, tempPathFor, writeFileAtomic } from './atomicWrite';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'inpaint-atomic-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  expect(processAlive(r.pid!)).toBe(false);
  return r.pid!;
}

async function put(name: string, ageMs = 0): Promise<void> {
  const file = path.join(dir, name);
  await fs.writeFile(file, 'x');
  if (ageMs > 0) {
    const t = new Date(Date.now() - ageMs);
    await fs.utimes(file, t, t);
  }
}

describe('temporary files', () => {
  it('names temporary files by the one pattern, with the writer pid', () => {
    const name = path.basename(tempPathFor(path.join(dir, 'out.png')));
    const m = TEMP_NAME.exec(name);
    expect(m?.groups?.pid).toBe(String(process.pid));
    expect(name.startsWith('.out.png.')).toBe(true);
  });

  it('a write removes leftovers of dead writers and old ones, and nothing else', async () => {
    const dead = deadPid();
    const alive = process.ppid;
    const hour = 60 * 60 * 1000;
    await put(`.out.png.${dead}.deadbeef.tmp`); // writer killed mid-write
    await put(`.other.tif.${dead}.0123abcd.tmp`); // another target in the same folder
    await put(`.model.json.${dead}.0b7c2a4e-1f00-4d2b-9a6e-3c2d1e0f9a8b.tmp`); // older store naming
    await put(`.out.png.${alive}.cafebabe.tmp`, 2 * hour); // live pid, but two hours old
    await put(`.out.png.${alive}.feedf00d.tmp`); // live writer, fresh: still being written
    await put(`.out.png.${process.pid}.abad1dea.tmp`); // this process's own, fresh
    await put(`draft.${dead}.deadbeef.tmp`, 2 * hour); // not hidden: not ours
    await put(`.notes.tmp`, 2 * hour); // no pid: not ours
    await put(`.out.png.${dead}.DEADBEEF.tmp`, 2 * hour); // upper-case hex: not ours

    await writeFileAtomic(path.join(dir, 'out.png'), new Uint8Array([1, 2, 3]));

    expect((await fs.readdir(dir)).sort()).toEqual(
      [
        `.out.png.${alive}.feedf00d.tmp`,
        `.out.png.${process.pid}.abad1dea.tmp`,
        `draft.${dead}.deadbeef.tmp`,
        `.notes.tmp`,
        `.out.png.${dead}.DEADBEEF.tmp`,
        'out.png',
      ].sort(),
    );
  });

  it('removeStaleTemps leaves a folder it cannot read alone', async () => {
    expect(await removeStaleTemps(path.join(dir, 'nope'))).toEqual([]);
  });
});

describe('writeFileAtomic', () => {
  it('writes bytes, text, and byte chunks in order, replacing the old file', async () => {
    const target = path.join(dir, 'out.bin');
    await writeFileAtomic(target, new Uint8Array([9, 9]));
    await writeFileAtomic(target, [new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3, 4, 5])]);
    expect(Array.from(await fs.readFile(target))).toEqual([1, 2, 3, 4, 5]);
    await writeFileAtomic(target, 'héllo\n', 'IO');
    expect(await fs.readFile(target, 'utf8')).toBe('héllo\n');
    expect(await fs.readdir(dir)).toEqual(['out.bin']);
  });

  it('gives a new file the mode asked for', async () => {
    if (process.platform === 'win32') return;
    const target = path.join(dir, 'private.onnx');
    await writeFileAtomic(target, new Uint8Array([1]), 'IO', { mode: 0o600 });
    expect((await fs.stat(target)).mode & 0o777).toBe(0o600);
  });

  it('sweeps the leftover patterns it is given', async () => {
    const dead = deadPid();
    await put(`old.onnx.${dead}.123.abc.tmp`);
    await writeFileAtomic(path.join(dir, 'new.onnx'), new Uint8Array([1]), 'IO', {
      stalePatterns: [TEMP_NAME, /^[^.].*\.onnx\.(?<pid>\d+)\.\d+\.[0-9a-z]+\.tmp$/],
    });
    expect(await fs.readdir(dir)).toEqual(['new.onnx']);
  });

  it('fails with the code asked for, naming the path, and leaves no temporary file', async () => {
    const target = path.join(dir, 'missing', 'model.json');
    const e = await writeFileAtomic(target, 'x', 'IO').catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'IO' });
    expect((e as Error).message).toContain(target);
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
