/**
 * Atomic file replacement: the bytes go to a temporary file in the destination's folder, are flushed, and
 * the temporary file is renamed over the destination. A reader sees the old file or the new one, never a
 * half-written one; on failure the temporary file is removed and an existing destination is untouched.
 * A process killed mid-write (`kill -9`, a power cut) leaves its temporary file behind: the next write
 * into that folder removes such leftovers (removeStaleTemps). Used by the image writers and the model
 * store, so every temporary file of ours has the one name pattern below.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StudioError } from '../common/errors';

/** Explains a Node file-system error in words a user can act on. */
export function describeFsError(e: unknown, target: string): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `the folder ${path.dirname(target)} does not exist`;
    case 'ENOTDIR':
      return `a part of the path ${path.dirname(target)} is not a folder`;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EISDIR':
      return `${target} is a folder`;
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Our temporary files: `.<target name>.<writer pid>.<8 hex digits>.tmp` (tempPathFor). Earlier versions
 * of the model store used a UUID in place of the 8 hex digits; those names match too.
 */
export const TEMP_NAME =
  /^\..+\.(?<pid>\d+)\.(?:[0-9a-f]{8}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.tmp$/;

/** A temporary file of ours older than this is a leftover even when its writer's pid is alive (pid reuse). */
export const STALE_TEMP_MS = 60 * 60 * 1000;

/** Name of the temporary file used while writing `target` (same folder, hidden, unique; see TEMP_NAME). */
export function tempPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/** True when process `pid` exists (on this machine); EPERM means it exists but belongs to someone else. */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface StaleTempOptions {
  /** Age (by modification time) past which a temporary file is removed whatever its pid. Default STALE_TEMP_MS. */
  maxAgeMs?: number;
  /** Name patterns of temporary files, each with a named group `pid`. Default [TEMP_NAME]. */
  patterns?: readonly RegExp[];
}

/**
 * Removes leftover temporary files of ours from `folder`: files whose name matches one of `patterns`
 * and whose writer (the pid in the name) is no longer running, or that were last written more than
 * `maxAgeMs` ago. A file of this process is removed only by age; nothing else is ever touched. Best
 * effort: a folder or file that cannot be read or removed is left alone. Returns the names removed.
 */
export async function removeStaleTemps(folder: string, options: StaleTempOptions = {}): Promise<string[]> {
  const maxAgeMs = options.maxAgeMs ?? STALE_TEMP_MS;
  const patterns = options.patterns ?? [TEMP_NAME];
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = patterns.map((p) => p.exec(name)).find((m) => m?.groups?.pid !== undefined);
    if (!match) continue;
    const file = path.join(folder, name);
    try {
      const st = await fs.lstat(file);
      if (!st.isFile()) continue;
      const pid = Number(match.groups!.pid);
      const old = Date.now() - st.mtimeMs > maxAgeMs;
      const orphan = pid !== process.pid && !processAlive(pid);
      if (!old && !orphan) continue;
      await fs.rm(file);
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
  return removed;
}

export interface AtomicWriteOptions {
  /** Permission bits of a new file (default 0o666 less the umask), e.g. 0o600 for a private cache. */
  mode?: number;
  /** Name patterns of leftovers to sweep from the folder first (default [TEMP_NAME]; see removeStaleTemps). */
  stalePatterns?: readonly RegExp[];
}

/**
 * Writes `data` (bytes, UTF-8 text, or byte chunks written in order) to `target` atomically (see the file
 * comment), first removing leftover temporary files of ours from the folder (removeStaleTemps). The one
 * atomic writer: images, masks, sessions, model records, safetensors and the generated-model cache.
 * @throws StudioError with `code` (IMAGE_WRITE by default) naming the path and the reason.
 */
export async function writeFileAtomic(
  target: string,
  data: Uint8Array | string | readonly Uint8Array[],
  code: 'IMAGE_WRITE' | 'IO' = 'IMAGE_WRITE',
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = tempPathFor(target);
  await removeStaleTemps(path.dirname(target), { patterns: options.stalePatterns });
  let created = false;
  try {
    const handle = await fs.open(temp, 'wx', options.mode);
    created = true;
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
      else for (const chunk of data) await handle.writeFile(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
    created = false;
  } catch (e) {
    if (created) await fs.rm(temp, { force: true }).catch(() => undefined);
    throw new StudioError(code, `Cannot write ${target}: ${describeFsError(e, target)}`, { cause: e });
  }
}
