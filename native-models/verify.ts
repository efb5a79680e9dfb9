/**
 * `verify`: re-hashes installed models. A whole-file model is checked against the manifest's size and
 * SHA-256 (custom models: against their record). A tensor model is parsed and each tensor re-hashed: its
 * content SHA-256 must match the manifest's pin (or, unpinned, the hash recorded at install) and the file
 * its recorded SHA-256; a mismatch names the tensor that changed. A mismatching model is marked corrupt
 * (so that resolve() no longer offers it); nothing is deleted.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../app/common/errors';
import { findModel, isTensorModel, type ModelEntry } from './manifest';
import { readRecord, writeRecord, type ModelRecord } from './record';
import { readSafetensors, readSafetensorsHeader } from './safetensors';
import { sha256File } from './sha256';
import { folderOf, storeIds, type StoreContext } from './storeState';
import type { VerifyResult } from './storeTypes';
import { digestMismatch, digestTensors, matchTensors } from './tensorContent';

/** @throws StudioError CANCELLED when `signal` fires. */
export async function verifyModels(
  ctx: StoreContext,
  options: { ids?: string[]; signal?: AbortSignal } = {},
): Promise<VerifyResult[]> {
  const results: VerifyResult[] = [];
  for (const id of await storeIds(ctx)) {
    if (options.ids && !options.ids.includes(id)) continue;
    const folder = folderOf(ctx, id);
    const rec = await readRecord(folder);
    if (!rec) continue;
    const entry = findModel(id, ctx.manifest);
    const file = path.join(folder, rec.file);
    const tensorModel = (entry && isTensorModel(entry)) || rec.contentSha256 !== undefined;
    const expectedSha256 =
      (entry && isTensorModel(entry) ? entry.contentSha256 : entry?.sha256) ??
      rec.contentSha256 ??
      rec.sha256;
    const expectedBytes = entry && !tensorModel ? entry.bytes : rec.bytes;
    const base = { id, path: file, expectedSha256, expectedBytes };
    let actualBytes: number;
    let mtimeMs: number;
    try {
      ({ size: actualBytes, mtimeMs } = await stat(file));
    } catch {
      results.push({ ...base, status: 'missing', message: `${id}: the model file ${file} is missing.` });
      continue;
    }
    const fileSha256 = await sha256File(file, options.signal);
    let problem: string | null;
    let actualSha256 = fileSha256;
    if (tensorModel) {
      const checked = await tensorProblem(file, rec, entry, expectedSha256, fileSha256);
      problem = checked.problem;
      actualSha256 = checked.contentSha256 ?? fileSha256;
    } else {
      problem =
        fileSha256 === expectedSha256 && actualBytes === expectedBytes
          ? null
          : `SHA-256 mismatch (expected ${expectedSha256}, ${expectedBytes} bytes; found ${fileSha256}, ${actualBytes} bytes)`;
    }
    const how = entry ? `Run \`models download ${id} --force\` to replace it.` : 'Import it again.';
    results.push({
      ...base,
      status: problem ? 'mismatch' : 'ok',
      actualSha256,
      actualBytes,
      message: problem ? `${id}: ${problem}. ${how}` : `${id}: ok`,
    });
    const now = new Date().toISOString();
    await writeRecord(
      folder,
      problem
        ? { ...rec, status: 'corrupt' }
        : {
            ...rec,
            status: 'verified',
            verifiedAt: now,
            sha256: fileSha256,
            bytes: actualBytes,
            mtimeMs,
          },
    );
  }
  return results;
}

/** What is wrong with an installed tensor model, and its content hash when the file could be read. */
async function tensorProblem(
  file: string,
  rec: ModelRecord,
  entry: ModelEntry | undefined,
  expectedContent: string,
  fileSha256: string,
): Promise<{ problem: string | null; contentSha256?: string }> {
  try {
    const names =
      entry && isTensorModel(entry)
        ? entry.tensors.map((t) => t.name)
        : (rec.tensors ?? []).map((t) => t.name);
    if (entry && isTensorModel(entry)) {
      matchTensors(await readSafetensorsHeader(file), entry.tensors, file, entry.contentLabel);
    }
    const digest = digestTensors(await readSafetensors(file, names));
    const mismatch = digestMismatch({ contentSha256: expectedContent, tensors: rec.tensors }, digest);
    if (mismatch) return { problem: `${mismatch} in ${file}`, contentSha256: digest.contentSha256 };
    if (fileSha256 !== rec.sha256) {
      return {
        problem: `the file's SHA-256 is ${fileSha256}, not the ${rec.sha256} recorded at install (its header changed) in ${file}`,
        contentSha256: digest.contentSha256,
      };
    }
    return { problem: null, contentSha256: digest.contentSha256 };
  } catch (e) {
    if (e instanceof StudioError && e.code === 'MODEL_INTEGRITY')
      return { problem: e.message.replace(/\.$/, '') };
    throw e;
  }
}
