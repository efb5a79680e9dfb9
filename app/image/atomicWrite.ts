/**
 * Atomic file replacement: the bytes go to a temporary file in the destination's folder, are flushed, and
 * the temporary file is renamed over the destination. A reader sees the old file or the new one, never a
 * half-written one; on failure the temporary file is removed and an existing destination is untouched.
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

/** Name of the temporary file used while writing `target` (same folder, hidden, unique). */
export function tempPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/**
 * Writes `data` to `target` atomically (see the file comment).
 * @throws StudioError with `code` (IMAGE_WRITE by default) naming the path and the reason.
 */
export async function writeFileAtomic(
  target: string,
  data: Uint8Array,
  code: 'IMAGE_WRITE' | 'IO' = 'IMAGE_WRITE',
): Promise<void> {
  const temp = tempPathFor(target);
  let created = false;
  try {
    const handle = await fs.open(temp, 'wx');
    created = true;
    try {
      await handle.writeFile(data);
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
