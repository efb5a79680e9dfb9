/**
 * Stage-result cache. Each stage's key chains the previous stage's key with the stage's name and
 * resolved parameters, so changing a later stage's parameter never re-runs an earlier one.
 * Bounded by bytes (least recently used entries go first).
 */
import { createHash } from 'node:crypto';
import type { Mask, RgbImage } from '../image/types';
import type { StageOutput } from './types';

const imageKeys = new WeakMap<object, string>();

/** Content hash of an image (memoised per data array: an image's data is never mutated in place). */
export function imageKey(img: RgbImage): string {
  let k = imageKeys.get(img.data);
  if (!k) {
    const h = createHash('sha256');
    h.update(`${img.width}x${img.height}:`);
    h.update(new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength));
    k = h.digest('hex');
    imageKeys.set(img.data, k);
  }
  return k;
}

export function maskKey(mask: Mask): string {
  const h = createHash('sha256');
  h.update(`${mask.width}x${mask.height}:`);
  h.update(mask.data);
  return h.digest('hex');
}

/** Key of a stage run: previous key + stage name + canonical JSON of its parameters and options. */
export function chainKey(previous: string, stage: string, params: unknown): string {
  return createHash('sha256')
    .update(previous)
    .update('\0')
    .update(stage)
    .update('\0')
    .update(stableJson(params))
    .digest('hex');
}

function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(',')}}`;
}

function sizeOf(out: StageOutput): number {
  return out.image.data.byteLength + (out.mask?.data.byteLength ?? 0) + 1024;
}

export class StageCache {
  private readonly entries = new Map<string, StageOutput>();
  private bytes = 0;
  constructor(readonly maxBytes = 2 * 1024 ** 3) {}

  get(key: string): StageOutput | undefined {
    const v = this.entries.get(key);
    if (v) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: string, value: StageOutput): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= sizeOf(old);
      this.entries.delete(key);
    }
    this.entries.set(key, value);
    this.bytes += sizeOf(value);
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes || this.entries.size <= 1) break;
      this.entries.delete(k);
      this.bytes -= sizeOf(v);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}
