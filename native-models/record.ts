/**
 * The per-model record `<store>/<id>/model.json`: what was installed, from where, and its verified
 * SHA-256. Written only after the file's hash was checked, atomically (writeFileAtomic: temp file + rename), so a reader
 * sees either the old record or the new one.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../app/image/atomicWrite';

export const RECORD_FILE = 'model.json';

const plainFileName = z
  .string()
  .min(1)
  .refine((s) => path.basename(s) === s && s !== '.' && s !== '..' && !s.includes('\\'), {
    message: 'must be a plain file name',
  });

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

const RecordSchema = z.object({
  version: z.literal(1),
  id: z.string().min(1),
  /** File name inside the model's folder. */
  file: plainFileName,
  purpose: z.enum(['inpaint', 'features']),
  label: z.string().optional(),
  /** Lower-case hex SHA-256 of the installed file. */
  sha256: sha256Hex,
  bytes: z.number().int().nonnegative(),
  /**
   * The file's modification time (ms since the epoch, as `stat` gives it) when its hash last matched.
   * A load whose file has another size or mtime re-hashes it first (store.ts). Absent in records written
   * before it existed: the first load then hashes and records it.
   */
  mtimeMs: z.number().nonnegative().optional(),
  /** `download`: `source` is the URL; `import`: `source` is the absolute path of the imported file. */
  sourceKind: z.enum(['download', 'import']),
  source: z.string(),
  /** ISO 8601. */
  installedAt: z.string(),
  /** ISO 8601: when the hash was last checked and matched. */
  verifiedAt: z.string(),
  /** `corrupt` once `verify` or a load found the file's hash changed; such a model is not resolved. */
  status: z.enum(['verified', 'corrupt']),
  /** True for a model that is not in the manifest (imported by the user). */
  custom: z.boolean(),
  /** Convention id the caller gave (custom imports) or the manifest's. */
  convention: z.string().optional(),
  /** Tensor models: the content SHA-256 of the tensors (tensorContent.ts). */
  contentSha256: sha256Hex.optional(),
  /** Tensor models: each tensor's SHA-256, in the manifest's order (names a changed tensor). */
  tensors: z.array(z.object({ name: z.string().min(1), sha256: sha256Hex })).optional(),
  /**
   * Tensor models: what vouched for the content hash. `manifest`: it matched the manifest's pin;
   * `source-file`: the imported source file matched the manifest's whole-file SHA-256; `first-use`:
   * nothing did (the user opted in), the hash was recorded and later loads are checked against it.
   */
  trust: z.enum(['manifest', 'source-file', 'first-use']).optional(),
});

export type ModelRecord = z.infer<typeof RecordSchema>;

/** What vouched for a tensor model's content hash (see the record's `trust`). */
export type ContentTrust = NonNullable<ModelRecord['trust']>;

/** Reads `<modelDir>/model.json`; null when it is absent or not a valid record (the model counts as not installed). */
export async function readRecord(modelDir: string): Promise<ModelRecord | null> {
  let text: string;
  try {
    text = await readFile(path.join(modelDir, RECORD_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = RecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Writes `<modelDir>/model.json` atomically. @throws StudioError IO when the folder is not writable. */
export async function writeRecord(modelDir: string, record: ModelRecord): Promise<void> {
  const valid = RecordSchema.parse(record);
  const target = path.join(modelDir, RECORD_FILE);
  await writeFileAtomic(target, JSON.stringify(valid, null, 2) + '\n', 'IO');
}
