/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
 * length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {..}}`,
 * then the tensors' bytes, with offsets counted from the end of the header. This module parses a
 * header (refusing anything malformed with a message that names the problem), reads tensors from a
 * file, and writes files.
 */
import { open } from 'node:fs/promises';
import { StudioError } from '../app/common/errors';
import { writeFileAtomic } from '../app/image/atomicWrite';

/** Bytes per element of every dtype the format defines. */
export const DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
} as const;

export type SafetensorsDType = keyof typeof DTYPE_BYTES;

/** The safetensors reference implementation refuses headers above 100 MB; so do we. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInfo {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** Byte offsets relative to the start of the data section (the end of the header). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** N: the JSON header's length in bytes. */
  headerBytes: number;
  /** Absolute file offset of the data section: 8 + N. */
  dataStart: number;
  /** Tensors in the order the header lists them. */
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
}

export interface TensorData {
  name: string;
  dtype: SafetensorsDType;
  shape: readonly number[];
  /** Raw little-endian bytes: dtype size x product of the shape. */
  data: Uint8Array;
}

/** Elements in a tensor of this shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function invalid(where: string, problem: string, cause?: unknown): StudioError {
  return new StudioError('MODEL_INTEGRITY', `${where} is not a valid safetensors file: ${problem}.`, {
    cause,
  });
}

/**
 * N from the file's first 8 bytes.
 * @param fileSize when known, N must fit in it.
 * @throws StudioError MODEL_INTEGRITY when fewer than 8 bytes were given or N is 0, above
 *   MAX_HEADER_BYTES or past the end of the file.
 */
export function readHeaderLength(first8: Uint8Array, where: string, fileSize?: number): number {
  if (first8.length < 8) {
    throw invalid(where, `it is truncated: ${first8.length} bytes, fewer than the 8-byte header length`);
  }
  const n = Buffer.from(first8.buffer, first8.byteOffset, 8).readBigUInt64LE(0);
  if (n === 0n) throw invalid(where, 'the header length is 0');
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw invalid(where, `the header length ${n} is above the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const headerBytes = Number(n);
  if (fileSize !== undefined && 8 + headerBytes > fileSize) {
    throw invalid(
      where,
      `it is truncated: the header needs ${headerBytes} bytes after the length but the file has ` +
        `${Math.max(0, fileSize - 8)}`,
    );
  }
  return headerBytes;
}

/**
 * Parses a header. `bytes` starts at the beginning of the file and holds at least 8 + N bytes (more is
 * ignored). With `fileSize`, every tensor must lie inside the file.
 * @throws StudioError MODEL_INTEGRITY naming the problem: truncated, bad JSON, a malformed entry, an
 *   unsupported dtype, offsets that disagree with the shape, out of range or overlapping.
 */
export function parseSafetensorsHeader(
  bytes: Uint8Array,
  where: string,
  fileSize?: number,
): SafetensorsHeader {
  const headerBytes = readHeaderLength(bytes, where, fileSize);
  if (bytes.length < 8 + headerBytes) {
    throw invalid(
      where,
      `it is truncated: the header needs ${headerBytes} bytes after the length but only ` +
        `${bytes.length - 8} were given`,
    );
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerBytes).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalid(where, `the header is not valid JSON (${(e as Error).message})`, e);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid(where, 'the header is not a JSON object');
  }
  const dataLength = fileSize === undefined ? undefined : fileSize - 8 - headerBytes;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(value, where);
      continue;
    }
    const t = parseEntry(name, value, where);
    if (dataLength !== undefined && t.end > dataLength) {
      throw invalid(
        where,
        `tensor ${name} ends at data byte ${t.end} but the data section has ${dataLength} bytes ` +
          '(the file is truncated or the offsets are wrong)',
      );
    }
    tensors.set(name, t);
  }
  const sorted = [...tensors.values()].filter((t) => t.end > t.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.begin < prev.end) {
      throw invalid(
        where,
        `tensors ${prev.name} [${prev.begin}, ${prev.end}) and ${cur.name} [${cur.begin}, ${cur.end}) overlap`,
      );
    }
  }
  return { headerBytes, dataStart: 8 + headerBytes, tensors, metadata };
}

function parseMetadata(value: unknown, where: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(where, '__metadata__ is not an object');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw invalid(where, `__metadata__.${k} is not a string`);
    out[k] = v;
  }
  return out;
}

function parseEntry(name: string, value: unknown, where: string): TensorInfo {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(where, `the entry of tensor ${name} is not an object`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') throw invalid(where, `tensor ${name} has no dtype`);
  if (!Object.hasOwn(DTYPE_BYTES, dtype)) {
    throw invalid(
      where,
      `tensor ${name} has the unsupported dtype ${JSON.stringify(dtype)} ` +
        `(supported: ${Object.keys(DTYPE_BYTES).join(', ')})`,
    );
  }
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw invalid(where, `tensor ${name} has no valid shape (expected an array of non-negative integers)`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw invalid(where, `tensor ${name} has no valid data_offsets (expected [begin, end])`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin)
    throw invalid(where, `tensor ${name} has data_offsets [${begin}, ${end}] that end before they begin`);
  const d = dtype as SafetensorsDType;
  const needed = elementCount(shape) * DTYPE_BYTES[d];
  if (end - begin !== needed) {
    throw invalid(
      where,
      `tensor ${name} (${d} [${shape.join(', ')}]) needs ${needed} bytes but its data_offsets ` +
        `[${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { name, dtype: d, shape: [...shape], begin, end };
}

/**
 * Reads and parses the header of the safetensors file at `file`.
 * @throws StudioError IO when the file cannot be read; MODEL_INTEGRITY when it is not a valid
 *   safetensors file (see parseSafetensorsHeader).
 */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new StudioError('IO', `Cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const size = (await fh.stat()).size;
    const first = Buffer.alloc(Math.min(8, size));
    await fh.read(first, 0, first.length, 0);
    const n = readHeaderLength(first, file, size);
    const all = Buffer.alloc(8 + n);
    await fh.read(all, 0, all.length, 0);
    return parseSafetensorsHeader(all, file, size);
  } finally {
    await fh.close();
  }
}

/**
 * Reads the raw bytes of the named tensors (all of them when `names` is omitted) from `file`.
 * @throws StudioError IO on a read failure; MODEL_INTEGRITY for a bad header or a missing name.
 */
export async function readSafetensors(file: string, names?: readonly string[]): Promise<TensorData[]> {
  const header = await readSafetensorsHeader(file);
  const wanted = names ?? [...header.tensors.keys()];
  const fh = await open(file, 'r');
  try {
    const out: TensorData[] = [];
    for (const name of wanted) {
      const t = header.tensors.get(name);
      if (!t) throw new StudioError('MODEL_INTEGRITY', `${file} has no tensor ${name}.`);
      const data = Buffer.alloc(t.end - t.begin);
      const { bytesRead } = await fh.read(data, 0, data.length, header.dataStart + t.begin);
      if (bytesRead !== data.length) throw invalid(file, `tensor ${name} is truncated`);
      out.push({ name, dtype: t.dtype, shape: t.shape, data });
    }
    return out;
  } finally {
    await fh.close();
  }
}

/**
 * The file's first 8 + N bytes for these tensors, packed in the given order without gaps. The JSON is
 * deterministic (keys in order, no spaces) and padded with spaces to a multiple of 8 bytes, so the data
 * section starts 8-byte aligned.
 */
export function encodeSafetensorsHeader(
  tensors: readonly Pick<TensorData, 'name' | 'dtype' | 'shape'>[],
  metadata?: Record<string, string>,
): Buffer {
  const json: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) json.__metadata__ = metadata;
  let at = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || Object.hasOwn(json, t.name)) {
      throw new StudioError(
        'INTERNAL',
        `Cannot write tensor name ${JSON.stringify(t.name)} twice or as __metadata__.`,
      );
    }
    const size = elementCount(t.shape) * DTYPE_BYTES[t.dtype];
    json[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [at, at + size] };
    at += size;
  }
  const text = Buffer.from(JSON.stringify(json), 'utf8');
  const padded = Math.ceil(text.length / 8) * 8;
  const out = Buffer.alloc(8 + padded, 0x20);
  out.writeBigUInt64LE(BigInt(padded), 0);
  text.copy(out, 8);
  return out;
}

/** Size of the file writeSafetensors writes for these tensors. */
export function safetensorsFileBytes(
  tensors: readonly Pick<TensorData, 'name' | 'dtype' | 'shape'>[],
  metadata?: Record<string, string>,
): number {
  const data = tensors.reduce((sum, t) => sum + elementCount(t.shape) * DTYPE_BYTES[t.dtype], 0);
  return encodeSafetensorsHeader(tensors, metadata).length + data;
}

/**
 * Writes `tensors` (in this order) as a safetensors file, atomically: a temporary file in the same folder
 * renamed over `file`, so a reader sees the old file or the complete new one.
 * @throws StudioError INTERNAL when a tensor's bytes do not match its dtype and shape; the file
 *   StudioError IO when the folder cannot be written.
 */
export async function writeSafetensors(
  file: string,
  tensors: readonly TensorData[],
  metadata?: Record<string, string>,
): Promise<void> {
  for (const t of tensors) {
    const need = elementCount(t.shape) * DTYPE_BYTES[t.dtype];
    if (t.data.byteLength !== need) {
      throw new StudioError(
        'INTERNAL',
        `Tensor ${t.name} (${t.dtype} [${t.shape.join(', ')}]) needs ${need} bytes, got ${t.data.byteLength}.`,
      );
    }
  }
  const header = encodeSafetensorsHeader(tensors, metadata);
  await writeFileAtomic(file, [header, ...tensors.map((t) => t.data)], 'IO');
}
