/** Streaming SHA-256 of a file: constant memory for 200 MB models. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { StudioError } from '../app/common/errors';

/**
 * Lower-case hex SHA-256 of the whole file at `file`.
 * @throws StudioError CANCELLED when `signal` fires; IO when the file cannot be read.
 */
export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal })) {
      hash.update(chunk as Buffer);
    }
  } catch (e) {
    if (signal?.aborted) throw new StudioError('CANCELLED', 'The operation was cancelled.', { cause: e });
    const reason = e instanceof Error ? e.message : String(e);
    throw new StudioError('IO', `Could not read ${file} to compute its SHA-256: ${reason}`, { cause: e });
  }
  return hash.digest('hex');
}
