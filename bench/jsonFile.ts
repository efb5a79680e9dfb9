/**
 * The benches' one results writer: pretty JSON, written atomically (a temporary file named like every
 * other of ours, tempPathFor, renamed over the target), so a reader never sees half a results file.
 * Synchronous, for the benches' ends; the engine's own files go through writeFileAtomic.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempPathFor } from '../app/image/atomicWrite';

type Replacer = (this: unknown, key: string, value: unknown) => unknown;

/** Writes `data` as JSON (2-space indent, final newline) to `file`, creating its folder; returns `file`. */
export function writeJsonSync(file: string, data: unknown, replacer?: Replacer): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = tempPathFor(file);
  try {
    writeFileSync(temp, `${JSON.stringify(data, replacer, 2)}\n`, { flag: 'wx' });
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  return file;
}
