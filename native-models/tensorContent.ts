/**
 * Which tensors a weights model needs (names, dtypes, shapes), checking a safetensors header against that
 * list, and the model's content hash.
 *
 * **Content SHA-256** (what the manifest pins for a tensor model, and what the store records): the
 * SHA-256 of the concatenation of every required tensor's raw bytes (little-endian, exactly the bytes
 * between its `data_offsets`), in the order the manifest lists the tensors. It does not depend on the
 * header, on the order of the tensors in the source file or on the other tensors there, so the same value
 * holds for the full source file, for its byte ranges fetched over HTTP and for the extracted file (whose
 * data section is exactly that concatenation). Per-tensor SHA-256s are recorded next to it so that a
 * mismatch can name the tensor.
 */
import { createHash } from 'node:crypto';
import { StudioError } from '../app/common/errors';
import {
  safetensorsFileBytes,
  type SafetensorsDType,
  type SafetensorsHeader,
  type TensorInfo,
} from './safetensors';

export interface TensorRequirement {
  name: string;
  dtype: SafetensorsDType;
  shape: readonly number[];
}

export interface TensorDigest {
  /** See the module comment. */
  contentSha256: string;
  /** Each tensor's own SHA-256, in the required order. */
  tensors: { name: string; sha256: string }[];
}

/**
 * The header's entry for each required tensor, in the required order.
 * @param what what the tensors are, for the message (e.g. "VGG19's convolution weights").
 * @throws StudioError MODEL_INTEGRITY listing every tensor that is missing or has another dtype or shape.
 */
export function matchTensors(
  header: SafetensorsHeader,
  required: readonly TensorRequirement[],
  where: string,
  what: string,
): TensorInfo[] {
  const problems: string[] = [];
  const found: TensorInfo[] = [];
  for (const r of required) {
    const t = header.tensors.get(r.name);
    if (!t) {
      problems.push(`tensor ${r.name} is missing`);
      continue;
    }
    if (t.dtype !== r.dtype) problems.push(`tensor ${r.name} is ${t.dtype}, expected ${r.dtype}`);
    else if (!sameShape(t.shape, r.shape)) {
      problems.push(`tensor ${r.name} has shape [${t.shape.join(', ')}], expected [${r.shape.join(', ')}]`);
    } else found.push(t);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 6).join('; ');
    const more = problems.length > 6 ? `; and ${problems.length - 6} more problems` : '';
    throw new StudioError('MODEL_INTEGRITY', `${where} does not hold ${what}: ${shown}${more}.`);
  }
  return found;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The content and per-tensor SHA-256s of `tensors`, taken in the order given. */
export function digestTensors(tensors: readonly { name: string; data: Uint8Array }[]): TensorDigest {
  const content = createHash('sha256');
  const out: TensorDigest['tensors'] = [];
  for (const t of tensors) {
    content.update(t.data);
    out.push({ name: t.name, sha256: createHash('sha256').update(t.data).digest('hex') });
  }
  return { contentSha256: content.digest('hex'), tensors: out };
}

/**
 * What differs between an expected and an actual digest, in words: the tensors whose own hash changed
 * when the expected digest lists them, and the content hashes. Null when they match.
 */
export function digestMismatch(
  expected: { contentSha256: string; tensors?: readonly { name: string; sha256: string }[] },
  actual: TensorDigest,
): string | null {
  if (expected.contentSha256 === actual.contentSha256) return null;
  const content = `content SHA-256 ${actual.contentSha256}, expected ${expected.contentSha256}`;
  if (!expected.tensors) return content;
  const before = new Map(expected.tensors.map((t) => [t.name, t.sha256]));
  const changed = actual.tensors.filter((t) => before.get(t.name) !== t.sha256).map((t) => t.name);
  if (changed.length === 0) return content;
  const names =
    changed.slice(0, 8).join(', ') + (changed.length > 8 ? ` and ${changed.length - 8} more` : '');
  return `tensor${changed.length > 1 ? 's' : ''} ${names} changed (${content})`;
}

/** Metadata written into every extracted file (PyTorch's safetensors loader expects `format: pt`). */
export const EXTRACTED_METADATA: Readonly<Record<string, string>> = { format: 'pt' };

/** Size of the file the store writes for these tensors (header included). */
export function extractedFileBytes(tensors: readonly TensorRequirement[]): number {
  return safetensorsFileBytes(tensors, { ...EXTRACTED_METADATA });
}
