import { linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sameFile, sameIdentity, type FileIdentity } from './sameFile';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'same-file-'));
  writeFileSync(path.join(dir, 'target.jpg'), 'original');
  writeFileSync(path.join(dir, 'other.jpg'), 'original');
  symlinkSync(path.join(dir, 'target.jpg'), path.join(dir, 'link.jpg'));
  symlinkSync('target.jpg', path.join(dir, 'relative-link.jpg'));
  linkSync(path.join(dir, 'target.jpg'), path.join(dir, 'hard.jpg'));
  mkdirSync(path.join(dir, 'masks'));
  symlinkSync(path.join(dir, 'masks'), path.join(dir, 'masks-link'));
});

describe('sameFile', () => {
  it('the same path, written differently, is the same file', async () => {
    const p = path.join(dir, 'target.jpg');
    expect(await sameFile(p, path.join(dir, '.', 'masks', '..', 'target.jpg'))).toBe(true);
  });

  it('a symbolic link (absolute or relative) and its target are the same file', async () => {
    expect(await sameFile(path.join(dir, 'link.jpg'), path.join(dir, 'target.jpg'))).toBe(true);
    expect(await sameFile(path.join(dir, 'target.jpg'), path.join(dir, 'relative-link.jpg'))).toBe(true);
  });

  it('a hard link and the original are the same file', async () => {
    expect(await sameFile(path.join(dir, 'hard.jpg'), path.join(dir, 'target.jpg'))).toBe(true);
  });

  it('a folder and a link to it are the same folder', async () => {
    expect(await sameFile(path.join(dir, 'masks-link'), path.join(dir, 'masks'))).toBe(true);
  });

  it('two files with equal content are different files; a new path is nothing to overwrite', async () => {
    expect(await sameFile(path.join(dir, 'other.jpg'), path.join(dir, 'target.jpg'))).toBe(false);
    expect(await sameFile(path.join(dir, 'target.jpg'), path.join(dir, 'new.jpg'))).toBe(false);
  });

  it('a case variant on a case-insensitive file system: the same device and inode', async () => {
    // A fake case-insensitive file system: names differing only in case are one file.
    const files = new Map<string, FileIdentity>([['/photos/photo.jpg', { dev: 7n, ino: 42n }]]);
    const identityOf = async (p: string) => files.get(p.toLowerCase()) ?? null;
    expect(await sameFile('/photos/Photo.JPG', '/photos/photo.jpg', identityOf)).toBe(true);
    // The out file does not exist yet: nothing to overwrite.
    expect(await sameFile('/photos/photo.jpg', '/photos/Photo-out.JPG', identityOf)).toBe(false);
  });

  it('identities compare device and inode; an inode of 0 (not reported) is never a match', () => {
    expect(sameIdentity({ dev: 1n, ino: 5n }, { dev: 1n, ino: 5n })).toBe(true);
    expect(sameIdentity({ dev: 1n, ino: 5n }, { dev: 2n, ino: 5n })).toBe(false);
    expect(sameIdentity({ dev: 1n, ino: 5n }, { dev: 1n, ino: 6n })).toBe(false);
    expect(sameIdentity({ dev: 1n, ino: 0n }, { dev: 1n, ino: 0n })).toBe(false);
  });
});
