/**
 * Installing whole-file models: download (resumable, then size and SHA-256 checked against the manifest)
 * and import of a local file (a manifest model's file, checked the same way, or a custom model). The
 * caller (ModelStore) holds the model's lock and has checked the id.
 */
import { copyFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../app/common/errors';
import { tempPathFor } from '../app/image/atomicWrite';
import { fetchToFile } from './download';
import { modelFileName, type FileModelEntry } from './manifest';
import { sha256File } from './sha256';
import {
  customFileName,
  dropEmptyFolder,
  folderOf,
  installModel,
  namingUserFile,
  openModelFolder,
  type StoreContext,
} from './storeState';
import type { DownloadOptions, ImportOptions, InstalledModel } from './storeTypes';

/**
 * Downloads `entry` (resuming an earlier partial download), checks its size and SHA-256 and installs it.
 * @throws StudioError MODEL_DOWNLOAD on network failure (the partial file is kept for a resume);
 *   MODEL_INTEGRITY on a size or hash mismatch (the partial file is deleted, an installed file is never
 *   touched); CANCELLED when `signal` fires (the partial file is kept); IO when the store cannot be written.
 */
export async function downloadFileModel(
  ctx: StoreContext,
  entry: FileModelEntry,
  options: DownloadOptions,
): Promise<InstalledModel> {
  const id = entry.id;
  const folder = folderOf(ctx, id);
  await openModelFolder(folder);
  const file = modelFileName(entry);
  const partial = path.join(folder, `${file}.partial`);
  const url = options.urlOverride ?? entry.url;
  const onProgress = options.onProgress;
  await fetchToFile({
    url,
    dest: partial,
    label: id,
    expectedBytes: entry.bytes,
    signal: options.signal,
    idleTimeoutMs: ctx.idleTimeoutMs,
    onProgress: onProgress && ((p) => onProgress({ id, received: p.received, total: entry.bytes })),
  });
  const problem = await integrityProblem(partial, entry.bytes, entry.sha256, options.signal);
  if (problem) {
    await rm(partial, { force: true });
    throw new StudioError(
      'MODEL_INTEGRITY',
      `The download of ${id} from ${url} is not the expected file: ${problem}. ` +
        'The bad download was deleted and nothing was installed.',
    );
  }
  return installModel(ctx, folder, partial, {
    id,
    file,
    purpose: entry.purpose,
    sha256: entry.sha256,
    bytes: entry.bytes,
    sourceKind: 'download',
    source: url,
    custom: false,
    convention: entry.convention,
  });
}

/**
 * Copies `source` into the store as model `id`: a manifest model when `entry` is given (the copy must
 * have its size and SHA-256), else a custom model (purpose 'inpaint'). The copy is hashed, passed to
 * `validate`, then renamed into place; the source file is never moved or modified.
 * @throws StudioError MODEL_INTEGRITY when a manifest model's file does not match; whatever `validate`
 *   throws (nothing is installed then); CANCELLED when `signal` fires; IO when the store cannot be written.
 */
export async function importFileModel(
  ctx: StoreContext,
  id: string,
  entry: FileModelEntry | undefined,
  source: string,
  options: ImportOptions,
): Promise<InstalledModel> {
  const folder = folderOf(ctx, id);
  const shown = options.sourceName ?? source;
  const file = entry ? modelFileName(entry) : customFileName(source);
  await openModelFolder(folder);
  const tmp = tempPathFor(path.join(folder, file));
  let installed = false;
  try {
    await copyFile(source, tmp);
    const bytes = (await stat(tmp)).size;
    let sha256: string;
    if (entry) {
      const problem = await integrityProblem(tmp, entry.bytes, entry.sha256, options.signal);
      if (problem) {
        throw new StudioError(
          'MODEL_INTEGRITY',
          `${shown} is not the ${id} model: ${problem}. Nothing was installed.`,
        );
      }
      sha256 = entry.sha256;
    } else {
      sha256 = await sha256File(tmp, options.signal);
    }
    const detected = await options.validate?.(tmp);
    const m = await installModel(ctx, folder, tmp, {
      id,
      file,
      purpose: entry?.purpose ?? 'inpaint',
      label: entry ? undefined : (options.label ?? id),
      sha256,
      bytes,
      sourceKind: 'import',
      source: shown,
      custom: !entry,
      convention:
        (typeof detected === 'string' ? detected : undefined) ?? options.convention ?? entry?.convention,
    });
    installed = true;
    return m;
  } catch (e) {
    // Messages name the user's file, never the store's temporary copy or a caller's private copy.
    throw namingUserFile(namingUserFile(e, tmp, shown), source, shown);
  } finally {
    await rm(tmp, { force: true });
    if (!installed) await dropEmptyFolder(folder);
  }
}

/** What is wrong with `file` against the expected size and hash, or null when it matches. */
async function integrityProblem(
  file: string,
  bytes: number,
  sha256: string,
  signal: AbortSignal | undefined,
): Promise<string | null> {
  const size = (await stat(file)).size;
  if (size !== bytes) return `expected ${bytes} bytes but got ${size} bytes`;
  const actual = await sha256File(file, signal);
  if (actual !== sha256) return `expected SHA-256 ${sha256} but got ${actual}`;
  return null;
}
