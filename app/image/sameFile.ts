/**
 * Whether writing one path would overwrite another: the guard every export and the CLI's --out use so
 * that an original image or a mask is never replaced. Comparing path strings misses a symbolic link, a
 * hard link and a case variant on a case-insensitive file system (`Photo.JPG` and `photo.jpg`); the file's
 * identity (device and inode, following links) catches all three.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** A file's identity as `fs.stat(p, { bigint: true })` reports it. */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
}

/** Returns the identity of the file (or folder) a path names after following links; null when absent. */
export type IdentityOf = (p: string) => Promise<FileIdentity | null>;

const statIdentity: IdentityOf = async (p) => {
  try {
    const s = await stat(p, { bigint: true });
    return { dev: s.dev, ino: s.ino };
  } catch {
    return null;
  }
};

/**
 * Whether two identities are the same file. An inode of 0 means the file system reports none (some
 * network or FAT drives): then identities say nothing and the caller compares real paths.
 */
export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino !== 0n && b.ino !== 0n && a.dev === b.dev && a.ino === b.ino;
}

const realOrNull = (p: string) => realpath(p).catch(() => null);

/**
 * Whether `a` and `b` are the same file or folder, so that writing `b` would replace `a`: the same
 * resolved path, or (both existing) the same device and inode after following symbolic links, which
 * catches symbolic links, hard links and case variants on case-insensitive file systems. When one of
 * them does not exist (a new output file) nothing can be overwritten and the answer is false, unless the
 * two resolved path strings are equal.
 * @param identityOf how identities are read (tests pass a fake file system); default fs.stat.
 * Never throws: an unreadable path counts as absent.
 */
export async function sameFile(
  a: string,
  b: string,
  identityOf: IdentityOf = statIdentity,
): Promise<boolean> {
  if (path.resolve(a) === path.resolve(b)) return true;
  const [ia, ib] = await Promise.all([identityOf(a), identityOf(b)]);
  if (!ia || !ib) return false;
  if (sameIdentity(ia, ib)) return true;
  if (ia.ino !== 0n && ib.ino !== 0n) return false;
  const [ra, rb] = await Promise.all([realOrNull(a), realOrNull(b)]);
  return ra !== null && ra === rb;
}
