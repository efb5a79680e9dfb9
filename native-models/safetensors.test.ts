import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../app/common/errors';
import {
  encodeSafetensorsHeader,
  parseSafetensorsHeader,
  readSafetensors,
  readSafetensorsHeader,
  safetensorsFileBytes,
  writeSafetensors,
  type TensorData,
} from './safetensors';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'inpaint-st-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const f32 = (...v: number[]): Uint8Array => new Uint8Array(new Float32Array(v).buffer);

/** A file made of an 8-byte length and `json` (padded to 8), then `data`. */
function fileOf(json: unknown, data: Uint8Array = new Uint8Array(0)): Buffer {
  const text = Buffer.from(typeof json === 'string' ? json : JSON.stringify(json));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([len, text, data]);
}

function problem(bytes: Uint8Array, fileSize?: number): string {
  try {
    parseSafetensorsHeader(bytes, 'x.safetensors', fileSize);
  } catch (e) {
    expect(e).toBeInstanceOf(StudioError);
    expect((e as StudioError).code).toBe('MODEL_INTEGRITY');
    return (e as StudioError).message;
  }
  throw new Error('expected the header to be refused');
}

describe('safetensors', () => {
  it('writes a file that parses back to the same tensors, with the data 8-byte aligned', async () => {
    const tensors: TensorData[] = [
      { name: 'w', dtype: 'F32', shape: [2, 2], data: f32(1, 2, 3, 4) },
      { name: 'b', dtype: 'F32', shape: [2], data: f32(-1, 0.5) },
      { name: 'ids', dtype: 'I64', shape: [1], data: new Uint8Array(8).fill(7) },
    ];
    const file = path.join(dir, 'a.safetensors');
    await writeSafetensors(file, tensors, { format: 'pt' });
    const bytes = await readFile(file);
    expect(bytes.length).toBe(safetensorsFileBytes(tensors, { format: 'pt' }));
    const h = await readSafetensorsHeader(file);
    expect(h.dataStart % 8).toBe(0);
    expect(h.metadata).toEqual({ format: 'pt' });
    expect([...h.tensors.values()].map((t) => [t.name, t.dtype, t.shape, t.begin, t.end])).toEqual([
      ['w', 'F32', [2, 2], 0, 16],
      ['b', 'F32', [2], 16, 24],
      ['ids', 'I64', [1], 24, 32],
    ]);
    const back = await readSafetensors(file, ['b', 'w']);
    expect(back.map((t) => t.name)).toEqual(['b', 'w']);
    expect(Buffer.compare(back[1]!.data, tensors[0]!.data)).toBe(0);
    expect(Array.from(new Float32Array(new Uint8Array(back[0]!.data).buffer))).toEqual([-1, 0.5]);
    // Atomic: no temporary file left behind.
    expect(await readdir(dir)).toEqual(['a.safetensors']);
    // Deterministic header: the same tensors give the same bytes.
    expect(encodeSafetensorsHeader(tensors, { format: 'pt' }).equals(bytes.subarray(0, h.dataStart))).toBe(
      true,
    );
  });

  it('refuses bytes that do not match a tensor dtype and shape when writing', async () => {
    await expect(
      writeSafetensors(path.join(dir, 'bad.safetensors'), [
        { name: 'w', dtype: 'F32', shape: [3], data: f32(1) },
      ]),
    ).rejects.toThrow(/w \(F32 \[3\]\) needs 12 bytes, got 4/);
  });

  it('names a truncated file', async () => {
    expect(problem(Buffer.alloc(5))).toMatch(/truncated: 5 bytes, fewer than the 8-byte header length/);
    const whole = fileOf({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(1));
    expect(problem(whole.subarray(0, 20))).toMatch(
      /truncated: the header needs \d+ bytes after the length but only 12/,
    );
    expect(problem(whole.subarray(0, 8), whole.length - 30)).toMatch(/truncated/);
    // The last tensor cut short: the file ends inside its data.
    expect(problem(whole, whole.length - 1)).toMatch(
      /tensor w ends at data byte 4 but the data section has 3 bytes/,
    );
    const file = path.join(dir, 'cut.safetensors');
    await writeFile(file, whole.subarray(0, whole.length - 2));
    await expect(readSafetensorsHeader(file)).rejects.toThrow(
      /cut\.safetensors is not a valid safetensors file.*truncated/,
    );
  });

  it('names bad JSON, a non-object header and a huge or zero header length', () => {
    expect(problem(fileOf('{"w": {'))).toMatch(/the header is not valid JSON/);
    expect(problem(fileOf('[1, 2]'))).toMatch(/the header is not a JSON object/);
    const huge = Buffer.alloc(16);
    huge.writeBigUInt64LE(1n << 40n);
    expect(problem(huge)).toMatch(/header length 1099511627776 is above the 100000000-byte limit/);
    expect(problem(Buffer.alloc(8))).toMatch(/header length is 0/);
  });

  it('names malformed entries and unsupported dtypes', () => {
    expect(problem(fileOf({ w: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }))).toMatch(
      /tensor w has the unsupported dtype "Q4"/,
    );
    expect(problem(fileOf({ w: { shape: [1], data_offsets: [0, 4] } }))).toMatch(/tensor w has no dtype/);
    expect(problem(fileOf({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }))).toMatch(
      /tensor w has no valid shape/,
    );
    expect(problem(fileOf({ w: { dtype: 'F32', shape: [1], data_offsets: [4] } }))).toMatch(
      /tensor w has no valid data_offsets/,
    );
    expect(problem(fileOf({ w: { dtype: 'F32', shape: [1], data_offsets: [8, 4] } }))).toMatch(
      /end before they begin/,
    );
    expect(problem(fileOf({ w: 3 }))).toMatch(/the entry of tensor w is not an object/);
    expect(problem(fileOf({ __metadata__: { a: 1 } }))).toMatch(/__metadata__\.a is not a string/);
  });

  it('names offsets that disagree with the shape, run past the end or overlap', () => {
    expect(problem(fileOf({ w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } }))).toMatch(
      /tensor w \(F32 \[2, 3\]\) needs 24 bytes but its data_offsets \[0, 20\] hold 20/,
    );
    const past = fileOf({ w: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32(1, 2));
    expect(problem(past, past.length)).toMatch(
      /tensor w ends at data byte 12 but the data section has 8 bytes/,
    );
    const overlap = fileOf(
      {
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      },
      f32(1, 2, 3),
    );
    expect(problem(overlap, overlap.length)).toMatch(/tensors a \[0, 8\) and b \[4, 12\) overlap/);
  });
});
