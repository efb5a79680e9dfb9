/**
 * What the engine learned about an installed model by running it, kept next to the model as
 * `<model folder>/checks.json`: the self-check's reading (app/stages/lama/conventions/selfCheck.ts)
 * and whether batching was verified (batchCheck.ts). Entries are keyed by the model file's name and
 * hold its size and modification time: a changed file finds no entry and is checked again. Written
 * atomically (temp file + rename); a missing, unreadable or malformed file reads as no checks.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { StudioError } from '../app/common/errors';
import { writeFileAtomic } from '../app/image/atomicWrite';

export const CHECKS_FILE = 'checks.json';

const ReadingSchema = z.object({
  order: z.enum(['RGB', 'BGR']),
  outputScale: z.union([z.literal(1), z.literal(255)]),
  maskInverted: z.boolean(),
});

const ChecksSchema = z.object({
  selfCheck: z
    .object({
      convention: z.string(),
      reading: ReadingSchema,
      error: z.number(),
      orderDecided: z.boolean(),
      checkedAt: z.string(),
    })
    .optional(),
  batch: z
    .object({
      capable: z.boolean(),
      maxDiff: z.number().nullable(),
      reason: z.string(),
      checkedAt: z.string(),
    })
    .optional(),
});

const FileSchema = z.object({
  version: z.literal(1),
  files: z.record(z.string(), z.object({ size: z.number(), mtimeMs: z.number(), checks: ChecksSchema })),
});

export type ModelChecks = z.infer<typeof ChecksSchema>;
type ChecksFile = z.infer<typeof FileSchema>;

/** The checks recorded for the model file at `modelPath`; {} when none (or the file changed since). */
export async function readModelChecks(modelPath: string): Promise<ModelChecks> {
  const [file, info] = await Promise.all([readChecksFile(modelPath), stat(modelPath).catch(() => null)]);
  const entry = file.files[path.basename(modelPath)];
  if (!entry || !info || entry.size !== info.size || entry.mtimeMs !== info.mtimeMs) return {};
  return entry.checks;
}

/**
 * Merges `checks` into the model's entry (an entry of an older version of the file is dropped first)
 * and writes checks.json atomically. Records nothing for a model file named checks.json.
 * @throws StudioError IO when the model file cannot be read or checks.json cannot be written.
 */
export async function recordModelChecks(modelPath: string, checks: ModelChecks): Promise<void> {
  // A model file that is itself named checks.json (a custom import may be) has nowhere to keep them.
  if (path.basename(modelPath) === CHECKS_FILE) return;
  const info = await stat(modelPath).catch((e: unknown) => {
    throw new StudioError('IO', `Cannot read the model file ${modelPath}: ${(e as Error).message}`, {
      cause: e,
    });
  });
  const file = await readChecksFile(modelPath);
  const name = path.basename(modelPath);
  const old = file.files[name];
  const same = old && old.size === info.size && old.mtimeMs === info.mtimeMs;
  file.files[name] = {
    size: info.size,
    mtimeMs: info.mtimeMs,
    checks: { ...(same ? old.checks : {}), ...checks },
  };
  const bytes = new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`);
  await writeFileAtomic(path.join(path.dirname(modelPath), CHECKS_FILE), bytes, 'IO');
}

async function readChecksFile(modelPath: string): Promise<ChecksFile> {
  try {
    const text = await readFile(path.join(path.dirname(modelPath), CHECKS_FILE), 'utf8');
    const parsed = FileSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // missing or not JSON: no checks
  }
  return { version: 1, files: {} };
}
