/**
 * `INPAINT_STUDIO_MANIFEST`: the browser host's model list from a JSON file or an http(s) address instead
 * of the built-in manifest (native-models/manifest.ts) — a mirror, an in-house model server, or the
 * end-to-end tests' local server. The file holds an array of manifest entries (the fields of ModelEntry);
 * a relative `url` is resolved against the manifest's own address. Every entry still pins a size and a
 * SHA-256, and a download that does not match them is refused, exactly as with the built-in list.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { StudioError } from '../common/errors';
import { isValidModelId, type ModelEntry } from '../../native-models/manifest';

export const MANIFEST_ENV = 'INPAINT_STUDIO_MANIFEST';

const CONVENTIONS = ['lama-fixed-rgb', 'lama-fixed-bgr', 'lama-dynamic-4ch', 'migan'] as const;

const TensorSchema = z.object({
  name: z.string(),
  dtype: z.enum(['float32', 'float16', 'uint8', 'int8', 'int32', 'int64', 'bool']),
  dims: z.array(z.union([z.number().int(), z.string()])),
  range: z.string(),
});

const EntrySchema = z.object({
  id: z.string().refine(isValidModelId, { message: 'expected 1-64 of a-z, 0-9, ".", "_", "-"' }),
  purpose: z.enum(['inpaint', 'features']),
  label: z.string().min(1),
  convention: z.enum(CONVENTIONS).optional(),
  url: z.string().min(1),
  bytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected 64 lower-case hex digits' }),
  licence: z.string().default('unknown'),
  homepage: z.string().default(''),
  inputs: z.array(TensorSchema).default([]),
  outputs: z.array(TensorSchema).default([]),
  notes: z.string().optional(),
});

const ManifestSchema = z.array(EntrySchema).min(1);

/**
 * Reads and checks a manifest from a path or an http(s) URL.
 * @throws StudioError PARAM_INVALID naming the source and the first problems (unreadable, not JSON, a bad
 *   field, a duplicate id, a URL that is not http(s)).
 */
export async function loadManifest(source: string): Promise<ModelEntry[]> {
  const isUrl = /^https?:\/\//i.test(source);
  const base = isUrl ? source : pathToFileURL(path.resolve(source)).href;
  let text: string;
  try {
    if (isUrl) {
      const res = await fetch(source);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } else text = await readFile(source, 'utf8');
  } catch (e) {
    throw new StudioError(
      'PARAM_INVALID',
      `Cannot read the model manifest ${source} (${MANIFEST_ENV}): ${(e as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StudioError('PARAM_INVALID', `The model manifest ${source} (${MANIFEST_ENV}) is not JSON`);
  }
  const r = ManifestSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(manifest)'}: ${i.message}`)
      .join('; ');
    throw new StudioError(
      'PARAM_INVALID',
      `The model manifest ${source} (${MANIFEST_ENV}) is not valid: ${issues}`,
    );
  }
  const seen = new Set<string>();
  for (const e of r.data) {
    if (seen.has(e.id))
      throw new StudioError('PARAM_INVALID', `The model manifest ${source} lists ${e.id} twice`);
    seen.add(e.id);
  }
  return r.data.map((e) => {
    const url = new URL(e.url, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new StudioError(
        'PARAM_INVALID',
        `The model manifest ${source}: ${e.id}'s url must be http(s), not ${JSON.stringify(e.url)}`,
      );
    return { ...e, url: url.href };
  });
}
