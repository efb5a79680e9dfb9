/**
 * Installing tensor models (manifest entries of kind 'tensors'): the required tensors are fetched out of
 * the remote safetensors file by byte ranges (rangeFetch.ts) or read out of a local safetensors file,
 * checked (names, dtypes, shapes, content SHA-256) and written as a small safetensors file of their own.
 *
 * Trust: the content SHA-256 is checked against the manifest's pin. Where the manifest pins none, an
 * import of the source file whose whole-file SHA-256 the manifest pins is verified by that; anything else
 * is installed only when the user opts in (trust on first use), and the computed hashes are recorded so
 * that `verify` and later loads are checked against them. The caller (ModelStore) holds the model's lock.
 */
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../app/common/errors';
import { tempPathFor } from '../app/image/atomicWrite';
import type { TensorModelEntry } from './manifest';
import { fetchTensorRanges } from './rangeFetch';
import type { ContentTrust } from './record';
import { readSafetensors, readSafetensorsHeader, writeSafetensors, type TensorData } from './safetensors';
import { sha256File } from './sha256';
import {
  dropEmptyFolder,
  folderOf,
  installModel,
  namingUserFile,
  openModelFolder,
  TRUST_UNPINNED_ENV,
  type StoreContext,
} from './storeState';
import type { DownloadOptions, ImportOptions, InstalledModel } from './storeTypes';
import {
  EXTRACTED_METADATA,
  digestMismatch,
  digestTensors,
  matchTensors,
  type TensorDigest,
} from './tensorContent';

/**
 * Fetches the entry's tensors by HTTP Range requests, checks them and installs them.
 * @throws StudioError MODEL_INTEGRITY before any request when the content hash is not pinned and trust on
 *   first use is off, and when the tensors do not match the pin (the fetched bytes are deleted, an
 *   installed model is never touched); otherwise as fetchTensorRanges (MODEL_DOWNLOAD keeps the fetched
 *   ranges for a resume).
 */
export async function downloadTensorModel(
  ctx: StoreContext,
  entry: TensorModelEntry,
  options: DownloadOptions,
): Promise<InstalledModel> {
  const id = entry.id;
  const tofu = options.trustOnFirstUse ?? ctx.trustOnFirstUse;
  if (entry.contentSha256 === null && !tofu) {
    throw new StudioError(
      'MODEL_INTEGRITY',
      `${id}: the manifest pins no content SHA-256 for ${entry.contentLabel} (${entry.unpinnedReason ?? 'not known'}), ` +
        'so fetched weights could not be verified and nothing was downloaded. Either download the source ' +
        `file ${entry.url} yourself and run \`inpaint-studio models import ${id} <file>\` (it is checked ` +
        `against the pinned whole-file SHA-256), or accept what the server sends and have its hash recorded ` +
        `and checked from then on: \`inpaint-studio models download ${id} --trust-on-first-use\` ` +
        `(or ${TRUST_UNPINNED_ENV}=1).`,
    );
  }
  const folder = folderOf(ctx, id);
  await openModelFolder(folder);
  const partial = path.join(folder, `${entry.file}.partial`);
  const url = options.urlOverride ?? entry.url;
  const onProgress = options.onProgress;
  const fetched = await fetchTensorRanges({
    url,
    partial,
    label: id,
    required: entry.tensors,
    what: entry.contentLabel,
    expectedSourceBytes: entry.sourceBytes,
    signal: options.signal,
    idleTimeoutMs: ctx.idleTimeoutMs,
    retries: ctx.retries,
    retryDelayMs: ctx.retryDelayMs,
    onProgress: onProgress && ((p) => onProgress({ id, received: p.received, total: p.total })),
  });
  const dropPartial = async (): Promise<void> => {
    await rm(partial, { force: true });
    await rm(`${partial}.json`, { force: true });
  };
  const digest = digestTensors(fetched.tensors);
  let trust: ContentTrust = 'first-use';
  if (entry.contentSha256 !== null) {
    const problem = digestMismatch({ contentSha256: entry.contentSha256 }, digest);
    if (problem) {
      await dropPartial();
      throw new StudioError(
        'MODEL_INTEGRITY',
        `The tensors of ${id} fetched from ${url} are not the pinned ${entry.contentLabel}: ${problem}. ` +
          'The bad download was deleted and nothing was installed.',
      );
    }
    trust = 'manifest';
  }
  const installed = await installTensors(ctx, entry, fetched.tensors, digest, trust, {
    sourceKind: 'download',
    source: url,
    signal: options.signal,
  });
  await dropPartial();
  return installed;
}

/**
 * Reads the entry's tensors out of a local safetensors file (the full source file or one holding just
 * these tensors), checks them and installs them; `source` is never modified. `options.validate` (an
 * ONNX model check) does not apply and is not called: the tensors' names, dtypes, shapes and hashes are
 * the check.
 * @throws StudioError IO when the file cannot be read; MODEL_INTEGRITY when it is not a valid safetensors
 *   file, lacks a tensor or has another dtype or shape for one (the message names it), its tensors do
 *   not match the pinned content hash, or nothing vouches for them and trust on first use is off;
 *   CANCELLED when `signal` fires.
 */
export async function importTensorModel(
  ctx: StoreContext,
  entry: TensorModelEntry,
  source: string,
  options: ImportOptions,
): Promise<InstalledModel> {
  try {
    return await importTensors(ctx, entry, source, options);
  } catch (e) {
    throw namingUserFile(e, source, options.sourceName ?? source);
  }
}

async function importTensors(
  ctx: StoreContext,
  entry: TensorModelEntry,
  source: string,
  options: ImportOptions,
): Promise<InstalledModel> {
  const id = entry.id;
  const header = await readSafetensorsHeader(source);
  matchTensors(header, entry.tensors, source, entry.contentLabel);
  const tensors = await readSafetensors(
    source,
    entry.tensors.map((t) => t.name),
  );
  const digest = digestTensors(tensors);
  let trust: ContentTrust;
  if (entry.contentSha256 !== null) {
    const problem = digestMismatch({ contentSha256: entry.contentSha256 }, digest);
    if (problem) {
      throw new StudioError(
        'MODEL_INTEGRITY',
        `${source} does not hold the pinned ${entry.contentLabel}: ${problem}. Nothing was installed.`,
      );
    }
    trust = 'manifest';
  } else {
    const whole = entry.sourceSha256 === null ? null : await sha256File(source, options.signal);
    if (whole !== null && whole === entry.sourceSha256) trust = 'source-file';
    else if (options.trustOnFirstUse ?? ctx.trustOnFirstUse) trust = 'first-use';
    else {
      const notSource =
        whole === null
          ? 'the manifest pins no source file to compare it with'
          : `it is not the pinned source file (its SHA-256 is ${whole}; ${entry.url} has ${entry.sourceSha256})`;
      throw new StudioError(
        'MODEL_INTEGRITY',
        `${source} holds ${entry.contentLabel}, but nothing vouches for them: ${notSource}, and the manifest ` +
          `pins no content SHA-256 for ${id} (${entry.unpinnedReason ?? 'not known'}). Nothing was installed. ` +
          'To install them anyway and have their hash recorded and checked from then on, add ' +
          `--trust-on-first-use (or set ${TRUST_UNPINNED_ENV}=1).`,
      );
    }
  }
  return installTensors(ctx, entry, tensors, digest, trust, {
    sourceKind: 'import',
    source: options.sourceName ?? source,
    signal: options.signal,
  });
}

/** Writes the tensors as `<folder>/<entry.file>` (temp file, checked, renamed) and records their hashes. */
async function installTensors(
  ctx: StoreContext,
  entry: TensorModelEntry,
  tensors: readonly TensorData[],
  digest: TensorDigest,
  trust: ContentTrust,
  from: { sourceKind: 'download' | 'import'; source: string; signal?: AbortSignal },
): Promise<InstalledModel> {
  const folder = folderOf(ctx, entry.id);
  await openModelFolder(folder);
  const tmp = tempPathFor(path.join(folder, entry.file));
  let installed = false;
  try {
    await writeSafetensors(tmp, tensors, { ...EXTRACTED_METADATA });
    const bytes = (await stat(tmp)).size;
    const sha256 = await sha256File(tmp, from.signal);
    const m = await installModel(ctx, folder, tmp, {
      id: entry.id,
      file: entry.file,
      purpose: entry.purpose,
      sha256,
      bytes,
      sourceKind: from.sourceKind,
      source: from.source,
      custom: false,
      convention: entry.convention,
      contentSha256: digest.contentSha256,
      tensors: digest.tensors,
      trust,
    });
    installed = true;
    return m;
  } finally {
    await rm(tmp, { force: true });
    if (!installed) await dropEmptyFolder(folder);
  }
}
