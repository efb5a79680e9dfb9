/**
 * Test helper: safetensors files that exist only as far as a test reads them. `virtualSafetensors` lays
 * out tensors like the Python writer (sorted by name, packed), holds the bytes of the tensors given data
 * and reads every other tensor as zeros; `makeVgg19Source` builds timm's vgg19.tv_in1k layout (the same
 * names, shapes and dtypes: 16 convolutions and the classifier) with real bytes only for conv1_1 … conv4_4,
 * so a 575 MB file costs 42 MB of memory and can be written to disk sparsely.
 */
import { open } from 'node:fs/promises';
import {
  DTYPE_BYTES,
  elementCount,
  encodeSafetensorsHeader,
  type SafetensorsDType,
  type TensorData,
} from '../../native-models/safetensors';
import { xorshift32 } from '../common/random';
import { digestTensors, type TensorDigest } from '../../native-models/tensorContent';
import type { VirtualFile } from './httpServer';
import { VGG19_CONV_LAYERS, VGG19_TEXTURE_LAYERS, vgg19Tensors } from '../../native-models/vgg19Layers';

export interface SourceTensor {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** The tensor's bytes; omitted: zeros, never held in memory. */
  data?: Uint8Array;
}

export interface SafetensorsSource extends VirtualFile {
  /** The first 8 + N bytes. */
  header: Buffer;
  dataStart: number;
  /** Absolute [start, end) of every tensor in the file. */
  ranges: Map<string, { start: number; end: number }>;
  /** Writes the file, sparsely (zero tensors are holes). */
  writeTo(file: string): Promise<void>;
}

export function virtualSafetensors(
  tensors: readonly SourceTensor[],
  o: { sort?: boolean; header?: Buffer } = {},
): SafetensorsSource {
  const ordered = o.sort === false ? [...tensors] : [...tensors].sort((a, b) => (a.name < b.name ? -1 : 1));
  const header = o.header ?? encodeSafetensorsHeader(ordered, { format: 'pt' });
  const dataStart = header.length;
  const ranges = new Map<string, { start: number; end: number }>();
  const held: { start: number; data: Uint8Array }[] = [];
  let at = dataStart;
  for (const t of ordered) {
    const bytes = elementCount(t.shape) * DTYPE_BYTES[t.dtype];
    ranges.set(t.name, { start: at, end: at + bytes });
    if (t.data) held.push({ start: at, data: t.data });
    at += bytes;
  }
  const size = at;
  const read = (start: number, end: number): Buffer => {
    const out = Buffer.alloc(Math.max(0, Math.min(end, size) - start));
    const copy = (from: number, data: Uint8Array): void => {
      const a = Math.max(start, from);
      const b = Math.min(start + out.length, from + data.length);
      if (b > a) out.set(data.subarray(a - from, b - from), a - start);
    };
    copy(0, header);
    for (const h of held) copy(h.start, h.data);
    return out;
  };
  return {
    size,
    header,
    dataStart,
    ranges,
    read,
    async writeTo(file) {
      const fh = await open(file, 'w');
      try {
        await fh.write(header, 0, header.length, 0);
        for (const h of held) await fh.write(h.data, 0, h.data.length, h.start);
        await fh.truncate(size);
      } finally {
        await fh.close();
      }
    },
  };
}

/** Deterministic pseudo-random float32 weights (xorshift32), small like trained ones. */
export function fakeWeights(count: number, seed: number): Uint8Array {
  const out = new Float32Array(count);
  const next = xorshift32((seed * 2654435761) >>> 0);
  for (let i = 0; i < count; i++) out[i] = (next() / 4294967296 - 0.5) * 0.2;
  return new Uint8Array(out.buffer);
}

export interface Vgg19Source {
  file: SafetensorsSource;
  /** conv1_1 … conv4_4 in the manifest's order, with their bytes. */
  wanted: TensorData[];
  digest: TensorDigest;
}

const cache = new Map<string, Vgg19Source>();

/**
 * timm's vgg19.tv_in1k layout. `classifier: 'real'` gives the real classifier shapes (a 575 MB file,
 * read as zeros); `'tiny'` small stand-ins with bytes (an 80 MB file: 42 MB wanted, 38 MB of conv5 read as zeros).
 */
export function makeVgg19Source(o: { classifier?: 'real' | 'tiny'; seed?: number } = {}): Vgg19Source {
  const classifier = o.classifier ?? 'real';
  const seed = o.seed ?? 1;
  const key = `${classifier}/${seed}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const wantedNames = new Set(vgg19Tensors(VGG19_TEXTURE_LAYERS).map((t) => t.name));
  const tensors: SourceTensor[] = vgg19Tensors(VGG19_CONV_LAYERS).map((t, i) => ({
    name: t.name,
    dtype: t.dtype,
    shape: [...t.shape],
    data: wantedNames.has(t.name) ? fakeWeights(elementCount(t.shape), seed * 1000 + i + 1) : undefined,
  }));
  const head: [string, number[]][] =
    classifier === 'real'
      ? [
          ['pre_logits.fc1.weight', [4096, 512, 7, 7]],
          ['pre_logits.fc1.bias', [4096]],
          ['pre_logits.fc2.weight', [4096, 4096, 1, 1]],
          ['pre_logits.fc2.bias', [4096]],
          ['head.fc.weight', [1000, 4096]],
          ['head.fc.bias', [1000]],
        ]
      : [
          ['pre_logits.fc1.weight', [8, 512, 1, 1]],
          ['pre_logits.fc1.bias', [8]],
          ['pre_logits.fc2.weight', [8, 8, 1, 1]],
          ['pre_logits.fc2.bias', [8]],
          ['head.fc.weight', [10, 8]],
          ['head.fc.bias', [10]],
        ];
  for (const [name, shape] of head) {
    tensors.push({
      name,
      dtype: 'F32',
      shape,
      data:
        classifier === 'tiny'
          ? fakeWeights(elementCount(shape), seed * 1000 + 900 + tensors.length)
          : undefined,
    });
  }
  const file = virtualSafetensors(tensors);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const wanted = vgg19Tensors(VGG19_TEXTURE_LAYERS).map((t) => ({
    name: t.name,
    dtype: t.dtype,
    shape: [...t.shape],
    data: byName.get(t.name)!.data!,
  }));
  const made = { file, wanted, digest: digestTensors(wanted) };
  cache.set(key, made);
  return made;
}
